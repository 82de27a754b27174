"""What a Hummingbot connector needs from its process to run inside a check, and nothing more.

- Loading: the connector class is named by the manifest (`[adapter] connector_class`); when
  Hummingbot is missing the error is the one line that installs it.
- A clean Hummingbot for every check. Hummingbot keeps one process-wide aiohttp session in
  its `ConnectionsFactory` singleton; made in one check's event loop, it is dead in the next
  (every request then fails with "Event loop is closed"). `fresh_connections` replaces it
  before a connector starts, and the connector closes it when it stops. The checks run in
  one process (a child process per check would pay Hummingbot's import, pandas and pydantic
  included, some 61 times per suite); ARCHITECTURE.md says why.
- Time. Hummingbot reads `time.time()` (signatures, its time synchroniser, its throttler) and
  waits with `asyncio.sleep` (polling loops, back-off, its throttler). `bind_clock` points the
  `time` and `asyncio` names of every loaded Hummingbot module at the harness clock for the
  life of one connector, as ccxt's are (harness/adapters/ccxt_build.py): its waits and its
  stamps then agree with the replay's and the double's clock, and on the harness' idle-skipping
  loop they cost no wall time. Its algorithm, intervals and constants stay its own.
- Routing: Hummingbot's URLs are constants. Its one seam for the network is that shared
  session: the adapter gives it a `LoopbackSession`, which re-points each production URL at
  its loopback base by the manifest's `[urls.production]`, as the ccxt adapter does. A URL of
  another host goes to the loopback base of its kind and is refused there, never sent out.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from harness.adapters.ccxt_build import loopback_url
from harness.standard.clock import Clock

HUMMINGBOT_REQUIRED = ("Hummingbot is not installed; the hummingbot adapter needs it: "
                       "harness install hummingbot")
_PACKAGE = "hummingbot"
_FACTORY = "hummingbot.core.web_assistant.connections.connections_factory"


class AdapterConfigError(ValueError):
    """The manifest's [adapter] table cannot build a Hummingbot connector."""


def hummingbot_class(target: object) -> Any:
    """The class `module:Class` names, or ImportError with the install command."""
    if not isinstance(target, str) or ":" not in target:
        raise AdapterConfigError("[adapter] connector_class: missing; name Hummingbot's class, "
                                 "e.g. \"hummingbot.connector.exchange.binance."
                                 "binance_exchange:BinanceExchange\"")
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if module_name.split(".")[0] == _PACKAGE and importlib.util.find_spec(_PACKAGE) is None:
            raise ImportError(HUMMINGBOT_REQUIRED) from exc
        raise
    found = getattr(module, class_name, None)
    if found is None:
        raise AdapterConfigError(f"[adapter] connector_class: {module_name} has no "
                                 f"{class_name!r}")
    return found


class _ClockTime:
    """The `time` module, with `time()` read from a harness clock. Its counters
    (`perf_counter`, `monotonic`) stay real: Hummingbot's time synchroniser adds the elapsed
    `perf_counter` to the server time it last read, and the cassettes' server times do not
    move with an accelerated clock (a trade recorded 0.3 s after the scenario's server time
    would fall before the `startTime` Hummingbot asks myTrades from)."""

    def __init__(self, clock: Clock) -> None:
        self.time = self.perf_counter = self.monotonic = clock.time

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def loop_seconds(clock: Clock, seconds: float) -> float:
    """`seconds` of `clock` in the event loop's seconds (a ScaledClock runs `speed` times
    faster than its loop)."""
    return seconds / float(getattr(clock, "speed", 1.0))


class _ClockAsyncio:
    """The `asyncio` module, with `sleep` waiting on a harness clock and `wait_for`'s timeout
    counted in that clock's seconds (a ScaledClock's `speed` of them per loop second)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def sleep(self, delay: float, result: Any = None) -> Any:
        await self._clock.sleep(delay)
        return result

    async def wait_for(self, awaitable: Any, timeout: float | None) -> Any:
        return await asyncio.wait_for(awaitable, None if timeout is None
                                      else loop_seconds(self._clock, timeout))

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def bind_clock(clock: Clock, package: str = _PACKAGE) -> Callable[[], None]:
    """Point the `time` and `asyncio` globals of `package`'s loaded modules, and the names
    they imported from asyncio (`from asyncio import wait_for`), at `clock`; return the
    function that restores them."""
    clock_asyncio = _ClockAsyncio(clock)
    swaps: dict[int, Any] = {id(time): _ClockTime(clock), id(asyncio): clock_asyncio,
                             id(asyncio.sleep): clock_asyncio.sleep,
                             id(asyncio.wait_for): clock_asyncio.wait_for}
    changed: list[tuple[Any, str, Any]] = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        for attr, value in list(getattr(module, "__dict__", {}).items()):
            proxy = swaps.get(id(value))
            if proxy is not None:
                setattr(module, attr, proxy)
                changed.append((module, attr, value))

    def restore() -> None:
        for module, attr, real in changed:
            setattr(module, attr, real)

    return restore


class LoopbackSession:
    """The aiohttp session Hummingbot's connections use (its `request` and `ws_connect`),
    with each production URL re-pointed at its loopback base (ccxt_build.loopback_url).
    The aiohttp session is made on first use, in the loop that uses it."""

    def __init__(self, production: Mapping[str, str], loopback: Mapping[str, str]) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._production = dict(production)
        self._loopback = dict(loopback)

    def url(self, url: object) -> str:
        return loopback_url(str(url), self._production, self._loopback)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    def request(self, method: str, url: object, **kwargs: Any) -> Any:
        return self.session.request(method, self.url(url), **kwargs)

    def ws_connect(self, url: object, **kwargs: Any) -> Any:
        return self.session.ws_connect(self.url(url), **kwargs)

    @property
    def closed(self) -> bool:
        return self._session is None or self._session.closed

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def fresh_connections(session: LoopbackSession | None = None) -> Any:
    """Replace Hummingbot's process-wide aiohttp sessions (made in another check's loop) by
    `session`; return the factory, whose `close()` closes it."""
    factory_type = importlib.import_module(_FACTORY).ConnectionsFactory
    factory_type._instance = None
    factory_type._shared_client = session
    factory_type._ws_independent_session = None
    return factory_type()
