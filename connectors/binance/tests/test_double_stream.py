"""BinanceDouble's WebSocket side over real loopback sockets: market streams, the WebSocket
API user data stream with its envelopes and event types, and fault rendering over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import aiohttp
from websockets.asyncio.client import ClientConnection, connect

from connectors.binance.auth import sign_ws_params
from connectors.binance.double import BinanceDouble
from connectors.binance.double.markets import BTC_USDT, ETH_USDT
from connectors.binance.double.rest import order_key
from harness.double import DoubleServer, Exchange, FaultPlan, Order
from harness.standard.enums import OrderType, TradeSide
from harness.subject import TEST_API_KEY, TEST_API_SECRET

T = TypeVar("T")
D = Decimal


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 10))


@dataclass
class Live:
    server: DoubleServer
    exchange: Exchange
    faults: FaultPlan

    def ws(self, path: str) -> str:
        return self.server.ws_base + path


@asynccontextmanager
async def live(**double_options: Any) -> AsyncIterator[Live]:
    exchange, faults = BinanceDouble.default_exchange(), FaultPlan()
    async with DoubleServer(exchange, BinanceDouble(exchange, **double_options), faults) as s:
        yield Live(s, exchange, faults)


async def recv(ws: ClientConnection, timeout: float = 2.0) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def subscribe_user(ws: ClientConnection, timestamp: int, request_id: Any = 7,
                         secret: str = TEST_API_SECRET) -> Any:
    params = sign_ws_params({}, TEST_API_KEY, secret, timestamp)
    await ws.send(json.dumps({"id": request_id, "method": "userDataStream.subscribe.signature",
                              "params": params}))
    return await recv(ws)


def test_depth_updates_continue_from_the_snapshot_and_trades_stream() -> None:
    async def scenario() -> None:
        async with live() as t, connect(t.ws("/ws")) as ws:
            await ws.send(json.dumps({"method": "SUBSCRIBE", "id": 1,
                                      "params": ["btcusdt@depth@100ms", "btcusdt@trade"]}))
            assert await recv(ws) == {"result": None, "id": 1}
            snapshot_id = t.exchange.book(BTC_USDT).update_id
            t.exchange.seed_liquidity(BTC_USDT, TradeSide.BUY, D("29999.50"), D("0.25"))
            first = await recv(ws)
            assert first == {"e": "depthUpdate", "E": first["E"], "s": "BTCUSDT",
                             "U": snapshot_id + 1, "u": snapshot_id + 1,
                             "b": [["29999.50000000", "0.25000000"]], "a": []}
            t.exchange.place("x", BTC_USDT, TradeSide.SELL, OrderType.MARKET, D("0.3"))
            trade = await recv(ws)
            assert (trade["e"], trade["p"], trade["q"], trade["m"]) == (
                "trade", "29999.50000000", "0.25000000", True)
            assert isinstance(trade["t"], int) and isinstance(trade["T"], int)
            assert (await recv(ws))["p"] == "29999.00000000"
            depth = await recv(ws)
            assert depth["U"] == first["u"] + 1 and depth["u"] == depth["U"] + 1
            assert depth["b"] == [["29999.50000000", "0.00000000"],
                                  ["29999.00000000", "0.45000000"]]
            await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
            assert await recv(ws) == {"result": ["btcusdt@depth@100ms", "btcusdt@trade"],
                                      "id": 2}
            await ws.send(json.dumps({"method": "UNSUBSCRIBE", "id": 3,
                                      "params": ["btcusdt@trade"]}))
            assert await recv(ws) == {"result": None, "id": 3}
            assert t.server.connections[0].kinds == {"depth"}
            assert t.server.invalid_requests() == [] and t.server.errors == []

    run(scenario())


def test_combined_streams_wrap_payloads_and_unknown_streams_are_invalid() -> None:
    async def scenario() -> None:
        async with live() as t:
            async with connect(t.ws("/stream?streams=ethusdt@trade/ethusdt@depth")) as ws:
                await asyncio.sleep(0.05)
                t.exchange.seed_liquidity(ETH_USDT, TradeSide.SELL, D("2100"), D("1"))
                framed = await recv(ws)
                assert framed["stream"] == "ethusdt@depth"
                assert framed["data"]["e"] == "depthUpdate" and framed["data"]["s"] == "ETHUSDT"
            async with connect(t.ws("/ws")) as ws:
                await ws.send(json.dumps({"method": "SUBSCRIBE", "id": 5,
                                          "params": ["dogeusdt@trade", "btcusdt@kline_1m"]}))
                assert await recv(ws) == {"result": None, "id": 5}
                await ws.send("not json")
                assert (await recv(ws))["code"] == 3
            reasons = [r.invalid_reason for r in t.server.invalid_requests()]
            assert len(reasons) == 2 and "unknown symbol" in str(reasons[0])
            assert "no such market stream" in str(reasons[0])

    run(scenario())


def test_user_stream_pushes_execution_reports_and_balances() -> None:
    async def scenario() -> None:
        async with live() as t, connect(t.ws("/ws-api/v3")) as ws:
            answer = await subscribe_user(ws, t.exchange.now())
            assert answer["id"] == 7 and answer["status"] == 200
            assert answer["result"] == {"subscriptionId": 0}
            assert answer["rateLimits"][0]["count"] == 2

            order = t.exchange.place("c1", BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.01"),
                                     D("29000"))
            assert isinstance(order, Order)
            new, position = (await recv(ws)), (await recv(ws))
            assert new["subscriptionId"] == 0 and position["subscriptionId"] == 0
            report = new["event"]
            assert (report["e"], report["x"], report["X"], report["c"], report["C"]) == (
                "executionReport", "NEW", "NEW", "c1", "")
            assert report["i"] == order.order_id and report["t"] == -1 and report["N"] is None
            assert report["w"] is True and report["q"] == "0.01000000"
            assert position["event"]["e"] == "outboundAccountPosition"
            assert position["event"]["B"] == [{"a": "USDT", "f": "999710.00000000",
                                               "l": "290.00000000"}]

            t.exchange.fill_resting(order.order_id, D("0.004"))
            trade = (await recv(ws))["event"]
            assert (trade["x"], trade["X"], trade["l"], trade["z"], trade["L"]) == (
                "TRADE", "PARTIALLY_FILLED", "0.00400000", "0.00400000", "29000.00000000")
            assert (trade["n"], trade["N"], trade["m"], trade["Y"]) == (
                "0.00000400", "BTC", True, "116.00000000")
            assert isinstance(trade["t"], int) and trade["t"] > 0
            assert (await recv(ws))["event"]["e"] == "outboundAccountPosition"

            t.exchange.cancel(order.order_id)
            canceled = (await recv(ws))["event"]
            assert (canceled["x"], canceled["X"], canceled["c"], canceled["C"]) == (
                "CANCELED", "CANCELED", "c1", "")  # canceled without a cancel request id
            assert canceled["w"] is False
            await recv(ws)

            t.exchange.remove_liquidity(BTC_USDT, TradeSide.SELL, D("30001"))
            t.exchange.move_book(BTC_USDT, [], [(D("30001"), D("0.001"))])
            t.exchange.place("m1", BTC_USDT, TradeSide.BUY, OrderType.MARKET, D("0.002"))
            kinds = [((await recv(ws))["event"]) for _ in range(4)]
            assert [(k["e"], k.get("x"), k.get("X")) for k in kinds] == [
                ("executionReport", "NEW", "NEW"),
                ("executionReport", "TRADE", "PARTIALLY_FILLED"),
                ("executionReport", "EXPIRED", "EXPIRED"),
                ("outboundAccountPosition", None, None)]
            assert "W" not in kinds[0]  # a MARKET order never works on the book

            t.exchange.deposit("BTC", D("1.5"))
            deposit = (await recv(ws))["event"]
            assert (deposit["e"], deposit["a"], deposit["d"]) == ("balanceUpdate", "BTC",
                                                                  "1.50000000")
            assert (await recv(ws))["event"]["e"] == "outboundAccountPosition"
            assert t.server.invalid_requests() == [] and t.server.errors == []

    run(scenario())


def test_a_rest_cancel_reports_its_own_id_in_c_and_the_order_id_in_big_c() -> None:
    async def scenario() -> None:
        async with live() as t, connect(t.ws("/ws-api/v3")) as ws:
            await subscribe_user(ws, t.exchange.now())
            order = t.exchange.place("mine", BTC_USDT, TradeSide.BUY, OrderType.LIMIT,
                                     D("0.01"), D("29000"))
            await recv(ws), await recv(ws)
            double = t.server.wire
            assert isinstance(double, BinanceDouble) and isinstance(order, Order)
            double.context.cancel_ids[order_key(order)] = "cancel-1"
            t.exchange.cancel(order.order_id)
            report = (await recv(ws))["event"]
            assert (report["c"], report["C"]) == ("cancel-1", "mine")

    run(scenario())


def test_subscription_refusals_and_unsubscribe() -> None:
    async def scenario() -> None:
        async with live(push_rejections=True) as t, connect(t.ws("/ws-api/v3")) as ws:
            bad = await subscribe_user(ws, t.exchange.now(), secret="wrong")
            assert (bad["status"], bad["error"]) == (400, {
                "code": -1022, "msg": "Signature for this request is not valid."})
            stale = await subscribe_user(ws, t.exchange.now() - 60_000)
            assert stale["error"]["code"] == -1021
            good = await subscribe_user(ws, t.exchange.now(), request_id="abc")
            assert good["id"] == "abc" and good["result"] == {"subscriptionId": 0}
            twice = await subscribe_user(ws, t.exchange.now())
            assert twice["error"]["code"] == -2035

            t.exchange.place("r1", BTC_USDT, TradeSide.BUY, OrderType.LIMIT_MAKER, D("0.01"),
                             D("30001"))
            rejected = (await recv(ws))["event"]
            assert (rejected["x"], rejected["X"], rejected["r"], rejected["i"]) == (
                "REJECTED", "REJECTED", "WOULD_MATCH_IMMEDIATELY", -1)

            await ws.send(json.dumps({"id": 9, "method": "session.subscriptions"}))
            assert (await recv(ws))["result"] == [{"subscriptionId": 0}]
            await ws.send(json.dumps({"id": 10, "method": "userDataStream.unsubscribe"}))
            ended = await recv(ws)
            assert ended["subscriptionId"] == 0 and ended["event"]["e"] == "eventStreamTerminated"
            assert (await recv(ws))["result"] == {}
            await ws.send(json.dumps({"id": 11, "method": "ping"}))
            assert (await recv(ws))["result"] == {}
            pong = await ws.ping()
            await asyncio.wait_for(pong, 2)  # websockets answers pings by itself

            invalid = [r.operation for r in t.server.invalid_requests()]
            assert invalid == ["user_stream", "user_stream", "user_stream"]

    run(scenario())


def test_http_faults_render_binance_errors_through_the_server() -> None:
    async def scenario() -> None:
        async with live() as t, aiohttp.ClientSession() as http:
            url = t.server.http_base + "/api/v3/depth?symbol=BTCUSDT"
            t.faults.rate_limit_next("depth", retry_after=3)
            t.faults.fail_next("time", status=503)
            t.faults.time_error_next("depth")
            async with http.get(url) as response:
                assert response.status == 429 and response.headers["Retry-After"] == "3"
                assert (await response.json())["code"] == -1003
            async with http.get(t.server.http_base + "/api/v3/time") as response:
                assert response.status == 503 and (await response.json())["code"] == -1000
            async with http.get(url) as response:
                assert response.status == 400 and (await response.json())["code"] == -1021
            async with http.get(url) as response:
                assert response.status == 200
                assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"
            assert [r.fault for r in t.server.request_log] == [
                "rate_limit", "server_error", "time_error", None]

    run(scenario())
