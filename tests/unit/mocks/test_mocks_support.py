"""The rest of harness.mocks: the missing-dependency message, recorded payloads as values,
and the `cassette_mock` pytest fixture."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from harness.mocks import CassetteMock, MissingDependency, response_json, server_messages
from harness.mocks.dependency import require_aioresponses
from harness.replay import CassetteMismatch
from tests.fixtures.aio import run

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[3]
FILLS = ROOT / "cassettes" / "binance" / "fills_by_stream.yaml"


def test_without_aioresponses_the_error_is_one_line_saying_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aioresponses", None)  # what a missing package does
    with pytest.raises(MissingDependency) as raised:
        CassetteMock(FILLS)
    message = str(raised.value)
    assert "\n" not in message and raised.value.__cause__ is None
    assert "pip install 'connector-harness[aioresponses]'" in message
    assert "aioresponses-ng" in message


def test_the_installed_aioresponses_is_the_fork_that_works_on_aiohttp_3_14() -> None:
    from importlib.metadata import version

    assert require_aioresponses().aioresponses is not None
    assert tuple(int(p) for p in version("aioresponses-ng").split(".")[:2]) >= (0, 8)
    assert tuple(int(p) for p in aiohttp.__version__.split(".")[:2]) >= (3, 14)


def test_recorded_payloads_are_found_by_id_or_by_method_and_path() -> None:
    placed = response_json(FILLS, "place")
    assert (placed["orderId"], placed["status"]) == (52, "NEW")
    assert response_json(str(FILLS), "GET /api/v3/depth")["lastUpdateId"] > 0
    with pytest.raises(LookupError, match=r"no interaction 'GET /nope'; it has: .*depth_btc"):
        response_json(FILLS, "GET /nope")
    reports = server_messages(FILLS, "/ws-api/v3")
    assert [m.get("event", {}).get("x") for m in reports][1:4] == ["NEW", "TRADE", "TRADE"]
    assert server_messages(FILLS)[0] == {"result": None, "id": 1}
    with pytest.raises(LookupError, match="no JSON server frames on /nope"):
        server_messages(FILLS, "/nope")


def test_the_fixture_serves_a_cassette_named_from_the_project_root(
        cassette_mock: Any) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session, \
                session.get("https://api.binance.com/api/v3/time") as response:
            assert await response.json() == {"serverTime": 1795248000000}

    mock = cassette_mock("cassettes/binance/fills_by_stream.yaml")
    run(scenario())
    assert [r.interaction_index for r in mock.requests] == [0]


def test_the_fixture_fails_the_test_on_what_did_not_match(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import asyncio, aiohttp

        def test_asks_for_what_is_not_there(cassette_mock):
            cassette_mock({str(FILLS)!r})

            async def ask():
                async with aiohttp.ClientSession() as session:
                    try:
                        await session.get("https://api.binance.com/api/v3/nope")
                    except aiohttp.ClientError:
                        pass  # the code under test swallows it

            asyncio.run(ask())
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*CassetteMismatch*1 problem*",
                                 "*unmatched request GET api.binance.com/api/v3/nope*"])
    assert CassetteMismatch.__name__ in result.stdout.str()
