"""One payload of every kind the double renders, taken from a live double over loopback.

The fidelity test compares recorded Binance traffic (cassettes) with these, kind by kind:
the same endpoint and variant for REST answers, the same error code for error bodies, the
same event type (and x/X for executionReport) for stream frames.

Keys: ("http", METHOD, path, variant) with variant "ok", or for POST /api/v3/order one of
"ACK", "RESULT", "FULL", "FULL+fills", or for GET /api/v3/ticker/price "one" / "all";
("error", code) for error bodies; ("headers", *key) the X-MBX-* header names of a REST
answer; ("market", "ack" | event type); ("ws-api", method, "ok" | "error"); ("user", event
type) and ("user", "executionReport", x, X).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from contextlib import suppress
from decimal import Decimal
from typing import Any

import aiohttp
from websockets.asyncio.client import ClientConnection, connect

from connectors.binance import constants as c
from connectors.binance.auth import encode_query, hmac_sha256_hex, sign_ws_params
from connectors.binance.double.markets import default_exchange
from connectors.binance.double.wire import BinanceDouble
from harness.double import DoubleServer, Exchange, FaultPlan
from harness.subject import TEST_API_KEY, TEST_API_SECRET

Key = tuple[Any, ...]
HEADERS: Key = ("headers",)
"""HEADERS + key: the X-MBX-* header names of that answer (rest-api.md LIMITS)."""
_ORDER = "/api/v3/order"


class _Collector:
    def __init__(self, server: DoubleServer, exchange: Exchange, http: aiohttp.ClientSession):
        self.server, self.exchange, self.http = server, exchange, http
        self.samples: dict[Key, Any] = {}
        self.pushed: list[Any] = []
        self.answers: dict[Any, Any] = {}

    async def get(self, path: str, key: Key | None = None, **params: str) -> Any:
        return await self._send("GET", path, params, False, key)

    async def signed(self, method: str, path: str, key: Key | None = None,
                     **params: str) -> Any:
        return await self.signed_at(self.exchange.now(), method, path, params, key)

    async def signed_at(self, timestamp: int, method: str, path: str,
                        params: Mapping[str, str], key: Key | None = None,
                        secret: str = TEST_API_SECRET) -> Any:
        params = {**params, "timestamp": str(timestamp)}
        return await self._send(method, path, params, True, key, secret)

    async def _send(self, method: str, path: str, params: Mapping[str, str], signed: bool,
                    key: Key | None, secret: str = TEST_API_SECRET) -> Any:
        query = encode_query(params)
        if signed:
            query += "&signature=" + hmac_sha256_hex(secret, query)
        headers = {c.API_KEY_HEADER: TEST_API_KEY} if signed else {}
        url = f"{self.server.http_base}{path}?{query}"
        async with self.http.request(method, url, headers=headers) as response:
            body = await response.json(content_type=None)
        if isinstance(body, dict) and "code" in body and response.status >= 400:
            self.samples.setdefault(("error", body["code"]), body)
        elif key is not None:
            self.samples[key] = body
            self.samples[HEADERS + key] = sorted(
                name.upper() for name in response.headers if name.upper().startswith("X-MBX-"))
        return body

    async def read(self, ws: ClientConnection) -> None:
        """Keep every frame a stream pushes, and the WebSocket API's answers by id."""
        async for text in ws:
            frame = json.loads(text)
            if isinstance(frame, dict) and "status" in frame and "id" in frame:
                self.answers[frame["id"]] = frame
            else:
                self.pushed.append(frame)

    async def ask(self, ws: ClientConnection, request_id: int, method: str,
                  params: Mapping[str, Any] | None = None) -> Any:
        frame: dict[str, Any] = {"id": request_id, "method": method}
        if params is not None:
            frame["params"] = dict(params)
        await ws.send(json.dumps(frame))
        async with asyncio.timeout(2):
            while request_id not in self.answers:
                await asyncio.sleep(0.002)
        answer = self.answers[request_id]
        outcome = "ok" if answer["status"] == 200 else "error"
        self.samples.setdefault(("ws-api", method, outcome), answer)
        return answer

    def check_valid(self) -> None:
        """Everything so far was meant to be valid; the next requests are meant not to be."""
        invalid = self.server.invalid_requests()
        if invalid:
            raise AssertionError("the sample run sent invalid requests:\n" +
                                 "\n".join(entry.describe() for entry in invalid))
        self.server.request_log.clear()

    async def pushed_kinds(self, wanted: set[Key]) -> None:
        async with asyncio.timeout(2):
            while not wanted <= self._file_pushed():
                await asyncio.sleep(0.002)

    def _file_pushed(self) -> set[Key]:
        for frame in self.pushed:
            if isinstance(frame, dict) and "event" in frame:
                event = frame["event"]
                key: Key = ("user", event["e"])
                if event["e"] == "executionReport":
                    key = ("user", "executionReport", event["x"], event["X"])
            elif isinstance(frame, dict) and "e" in frame:
                key = ("market", frame["e"])
            elif isinstance(frame, dict) and frame.get("result", 0) is None:
                key = ("market", "ack")
            else:
                continue
            self.samples.setdefault(key, frame)
        return set(self.samples)


