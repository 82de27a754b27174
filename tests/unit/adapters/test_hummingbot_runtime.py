"""What a Hummingbot connector gets from its process: its URLs on loopback, its time and waits
on the harness clock (and given back after), the install line when Hummingbot is missing.
None of this needs Hummingbot: a stand-in package plays its modules."""

from __future__ import annotations

import asyncio
import sys
import time
import types
from collections.abc import Iterator
from typing import Any

import pytest

from harness.adapters import hummingbot_runtime as rt
from harness.standard.clock import ScaledClock

PRODUCTION = {"rest": "https://api.binance.com", "ws_public": "wss://stream.binance.com:9443",
              "ws_private": "wss://ws-api.binance.com:443"}
LOOPBACK = {"rest": "http://127.0.0.1:1001", "ws_public": "ws://127.0.0.1:1002",
            "ws_private": "ws://127.0.0.1:1003"}


@pytest.fixture
def fake_package() -> Iterator[types.ModuleType]:
    """A loaded package `fakebot` whose module uses time and asyncio as Hummingbot's do."""
    module = types.ModuleType("fakebot.core")
    exec("import asyncio, time\nfrom asyncio import wait_for, sleep\n"
         "def now(): return time.time()\n"
         "async def nap(s): await asyncio.sleep(s)\n", module.__dict__)
    sys.modules["fakebot.core"] = module
    yield module
    del sys.modules["fakebot.core"]


def test_hummingbot_urls_go_to_their_loopback_base() -> None:
    session = rt.LoopbackSession(PRODUCTION, LOOPBACK)
    assert session.url("https://api.binance.com/api/v3/exchangeInfo") == \
        "http://127.0.0.1:1001/api/v3/exchangeInfo"
    assert session.url("wss://ws-api.binance.com:443/ws-api/v3") == "ws://127.0.0.1:1003/ws-api/v3"
    # A host the manifest does not name goes to loopback too, where it is refused.
    assert session.url("https://api.binance.us/api/v3/time").startswith("http://127.0.0.1:1001")


async def test_the_session_is_made_on_first_use_and_closed() -> None:
    session = rt.LoopbackSession(PRODUCTION, LOOPBACK)
    assert session.closed
    inner = session.session
    assert session.session is inner and not session.closed
    await session.close()
    assert session.closed and inner.closed


def test_its_time_and_waits_follow_the_clock_until_restored(
        fake_package: types.ModuleType) -> None:
    clock = ScaledClock(speed=100.0, start=1_000_000.0, monotonic=lambda: 0.0)
    restore = rt.bind_clock(clock, package="fakebot")
    try:
        assert fake_package.now() == 1_000_000.0
        assert fake_package.time.perf_counter() == 1_000_000.0
        assert fake_package.wait_for is not asyncio.wait_for
        assert fake_package.sleep is not asyncio.sleep
        assert fake_package.asyncio.Event is asyncio.Event  # the rest is asyncio's own
    finally:
        restore()
    assert fake_package.time is time and fake_package.asyncio is asyncio
    assert fake_package.wait_for is asyncio.wait_for and fake_package.sleep is asyncio.sleep
    assert abs(fake_package.now() - time.time()) < 5


async def test_a_wait_for_timeout_is_in_clock_seconds(fake_package: types.ModuleType) -> None:
    clock = ScaledClock(speed=100.0)
    restore = rt.bind_clock(clock, package="fakebot")
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimeoutError):
            await fake_package.wait_for(asyncio.Event().wait(), 5.0)  # 5 clock s = 0.05 s
        assert asyncio.get_running_loop().time() - started < 1.0
        await fake_package.nap(1.0)  # 1 clock s
    finally:
        restore()
    assert rt.loop_seconds(clock, 5.0) == 0.05
    assert rt.loop_seconds(object(), 5.0) == 5.0  # type: ignore[arg-type]


def test_a_missing_hummingbot_is_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    real = rt.importlib.util.find_spec
    monkeypatch.setattr(rt.importlib.util, "find_spec",
                        lambda name, *a: None if name == "hummingbot" else real(name, *a))
    # Import fails as if absent, even where an earlier test of this process imported it.
    for name in [n for n in sys.modules if n == "hummingbot" or n.startswith("hummingbot.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "hummingbot", None)
    with pytest.raises(ImportError, match=r"not installed.*harness install hummingbot"):
        rt.hummingbot_class("hummingbot.connector.exchange.binance.binance_exchange:X")


@pytest.mark.parametrize("target, says", [(None, "connector_class: missing"),
                                          ("json:NoSuchClass", "json has no 'NoSuchClass'")])
def test_a_bad_connector_class_is_one_line(target: Any, says: str) -> None:
    with pytest.raises(rt.AdapterConfigError, match=says):
        rt.hummingbot_class(target)


def test_another_library_missing_is_its_own_error() -> None:
    with pytest.raises(ModuleNotFoundError) as caught:
        rt.hummingbot_class("no_such_top_level_xyz.mod:Cls")
    assert "harness install hummingbot" not in str(caught.value)
