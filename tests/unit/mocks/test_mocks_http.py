"""CassetteMock, REST half: meaning-based matching inside aioresponses, recorded answers,
faults, and misses that name the closest recorded interaction."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from harness.cassette.format import Cassette
from harness.mocks import CassetteMock, UnmatchedRequest
from harness.replay import CassetteMismatch
from tests.fixtures.aio import run
from tests.integration.replay.replay_helpers import API, interaction, make_cassette

ORDER = f"{API}/api/v3/order?symbol=BTCUSDT&side=BUY&quantity=0.01&timestamp=1&signature=x"


def order_cassette() -> Cassette:
    placed = interaction("POST", ORDER, {"orderId": 28, "status": "NEW"}, id="new-order",
                         headers={"X-MBX-APIKEY": ["SCRUBBED"]})
    placed["response"]["headers"]["X-MBX-USED-WEIGHT-1M"] = ["21"]
    rejected = interaction("GET", f"{API}/api/v3/order?symbol=NOPE", {"code": -1121},
                           status=400)
    rejected["response"]["status"]["message"] = "Bad Request"
    return make_cassette([
        interaction("GET", f"{API}/api/v3/time", {"serverTime": 1}, repeat=True),
        placed,
        rejected,
        interaction("POST", f"{API}/sapi/v1/form", {"ok": "form"}, body="b=2&a=1",
                    headers={"Content-Type": ["application/x-www-form-urlencoded"]}),
        interaction("POST", f"{API}/api/v5/json", {"ok": "json"},
                    body={"qty": "0.01", "nested": {"side": "buy"}, "timestamp": 1},
                    headers={"Content-Type": ["application/json"]}),
        interaction("GET", f"{API}/reset", fault="reset"),
        interaction("GET", f"{API}/timeout", fault="timeout"),
    ])


async def call(method: str, url: str, **kwargs: Any) -> tuple[int, str, Any, dict[str, str]]:
    async with aiohttp.ClientSession() as session, \
            session.request(method, url, **kwargs) as response:
        return (response.status, response.reason or "", json.loads(await response.text()),
                dict(response.headers))


def test_parameters_match_by_meaning_and_the_recorded_answer_comes_back() -> None:
    async def scenario() -> None:
        with CassetteMock(order_cassette()) as mock:
            # another order, other volatile values, parameters split between URL and params
            status, reason, body, headers = await call(
                "POST", f"{API}/api/v3/order?side=BUY",
                params={"quantity": "0.01", "symbol": "BTCUSDT", "timestamp": "99",
                        "signature": "abc"})
            assert (status, reason, body) == (200, "OK", {"orderId": 28, "status": "NEW"})
            assert headers["X-MBX-USED-WEIGHT-1M"] == "21"
            assert headers["Content-Type"] == "application/json"
            assert "Content-Length" not in headers or headers["Content-Length"] != "999"
            assert await call("GET", f"{API}/api/v3/order", params={"symbol": "NOPE"}) == (
                400, "Bad Request", {"code": -1121}, {"Content-Type": "application/json"})
            [placed, rejected] = mock.requests
            assert (placed.interaction_id, placed.param("side")) == ("new-order", "BUY")
            # the query as aiohttp sends it: URL first, then `params` in their order
            assert placed.view.query_string == (
                "side=BUY&quantity=0.01&symbol=BTCUSDT&timestamp=99&signature=abc")
            assert rejected.status == 400

    run(scenario())


def test_form_and_json_bodies_match_by_value() -> None:
    async def scenario() -> None:
        with CassetteMock(order_cassette()):
            assert (await call("POST", f"{API}/sapi/v1/form", data={"a": "1", "b": "2"}))[2] \
                == {"ok": "form"}
            sent = {"nested": {"side": "buy"}, "qty": "0.01", "timestamp": 777}
            assert (await call("POST", f"{API}/api/v5/json", json=sent))[2] == {"ok": "json"}

    run(scenario())


def test_an_interaction_is_served_once_unless_it_repeats() -> None:
    async def scenario() -> None:
        with pytest.raises(CassetteMismatch, match="1 problem"), CassetteMock(order_cassette()):
            for _ in range(3):
                assert (await call("GET", f"{API}/api/v3/time"))[2] == {"serverTime": 1}
            await call("POST", ORDER)
            with pytest.raises(UnmatchedRequest, match="already served"):
                await call("POST", ORDER)

    run(scenario())


def test_a_request_the_cassette_does_not_hold_names_the_closest_interaction() -> None:
    async def scenario() -> None:
        with pytest.raises(CassetteMismatch) as on_exit, CassetteMock(order_cassette()):
            with pytest.raises(UnmatchedRequest) as raised:
                await call("POST", ORDER.replace("side=BUY", "side=SELL"))
            message = str(raised.value)
            assert "cannot answer POST api.binance.com/api/v3/order?" in message
            assert "#1 'new-order'" in message.splitlines()[1]  # the closest comes first
            assert "params failed: side=SELL but recorded BUY" in message
            # a path no pattern covers: aioresponses alone would only say "Connection refused"
            with pytest.raises(UnmatchedRequest, match=r"(?s)closest.*'new-order'"):
                await call("POST", f"{API}/api/v3/orders", params={"symbol": "BTCUSDT"})
        # swallowed by the code under test or not, every miss fails the test on exit
        assert "2 problem(s)" in str(on_exit.value)

    run(scenario())


def test_faults_fail_the_request_as_aiohttp_would() -> None:
    async def scenario() -> None:
        with CassetteMock(order_cassette()):
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await call("GET", f"{API}/reset")
            with pytest.raises(TimeoutError):
                await call("GET", f"{API}/timeout")

    run(scenario())


def test_the_request_verifier_sees_signed_requests_only() -> None:
    seen: list[str] = []

    def verifier(view: Any) -> str | None:
        seen.append(view.path)
        return None if view.param("signature") == "good" else "bad signature"

    async def scenario() -> None:
        with pytest.raises(CassetteMismatch, match="request_verifier rejected it"), \
                CassetteMock(order_cassette(), request_verifier=verifier):
            await call("GET", f"{API}/api/v3/time")
            with pytest.raises(UnmatchedRequest, match="bad signature"):
                await call("POST", ORDER)
            await call("POST", ORDER.replace("signature=x", "signature=good"))
        assert seen == ["/api/v3/order", "/api/v3/order"]

    run(scenario())


def test_strict_fails_on_what_was_never_served() -> None:
    async def scenario(strict: bool) -> None:
        with CassetteMock(order_cassette(), strict=strict):
            await call("GET", f"{API}/api/v3/time")

    run(scenario(strict=False))
    with pytest.raises(CassetteMismatch, match=r"never used: #1 'new-order'"):
        run(scenario(strict=True))


def test_the_cassette_joins_a_tests_own_aioresponses() -> None:
    async def scenario() -> None:
        with aioresponses() as responses:
            responses.get(f"{API}/api/v3/time", payload={"serverTime": 42})  # theirs first
            with CassetteMock(order_cassette(), responses=responses):
                responses.get(f"{API}/extra", payload={"mine": True}, repeat=True)
                assert (await call("GET", f"{API}/api/v3/time"))[2] == {"serverTime": 42}
                assert (await call("GET", f"{API}/api/v3/time"))[2] == {"serverTime": 1}
                assert (await call("GET", f"{API}/extra"))[2] == {"mine": True}
                assert (await call("POST", ORDER))[0] == 200
                responses.assert_called_with(f"{API}/extra", "GET")
            # stopped, the cassette leaves the caller's aioresponses as it found it
            with pytest.raises(aiohttp.ClientConnectionError) as refused:
                await call("GET", f"{API}/api/v3/time")
            assert not isinstance(refused.value, UnmatchedRequest)
            assert (await call("GET", f"{API}/extra"))[2] == {"mine": True}

    run(scenario())


def test_raw_bodies_compare_as_bytes_and_an_empty_cassette_says_so() -> None:
    cassette = make_cassette([
        interaction("PUT", f"{API}/raw", {"ok": "bytes"}, body="\x00\x01 raw"),
        interaction("PUT", f"{API}/text", {"ok": "text"}, body="plain words")])

    async def scenario() -> None:
        with CassetteMock(cassette):
            assert (await call("PUT", f"{API}/raw", data=b"\x00\x01 raw"))[2] == {"ok": "bytes"}
            assert (await call("PUT", f"{API}/text", data="plain words"))[2] == {"ok": "text"}
        only_ws = make_cassette(ws=[{"url": f"{API.replace('https', 'wss')}/ws", "frames": []}])
        with pytest.raises(CassetteMismatch), CassetteMock(only_ws), \
                pytest.raises(UnmatchedRequest, match="the cassette has no HTTP interactions"):
            await call("GET", f"{API}/api/v3/time")

    run(scenario())


def test_a_mock_starts_once_and_leaves_passthrough_to_its_owner() -> None:
    mock = CassetteMock(order_cassette())
    with mock, pytest.raises(RuntimeError, match="already started"):
        mock.start()
    mock.stop()  # stopping twice is harmless
    with aioresponses(passthrough_unmatched=True) as responses, \
            CassetteMock(order_cassette(), responses=responses):
        assert "match" not in vars(responses)  # unmatched requests go where the owner said