async def collect(exchange: Exchange | None = None) -> dict[Key, Any]:
    """Drive a default Binance double through every kind of answer and push it renders."""
    exchange = exchange or default_exchange()
    faults = FaultPlan()
    async with DoubleServer(exchange, BinanceDouble(exchange), faults) as server, \
            aiohttp.ClientSession() as http, \
            connect(server.ws_base + "/ws") as market, \
            connect(server.ws_base + "/ws-api/v3") as user:
        run = _Collector(server, exchange, http)
        readers = [asyncio.ensure_future(run.read(ws)) for ws in (market, user)]
        try:
            await _drive(run, market, user)
        finally:
            for reader in readers:
                reader.cancel()
                with suppress(asyncio.CancelledError):
                    await reader
        if server.errors:
            raise AssertionError(f"the double's wire layer raised: {server.errors}")
        return run.samples


async def _drive(run: _Collector, market: ClientConnection, user: ClientConnection) -> None:
    await market.send(json.dumps({"method": "SUBSCRIBE", "id": 1,
                                  "params": ["btcusdt@depth@100ms", "btcusdt@trade"]}))
    await run.ask(user, 1, "userDataStream.subscribe.signature", sign_ws_params(
        {}, TEST_API_KEY, TEST_API_SECRET, run.exchange.now()))
    for path, key, params in (
            (c.PING_PATH, "ok", {}), (c.TIME_PATH, "ok", {}), (c.EXCHANGE_INFO_PATH, "ok", {}),
            (c.DEPTH_PATH, "ok", {"symbol": "BTCUSDT", "limit": "5"}),
            (c.TICKER_PRICE_PATH, "one", {"symbol": "BTCUSDT"}),
            (c.TICKER_PRICE_PATH, "all", {})):
        await run.get(path, ("http", "GET", path, key), **params)
    await run.signed("GET", c.ACCOUNT_PATH, ("http", "GET", c.ACCOUNT_PATH, "ok"),
                     omitZeroBalances="true")

    def limit(price: str, resp_type: str, side: str = "BUY") -> dict[str, str]:
        return {"symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
                "quantity": "0.01", "price": price, "newOrderRespType": resp_type}

    for resp_type in ("ACK", "RESULT", "FULL"):
        await run.signed("POST", _ORDER, ("http", "POST", _ORDER, resp_type),
                         **limit("29000", resp_type))
    filled = await run.signed("POST", _ORDER, ("http", "POST", _ORDER, "FULL+fills"),
                              **limit("30010", "FULL"))
    order_ref = {"symbol": "BTCUSDT", "orderId": str(filled["orderId"])}
    await run.signed("GET", _ORDER, ("http", "GET", _ORDER, "ok"), **order_ref)
    await run.signed("GET", c.MY_TRADES_PATH, ("http", "GET", c.MY_TRADES_PATH, "ok"),
                     **order_ref)
    resting = await run.signed("POST", _ORDER, None, **limit("28000", "ACK"))
    run.exchange.fill_resting(resting["orderId"], Decimal("0.004"))
    await run.signed("DELETE", _ORDER, ("http", "DELETE", _ORDER, "ok"), symbol="BTCUSDT",
                     orderId=str(resting["orderId"]))
    await run.signed("DELETE", c.OPEN_ORDERS_PATH, ("http", "DELETE", c.OPEN_ORDERS_PATH, "ok"),
                     symbol="BTCUSDT")
    # A market buy larger than every ask fills what there is and expires.
    await run.signed("POST", _ORDER, None, symbol="BTCUSDT", side="BUY", type="MARKET",
                     quantity="9")
    run.exchange.deposit("USDT", Decimal("100"))
    run.check_valid()
    await _errors(run)
    await run.ask(user, 2, "ping")
    await run.ask(user, 3, "session.subscriptions", {})
    await run.pushed_kinds({("market", "ack"), ("market", "depthUpdate"), ("market", "trade"),
                            ("user", "executionReport", "NEW", "NEW"),
                            ("user", "executionReport", "TRADE", "PARTIALLY_FILLED"),
                            ("user", "executionReport", "TRADE", "FILLED"),
                            ("user", "executionReport", "CANCELED", "CANCELED"),
                            ("user", "executionReport", "EXPIRED", "EXPIRED"),
                            ("user", "outboundAccountPosition"), ("user", "balanceUpdate")})
    await run.ask(user, 4, "userDataStream.unsubscribe", {})
    await run.pushed_kinds({("user", "eventStreamTerminated")})
    run.server.request_log.clear()  # the refusals in between were meant
    bad = sign_ws_params({}, TEST_API_KEY, "not-the-secret", run.exchange.now())
    await run.ask(user, 5, "userDataStream.subscribe.signature", bad)


async def _errors(run: _Collector) -> None:
    """Error bodies by code; these requests are meant to be refused."""
    await run.signed("POST", _ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT_MAKER",
                     quantity="0.01", price="20000")  # -2010 (it would take the bids)
    await run.signed("DELETE", _ORDER, symbol="BTCUSDT", orderId="999999")  # -2011
    await run.signed("GET", _ORDER, symbol="BTCUSDT", orderId="999999")  # -2013
    run.server.faults.rate_limit_next("balances")
    run.server.faults.fail_next("balances", status=500)
    run.server.faults.time_error_next("balances")
    for _ in range(3):
        await run.signed("GET", c.ACCOUNT_PATH)  # -1003, -1000, -1021
    await run.signed_at(run.exchange.now() + 60_000, "GET", c.ACCOUNT_PATH, {})  # -1021
    await run.get(c.DEPTH_PATH, symbol="NOPE")  # -1121 (invalid)
    await run.signed("POST", _ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT_MAKER",
                     quantity="0.01", price="40000.001")  # -1013 (invalid)
    await run.signed_at(run.exchange.now(), "GET", c.ACCOUNT_PATH, {},
                        secret="not-the-secret")  # -1022 (invalid)
