"""CassetteMock in conformance mode (the exchange's exchange.yaml beside the cassette): any
correct client's requests are answered, as loopback conformance replay answers them, and
what no correct client could send is still refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from harness.cassette.format import ReplayMode
from harness.mocks import CassetteMock, UnmatchedRequest
from harness.replay import CassetteMismatch
from tests.fixtures.aio import eventually, run
from tests.integration.replay.replay_helpers import make_cassette

BINANCE = Path(__file__).resolve().parents[3] / "cassettes" / "binance"
API, STREAM = "https://api.binance.com", "wss://stream.binance.com:9443"
STREAMS = ["btcusdt@depth@100ms", "btcusdt@trade", "ethusdt@depth@100ms", "ethusdt@trade"]


async def call(method: str, path: str, **params: str) -> Any:
    async with aiohttp.ClientSession() as session, \
            session.request(method, API + path, params=params or None) as response:
        return json.loads(await response.text())


def test_the_mode_follows_the_exchange_yaml_beside_the_cassette() -> None:
    assert CassetteMock(BINANCE / "place_limit_buy.yaml").mode is ReplayMode.CONFORMANCE
    assert CassetteMock(BINANCE / "place_limit_buy.yaml", exchange=None).mode \
        is ReplayMode.STRICT
    assert CassetteMock(BINANCE / "place_limit_buy.yaml",
                        exchange=BINANCE / "exchange.yaml").mode is ReplayMode.CONFORMANCE
    assert CassetteMock(make_cassette(ws=[{"url": f"{STREAM}/ws", "frames": []}])).mode \
        is ReplayMode.STRICT


def test_a_placement_is_answered_whatever_the_client_chose() -> None:
    async def scenario() -> None:
        with CassetteMock(BINANCE / "place_limit_buy.yaml"):
            # another client: its own order id, response type and window; 0.0100 is 0.01
            placed = await call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY",
                                type="LIMIT", timeInForce="GTC", quantity="0.0100",
                                price="30000.00", newClientOrderId="my-own-7",
                                newOrderRespType="ACK", recvWindow="60000",
                                timestamp="1", signature="x")
        assert placed == {"symbol": "BTCUSDT", "orderId": 28, "orderListId": -1,
                          "clientOrderId": "my-own-7", "transactTime": placed["transactTime"]}

    run(scenario())


def test_what_no_correct_client_sends_is_refused_and_strict_mode_refuses_choices() -> None:
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "0.01", "price": "30000", "newClientOrderId": "CH-Bt1",
             "newOrderRespType": "ACK"}

    async def scenario(exchange: Any, changes: dict[str, str], reason: str) -> None:
        with pytest.raises(CassetteMismatch, match=reason), \
                CassetteMock(BINANCE / "place_limit_buy.yaml", exchange=exchange), \
                pytest.raises(UnmatchedRequest, match=reason):
            await call("POST", "/api/v3/order", **{**order, **changes})

    run(scenario("auto", {"side": "SELL"}, "side"))
    run(scenario(None, {}, "newOrderRespType=ACK but recorded FULL"))


def test_read_only_endpoints_answer_as_often_as_asked_with_the_client_s_filters() -> None:
    async def scenario() -> None:
        with CassetteMock(BINANCE / "order_book.yaml") as mock:
            for _ in range(3):
                depth = await call("GET", "/api/v3/depth", symbol="BTCUSDT", limit="2")
                assert len(depth["bids"]) == len(depth["asks"]) == 2
            # never recorded here: exchange.yaml's default answer, filtered to the symbol
            ticker = await call("GET", "/api/v3/ticker/24hr", symbol="ETHUSDT")
            assert ticker["symbol"] == "ETHUSDT"
            assert mock.requests[-1].interaction_id == "exchange default"

    run(scenario())


def test_a_subscription_in_two_frames_is_answered_frame_by_frame_with_their_ids() -> None:
    async def scenario() -> None:
        with CassetteMock(BINANCE / "fills_by_stream.yaml") as mock:
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect(f"{STREAM}/ws/anything") as ws:
                await ws.send_json({"method": "SUBSCRIBE", "params": STREAMS[:2], "id": 7})
                assert await ws.receive_json() == {"result": None, "id": 7}
                await ws.send_json({"method": "SUBSCRIBE", "params": STREAMS[2:], "id": "b"})
                assert await ws.receive_json() == {"result": None, "id": "b"}
                await ws.send_json({"method": "SUBSCRIBE", "params": ["solusdt@trade"],
                                    "id": 9})
                await eventually(lambda: not [line for line in mock.unused()
                                              if line.startswith("ws[0]")], what="ws[0]")
            [refused] = mock.mismatches
            assert "solusdt@trade are not part of this scenario" in refused

    run(scenario())


def test_read_only_requests_for_what_the_scenario_lacks_are_refused() -> None:
    async def scenario() -> None:
        with pytest.raises(CassetteMismatch, match="2 problem"), \
                CassetteMock(BINANCE / "order_book.yaml"):
            with pytest.raises(UnmatchedRequest, match="symbol=NOPEUSDT names nothing"):
                await call("GET", "/api/v3/exchangeInfo", symbol="NOPEUSDT")
            with pytest.raises(UnmatchedRequest, match=r"exchange\.yaml's default answer"):
                await call("GET", "/api/v3/ticker/24hr", symbol="NOPEUSDT")

    run(scenario())


def test_ws_api_requests_compare_without_the_client_s_choices_and_are_verified() -> None:
    def verifier(message: Any) -> str | None:
        return None if message["params"]["signature"] == "good" else "bad signature"

    def subscribe(signature: str, request_id: Any) -> dict[str, Any]:
        return {"id": request_id, "method": "userDataStream.subscribe.signature",
                "params": {"apiKey": "mine", "timestamp": 5, "signature": signature}}

    async def scenario() -> None:
        with CassetteMock(BINANCE / "fills_by_stream.yaml", ws_verifier=verifier) as mock:
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect("wss://ws-api.binance.com:443/ws-api/v3") as ws:
                await ws.send_str("not json")
                await ws.send_json({"method": "SUBSCRIBE", "params": [], "id": 3})
                await ws.send_json(subscribe("bad", 1))
                await ws.send_json(subscribe("good", "mine-2"))
                answer = await ws.receive_json()
                assert (answer["id"], answer["status"]) == ("mine-2", 200)
        problems = "\n".join(mock.mismatches)
        assert "'not json' does not match frames[0]" in problems and "expected a JSON" in problems
        assert "ws_verifier rejected it (bad signature)" in problems

    run(scenario())


def test_ticker_24hr_shows_the_prices_recorded_at_ticker_price_as_loopback_replay_does() -> None:
    # exchange.yaml: ticker/24hr is a view_of ticker/price (harness/replay/state_views.py).
    async def scenario() -> None:
        with CassetteMock(BINANCE / "last_prices.yaml"):
            last = [(await call("GET", "/api/v3/ticker/24hr", symbol=symbol))["lastPrice"]
                    for symbol in ("BTCUSDT", "ETHUSDT", "BTCUSDT")]
        assert last == ["30000.10000000", "2000.05000000", "30000.20000000"]

    run(scenario())


def test_the_exchanges_pings_are_answered_in_the_fake_socket_as_on_loopback() -> None:
    # cassettes/bybit/exchange.yaml ws.heartbeat: each kind of connection has its own pong.
    bybit = BINANCE.parent / "bybit"

    async def scenario() -> None:
        with CassetteMock(bybit / "startup.yaml") as mock:
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect("wss://stream.bybit.com/v5/public/spot") as ws:
                    await ws.send_json({"op": "ping", "req_id": "7"})
                    pong = await ws.receive_json(timeout=2)
                    assert (pong["op"], pong["ret_msg"], pong["req_id"]) == ("ping", "pong", "7")
                async with session.ws_connect("wss://stream.bybit.com/v5/private") as ws:
                    await ws.send_json({"op": "ping", "args": [1795248000000]})
                    assert (await ws.receive_json(timeout=2))["op"] == "pong"
            assert mock.mismatches == []

    run(scenario())
