"""Conformance replay answers an order's status and trades from what the exchange already told
the client (exchange.yaml `order_state`), where the scenario recorded no such poll.

cassettes/binance/user_stream_terminated.yaml records no GET /api/v3/order and no myTrades
for order 62: its recording client learnt everything from the user stream. Hummingbot polls
both on its own timer; under load a poll lands at any moment of the scenario. A plain client
here polls at each awkward moment and must get what the exchange would say then.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from binance_client import WS_API, PlainClient, binance_replay, order, refusal, signed_ws_params
from websockets.asyncio.client import ClientConnection, connect

from tests.fixtures.aio import run

SCENARIO = "user_stream_terminated"
MINE = "x-HBOT-B1"  # the client's own id for the scenario's order (recorded as CH-Bt1)


async def next_event(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next user-stream event of `kind` (answers and other events skipped)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 3.0))
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("e") == kind:
            return event


async def subscribe(ws: ClientConnection, request_id: int) -> None:
    await ws.send(json.dumps({"id": request_id, "method": "userDataStream.subscribe.signature",
                              "params": signed_ws_params()}))


async def status_of(client: PlainClient, **naming: str) -> dict[str, Any]:
    status, body = await client.call("GET", "/api/v3/order",
                                     [("symbol", "BTCUSDT"), *naming.items()], signed=True)
    assert status == 200, body
    assert isinstance(body, dict)
    return body


async def trades_of(client: PlainClient, *extra: tuple[str, str]) -> list[dict[str, Any]]:
    status, body = await client.call("GET", "/api/v3/myTrades",
                                     [("symbol", "BTCUSDT"), ("orderId", "62"), *extra],
                                     signed=True)
    assert status == 200, body
    assert isinstance(body, list)
    return body


def test_polls_before_and_after_the_streams_fill_get_the_state_the_stream_had_said() -> None:
    async def scenario() -> None:
        async with binance_replay(SCENARIO) as client:
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await subscribe(ws, 1)
                status, _ = await client.call("POST", "/api/v3/order",
                                              order(newClientOrderId=MINE), signed=True)
                assert status == 200
                assert (await next_event(ws, "executionReport"))["X"] == "NEW"
                # The stream said NEW: the order rests, with no trade yet.
                before = await status_of(client, orderId="62")
                assert (before["status"], before["executedQty"]) == ("NEW", "0.00000000")
                assert before["clientOrderId"] == MINE and before["isWorking"] is True
                assert before["time"] == 1795248000100
                assert await trades_of(client) == []
                await client.call("GET", "/api/v3/ping")  # the server ends this stream
                await asyncio.wait_for(ws.wait_closed(), 3.0)
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await subscribe(ws, 2)
                assert (await next_event(ws, "executionReport"))["X"] == "FILLED"
                await next_event(ws, "outboundAccountPosition")
                after = await status_of(client, origClientOrderId=MINE)
                assert (after["orderId"], after["status"], after["executedQty"],
                        after["cummulativeQuoteQty"]) == (62, "FILLED", "0.01000000",
                                                          "300.00000000")
                assert after["clientOrderId"] == MINE and after["isWorking"] is False
                assert await trades_of(client) == [{
                    "symbol": "BTCUSDT", "id": 260, "orderId": 62, "orderListId": -1,
                    "price": "30000.00000000", "qty": "0.01000000",
                    "quoteQty": "300.00000000", "commission": "0.00001000",
                    "commissionAsset": "BTC", "time": 1795248000450, "isBuyer": True,
                    "isMaker": True, "isBestMatch": True}]
                assert await trades_of(client, ("fromId", "261")) == []  # filters still apply
        assert not client.replay.mismatches
    run(scenario())


def test_before_the_stream_says_anything_the_placement_answer_is_the_orders_state() -> None:
    async def scenario() -> None:
        async with binance_replay(SCENARIO) as client:
            status, _ = await client.call("POST", "/api/v3/order",
                                          order(newClientOrderId=MINE), signed=True)
            assert status == 200
            placed = await status_of(client, origClientOrderId=MINE)
            assert (placed["orderId"], placed["status"], placed["clientOrderId"],
                    placed["origQty"]) == (62, "NEW", MINE, "0.01000000")
            assert placed["time"] == placed["updateTime"] == 1795248000100
            assert await trades_of(client) == []
        assert not client.replay.mismatches
    run(scenario())


def test_an_order_the_exchange_has_not_told_of_is_still_refused() -> None:
    async def scenario() -> None:
        async with binance_replay(SCENARIO, refused=True) as client:
            status, _ = await client.call("GET", "/api/v3/myTrades",
                                          [("symbol", "BTCUSDT"), ("orderId", "62")],
                                          signed=True)
            assert status == 500
            status, _ = await client.call("GET", "/api/v3/order",
                                          [("symbol", "BTCUSDT"), ("orderId", "62")],
                                          signed=True)
            assert status == 500
            assert "GET /api/v3/order" in refusal(client.replay)
    run(scenario())


def test_an_unsigned_poll_of_a_known_order_is_refused_by_the_signature_check() -> None:
    # The order's state is the account's own: answered from what was said only to a request
    # signed as the exchange requires (the manifest's verifier), like a recorded one.
    async def scenario() -> None:
        async with binance_replay(SCENARIO, refused=True) as client:
            status, _ = await client.call("POST", "/api/v3/order", order(newClientOrderId=MINE),
                                          signed=True)
            assert status == 200
            status, _ = await client.call("GET", "/api/v3/order",
                                          [("symbol", "BTCUSDT"), ("orderId", "62")])
            assert status == 500
            assert "request_verifier rejected it" in refusal(client.replay)
            assert (await status_of(client, orderId="62"))["status"] == "NEW"  # signed: answered
    run(scenario())
