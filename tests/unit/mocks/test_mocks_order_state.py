"""CassetteMock answers an order's unrecorded polls as loopback conformance replay does
(exchange.yaml `order_state`, harness/replay/order_state.py): from the frames its fake
sockets played, and only to a request the verifier accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from harness.mocks import CassetteMock, UnmatchedRequest
from harness.replay import CassetteMismatch
from tests.fixtures.aio import run

BINANCE = Path(__file__).resolve().parents[3] / "cassettes" / "binance"
API = "https://api.binance.com"


async def call(method: str, path: str, **params: str) -> Any:
    async with aiohttp.ClientSession() as session, \
            session.request(method, API + path, params=params or None) as response:
        return json.loads(await response.text())


def test_an_orders_polls_are_answered_from_the_frames_played_as_on_loopback() -> None:
    # exchange.yaml order_state: user_stream_terminated records no poll of order 62; the
    # mock answers one from the executionReport its fake socket played (order_state.py).
    async def scenario() -> None:
        with CassetteMock(BINANCE / "user_stream_terminated.yaml") as mock:
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect("wss://ws-api.binance.com:443/ws-api/v3") as ws:
                await ws.send_json({"id": 1, "method": "userDataStream.subscribe.signature",
                                    "params": {"apiKey": "k", "timestamp": 0, "signature": "s"}})
                assert (await ws.receive_json(timeout=2))["status"] == 200
                await call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                           timeInForce="GTC", quantity="0.01", price="30000",
                           newClientOrderId="mine-1")
                assert (await ws.receive_json(timeout=2))["event"]["X"] == "NEW"
                status = await call("GET", "/api/v3/order", symbol="BTCUSDT",
                                    origClientOrderId="mine-1")
                trades = await call("GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId="62")
            assert (status["status"], status["clientOrderId"]) == ("NEW", "mine-1")
            assert trades == [] and mock.mismatches == []

    run(scenario())


def test_an_orders_state_is_answered_only_to_a_request_the_verifier_accepts() -> None:
    def verifier(view: Any) -> str | None:
        return None if view.param("signature") else "no signature"

    async def scenario() -> None:
        with pytest.raises(CassetteMismatch, match="an order's state is the account's own"), \
                CassetteMock(BINANCE / "user_stream_terminated.yaml", request_verifier=verifier):
            await call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                       timeInForce="GTC", quantity="0.01", price="30000", signature="s")
            assert (await call("GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId="62",
                               signature="s")) == []
            with pytest.raises(UnmatchedRequest, match="request_verifier rejected it"):
                await call("GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId="62")

    run(scenario())
