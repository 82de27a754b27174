"""Conformance replay answers a Bybit order's status and executions from what the private
stream already said of it (cassettes/bybit/exchange.yaml `order_state`), where the scenario
recorded no such poll. Plain aiohttp / websockets clients, as a client other than ours asks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from bybit_client import API, STREAM, answer, bybit_replay, get
from websockets.asyncio.client import ClientConnection, connect

from tests.fixtures.aio import run


async def private_stream(ws: ClientConnection) -> None:
    await ws.send(json.dumps({"op": "auth", "args": ["key", 1795248010000, "sig"]}))
    assert (await answer(ws))["op"] == "auth"
    await ws.send(json.dumps({"op": "subscribe", "args": ["order", "execution", "wallet"]}))
    assert (await answer(ws))["op"] == "subscribe"


async def topic(ws: ClientConnection, name: str) -> dict[str, Any]:
    while True:
        message = await answer(ws)
        if message.get("topic") == name:
            return dict(message["data"][0])


def test_an_orders_status_and_executions_are_what_the_private_stream_said_of_it() -> None:
    # user_stream_terminated records no order/realtime and no execution/list: the order's
    # state is what the stream sent before each poll (exchange.yaml order_state).
    async def scenario() -> None:
        async with bybit_replay("user_stream_terminated") as replay:
            mine = {"category": "spot", "symbol": "BTCUSDT", "orderLinkId": "hb-B1"}
            async with connect(replay.ws_base_for(STREAM) + "/v5/private") as ws:
                await private_stream(ws)
                async with aiohttp.ClientSession() as http, http.post(
                        replay.http_base_for(API) + "/v5/order/create", json={
                            "category": "spot", "symbol": "BTCUSDT", "side": "Buy",
                            "orderType": "Limit", "qty": "0.01", "price": "30000",
                            "timeInForce": "GTC", "orderLinkId": "hb-B1"}) as response:
                    assert response.status == 200
                assert (await topic(ws, "order"))["orderStatus"] == "New"
                status = await get(replay, "/v5/order/realtime", **mine)
                [order] = status["result"]["list"]
                assert (order["orderLinkId"], order["orderStatus"]) == ("hb-B1", "New")
                assert "category" not in order and status["result"]["category"] == "spot"
                executions = await get(replay, "/v5/execution/list", **mine)
                assert executions["result"]["list"] == []
                await get(replay, "/v5/system/status")  # the server ends this stream
                await asyncio.wait_for(ws.wait_closed(), 3.0)
            async with connect(replay.ws_base_for(STREAM) + "/v5/private") as ws:
                await private_stream(ws)
                await topic(ws, "wallet")
                by_id = {"category": "spot", "orderId": "1900000000000000062"}
                [order] = (await get(replay, "/v5/order/realtime", **by_id))["result"]["list"]
                assert (order["orderStatus"], order["cumExecQty"]) == ("Filled", "0.01")
                [fill] = (await get(replay, "/v5/execution/list", **mine))["result"]["list"]
                assert (fill["execId"], fill["execQty"], fill["orderLinkId"]) == (
                    "260", "0.01", "hb-B1")
                assert "isLeverage" not in fill
            assert not replay.mismatches
    run(scenario())
