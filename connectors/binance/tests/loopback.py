"""Just enough of Binance on 127.0.0.1 for the smoke test: REST (aiohttp.web) and WS (websockets).

Payloads are the cassettes' (cassettes/binance/), changed where the scenario needs it. Every
signed request is checked with the connector's own verifier; problems are collected for the
test to assert on. An order priced at or above the best ask rests as NEW and is then filled by
an executionReport TRADE on the user stream (or silently, when `silent_fills` is set, so only
status polling can find the fill).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web
from websockets.asyncio.server import ServerConnection, serve

from connectors.binance.auth import verify_signed_request, verify_ws_params
from connectors.binance.tests.recorded import rest, user_event

BEST_BID, BEST_ASK = Decimal("29999.99"), Decimal("30000.01")


@dataclass
class _View:
    method: str
    path: str
    query_string: str
    body: bytes
    headers: Any


class FakeBinance:
    def __init__(self, api_key: str, api_secret: str) -> None:
        self.api_key, self.api_secret = api_key, api_secret
        self.orders: dict[str, dict[str, Any]] = {}
        self.trades: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.silent_fills = False
        self.subscriptions = 0
        self.subscribed = asyncio.Event()
        self._ids = itertools.count(1000)
        self._user_sockets: list[ServerConnection] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.urls: dict[str, str] = {}

    async def __aenter__(self) -> FakeBinance:
        app = web.Application()
        app.router.add_route("*", "/api/v3/{endpoint:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        rest_port = self._runner.addresses[0][1]
        self._ws = await serve(self._ws_handler, "127.0.0.1", 0)
        ws_port = self._ws.sockets[0].getsockname()[1]
        self.urls = {"rest": f"http://127.0.0.1:{rest_port}",
                     "ws_public": f"ws://127.0.0.1:{ws_port}",
                     "ws_private": f"ws://127.0.0.1:{ws_port}"}
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        self._ws.close()
        await self._ws.wait_closed()
        await self._runner.cleanup()

    # REST ------------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        endpoint = request.match_info["endpoint"]
        self.requests.append(f"{request.method} {request.path}")
        public = {"time": {"serverTime": int(time.time() * 1000)}, "ping": {},
                  "exchangeInfo": rest("symbols", "GET /api/v3/exchangeInfo"),
                  "depth": {"lastUpdateId": 100, "bids": [[str(BEST_BID), "1.5"]],
                            "asks": [[str(BEST_ASK), "2"]]},
                  "ticker/price": {"symbol": "BTCUSDT", "price": "30000.00"}}
        if endpoint in public:
            return web.json_response(public[endpoint])
        problem = verify_signed_request(_View(request.method, request.path,
                                              request.rel_url.raw_query_string,
                                              await request.read(), request.headers),
                                        self.api_secret)
        if problem or request.headers.get("X-MBX-APIKEY") != self.api_key:
            self.problems.append(f"{request.method} {request.path}: {problem or 'wrong key'}")
            return _error(-1022, "Signature for this request is not valid.", 401)
        handler = getattr(self, f"_{request.method.lower()}_{endpoint}", None)
        if handler is None:
            return _error(-1103, "An unknown parameter was sent.")
        response: web.Response = handler(request.query)
        return response

    def _get_account(self, query: Any) -> web.Response:
        return web.json_response({**rest("balances", "GET /api/v3/account"), "balances": [
            {"asset": "USDT", "free": "10000.00000000", "locked": "0.00000000"}]})

    def _post_order(self, query: Any) -> web.Response:
        order_id = next(self._ids)
        order = {"symbol": query["symbol"], "orderId": order_id, "orderListId": -1,
                 "clientOrderId": query["newClientOrderId"], "transactTime": _now_ms(),
                 "price": query["price"], "origQty": query["quantity"], "executedQty": "0",
                 "cummulativeQuoteQty": "0", "status": "NEW", "timeInForce": "GTC",
                 "type": query["type"], "side": query["side"], "fills": []}
        self.orders[order["clientOrderId"]] = order
        if Decimal(query["price"]) >= BEST_ASK:
            self._spawn(self._fill(order))
        return web.json_response(order)

    def _delete_order(self, query: Any) -> web.Response:
        order = self.orders.get(query["origClientOrderId"])
        if order is None or order["status"] != "NEW":
            return _error(-2011, "Unknown order sent.")
        return web.json_response(self._cancel(order))

    def _delete_openOrders(self, query: Any) -> web.Response:
        open_orders = [o for o in self.orders.values()
                       if o["symbol"] == query["symbol"] and o["status"] == "NEW"]
        if not open_orders:
            return _error(-2011, "Unknown order sent.")
        return web.json_response([self._cancel(order) for order in open_orders])

    def _get_order(self, query: Any) -> web.Response:
        order = self.orders.get(query["origClientOrderId"])
        if order is None:
            return _error(-2013, "Order does not exist.")
        return web.json_response({**order, "updateTime": _now_ms()})

    def _get_myTrades(self, query: Any) -> web.Response:
        return web.json_response(self.trades.get(int(query["orderId"]), []))

    def _cancel(self, order: dict[str, Any]) -> dict[str, Any]:
        order["status"] = "CANCELED"
        return {**order, "origClientOrderId": order["clientOrderId"],
                "clientOrderId": f"cancel{order['orderId']}", "transactTime": _now_ms()}

    async def _fill(self, order: dict[str, Any]) -> None:
        trade_id = next(self._ids)
        price, qty = BEST_ASK, order["origQty"]
        commission = str(Decimal(qty) / 1000)
        trades = [{
            "symbol": order["symbol"], "id": trade_id, "orderId": order["orderId"],
            "orderListId": -1, "price": str(price), "qty": qty,
            "quoteQty": str(price * Decimal(qty)), "commission": commission,
            "commissionAsset": "BTC", "time": _now_ms(), "isBuyer": True, "isMaker": True,
            "isBestMatch": True}]
        if not self.silent_fills:
            await self._report_fill(order, trade_id, commission)
        # REST shows the fill only now, so a status poll cannot race the stream to it.
        order.update(status="FILLED", executedQty=qty)
        self.trades[order["orderId"]] = trades

    async def _report_fill(self, order: dict[str, Any], trade_id: int, commission: str) -> None:
        price, qty = BEST_ASK, order["origQty"]
        report = user_event(
            "fills_by_stream", "TRADE", s=order["symbol"], c=order["clientOrderId"],
            S=order["side"], q=qty, p=order["price"], X="FILLED", i=order["orderId"], l=qty,
            z=qty, L=str(price), n=commission, N="BTC", T=_now_ms(), t=trade_id, m=True)
        position = {"subscriptionId": 0, "event": {
            "e": "outboundAccountPosition", "E": _now_ms(), "u": _now_ms(),
            "B": [{"a": "BTC", "f": str(Decimal(qty) - Decimal(commission)), "l": "0"}]}}
        for socket in self._user_sockets:
            await socket.send(json.dumps(report))
            await socket.send(json.dumps(position))

    # WebSocket -------------------------------------------------------------------------------
    async def _ws_handler(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else ""
        async for raw in connection:
            message = json.loads(raw)
            if path == "/ws" and message.get("method") == "SUBSCRIBE":
                await connection.send(json.dumps({"result": None, "id": message["id"]}))
                await connection.send(json.dumps({
                    "e": "depthUpdate", "E": _now_ms(), "s": "BTCUSDT", "U": 101, "u": 101,
                    "b": [[str(BEST_BID), "2.5"]], "a": []}))
            elif path == "/ws-api/v3" and message.get("method") == SUBSCRIBE:
                problem = verify_ws_params(message["params"], self.api_secret)
                if problem:
                    self.problems.append(f"{SUBSCRIBE}: {problem}")
                    await connection.send(json.dumps({"id": message["id"], "status": 400, "error": {
                        "code": -1022, "msg": "Signature for this request is not valid."}}))
                    continue
                await connection.send(json.dumps({"id": message["id"], "status": 200,
                                                  "result": {"subscriptionId": 0}}))
                self._user_sockets.append(connection)
                self.subscriptions += 1
                self.subscribed.set()
            else:
                self.problems.append(f"unexpected frame on {path}: {message}")
        if connection in self._user_sockets:
            self._user_sockets.remove(connection)

    async def end_user_streams(self) -> None:
        """What Binance sends when a subscription is stopped (user-data-stream.md)."""
        event = {"subscriptionId": 0, "event": {"e": "eventStreamTerminated", "E": _now_ms()}}
        for socket in self._user_sockets:
            await socket.send(json.dumps(event))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


SUBSCRIBE = "userDataStream.subscribe.signature"


def _error(code: int, msg: str, status: int = 400) -> web.Response:
    return web.json_response({"code": code, "msg": msg}, status=status)


def _now_ms() -> int:
    return int(time.time() * 1000)
