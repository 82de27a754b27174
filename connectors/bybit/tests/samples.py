"""One payload of every kind the Bybit double renders, taken from a live double on loopback.

Keys: ("http", METHOD, path) for a successful answer, ("error",) for any retCode != 0 (one
envelope shape), ("public", "ack"), ("public", "orderbook", snapshot | delta),
("public", "publicTrade"), ("private", "ack", op) and ("private", topic).
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

from connectors.bybit import constants as c
from connectors.bybit.auth import encode_query, hmac_sha256_hex, json_body, ws_auth_args
from connectors.bybit.double import BybitDouble, default_exchange
from connectors.bybit.double.markets import BTC_USDT
from connectors.bybit.double.validate import ACCOUNT_INFO_PATH, FEE_RATE_PATH
from harness.double import DoubleServer, Exchange, FaultPlan
from harness.standard.enums import TradeSide
from harness.subject import TEST_API_KEY, TEST_API_SECRET

Key = tuple[Any, ...]


def frame_key(channel: str, frame: Any) -> Key | None:
    """The kind of a stream frame (None: not a kind Bybit sends)."""
    if not isinstance(frame, dict):
        return None
    if "op" in frame and "success" in frame:
        return (channel, "ack") if channel == "public" else (channel, "ack", frame["op"])
    topic = str(frame.get("topic", ""))
    if topic.startswith("orderbook."):
        return (channel, "orderbook", frame.get("type"))
    if topic.startswith("publicTrade."):
        return (channel, "publicTrade")
    if channel == "private" and topic in ("order", "execution", "wallet"):
        return (channel, topic)
    return None


def http_key(method: str, path: str, body: Any) -> Key:
    if isinstance(body, dict) and body.get("retCode", 0) != 0:
        return ("error",)
    return ("http", method, path)


class _Collector:
    def __init__(self, server: DoubleServer, exchange: Exchange,
                 http: aiohttp.ClientSession) -> None:
        self.server, self.exchange, self.http = server, exchange, http
        self.samples: dict[Key, Any] = {}

    async def call(self, method: str, path: str, params: Mapping[str, str],
                   signed: bool = False) -> Any:
        headers: dict[str, str] = {}
        payload = encode_query(params) if method == "GET" else json_body(params)
        if signed:
            stamp = self.exchange.now()
            headers = {c.API_KEY_HEADER: TEST_API_KEY, c.TIMESTAMP_HEADER: str(stamp),
                       c.RECV_WINDOW_HEADER: str(c.RECV_WINDOW_MS),
                       c.SIGN_HEADER: hmac_sha256_hex(
                           TEST_API_SECRET, f"{stamp}{TEST_API_KEY}{c.RECV_WINDOW_MS}{payload}")}
        url = self.server.http_base + path
        if method == "GET":
            url += "?" + payload if payload else ""
            data = None
        else:
            headers["Content-Type"] = "application/json"
            data = payload
        async with self.http.request(method, url, headers=headers, data=data) as response:
            body = await response.json(content_type=None)
        self.samples.setdefault(http_key(method, path, body), body)
        return body

    async def read(self, ws: ClientConnection, channel: str) -> None:
        async for text in ws:
            frame = json.loads(text)
            key = frame_key(channel, frame)
            if key is not None:
                self.samples.setdefault(key, frame)


async def collect() -> dict[Key, Any]:
    """Drive a fresh double through every endpoint and stream and keep one of each payload."""
    exchange = default_exchange(lambda: 1_763_712_000_000)
    async with DoubleServer(exchange, BybitDouble(exchange), FaultPlan()) as server, \
            aiohttp.ClientSession() as http:
        got = _Collector(server, exchange, http)
        spot = {"category": "spot"}
        public = await connect(server.ws_base + "/v5/public/spot")
        private = await connect(server.ws_base + "/v5/private")
        readers = [asyncio.create_task(got.read(public, "public")),
                   asyncio.create_task(got.read(private, "private"))]
        await public.send(json.dumps({"op": "subscribe", "args": [
            "orderbook.50.BTCUSDT", "publicTrade.BTCUSDT"]}))
        await private.send(json.dumps({"op": "auth", "args": ws_auth_args(
            TEST_API_KEY, TEST_API_SECRET, exchange.now() + 10_000)}))
        await asyncio.sleep(0.05)
        await private.send(json.dumps({"op": "subscribe",
                                       "args": ["order", "execution", "wallet"]}))
        await asyncio.sleep(0.05)
        for path, params in ((c.TIME_PATH, {}), (c.SYSTEM_STATUS_PATH, {}),
                             (c.INSTRUMENTS_PATH, spot), (c.TICKERS_PATH, spot),
                             (c.ORDERBOOK_PATH, {**spot, "symbol": "BTCUSDT", "limit": "50"})):
            await got.call("GET", path, params)
        await got.call("GET", c.WALLET_PATH, {"accountType": "UNIFIED"}, signed=True)
        await got.call("GET", ACCOUNT_INFO_PATH, {}, signed=True)
        await got.call("GET", FEE_RATE_PATH, {**spot, "symbol": "BTCUSDT"}, signed=True)
        order = {**spot, "symbol": "BTCUSDT"}
        await got.call("POST", c.CREATE_PATH, {**order, "side": "Buy", "orderType": "Limit",
                                               "qty": "0.01", "price": "29000",
                                               "timeInForce": "GTC", "orderLinkId": "s-1"},
                       signed=True)
        await got.call("POST", c.CREATE_PATH, {**order, "side": "Buy", "orderType": "Market",
                                               "qty": "0.01", "marketUnit": "baseCoin",
                                               "orderLinkId": "s-2"}, signed=True)
        await got.call("GET", c.REALTIME_PATH, {**order, "orderLinkId": "s-2"}, signed=True)
        await got.call("GET", c.EXECUTIONS_PATH, {**order, "orderLinkId": "s-2"}, signed=True)
        await got.call("POST", c.CANCEL_PATH, {**order, "orderLinkId": "s-1"}, signed=True)
        await got.call("POST", c.CANCEL_PATH, {**order, "orderLinkId": "nope"}, signed=True)
        exchange.seed_liquidity(BTC_USDT, TradeSide.BUY, Decimal("29000"), Decimal("1"))
        await got.call("POST", c.CREATE_PATH, {**order, "side": "Buy", "orderType": "Limit",
                                               "qty": "0.01", "price": "28000",
                                               "orderLinkId": "s-3"}, signed=True)
        await got.call("POST", c.CANCEL_ALL_PATH, order, signed=True)
        await asyncio.sleep(0.1)
        for task in readers:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await public.close()
        await private.close()
        return got.samples
