"""Set-up for DoubleServer tests: a toy exchange behind a running server, and small awaits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import aiohttp
from double_toy_wire import ToyWire
from websockets.asyncio.client import ClientConnection

from harness.double import DoubleServer, Exchange, FaultPlan, MarketSpec
from harness.standard.pair import TradingPair

T = TypeVar("T")
PAIR = TradingPair("BTC", "USDT")
KEY = {"X-Key": "secret"}


def run(coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
    """Run a test coroutine with a deadline (no pytest-asyncio)."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def toy_exchange() -> Exchange:
    ex = Exchange()
    ex.add_market(MarketSpec(PAIR, "BTCUSDT", Decimal("0.01"), Decimal("0.001"),
                             taker_fee=Decimal("0.001")))
    ex.set_balance("USDT", Decimal("10000"))
    ex.set_balance("BTC", Decimal("10"))
    return ex


@dataclass
class Toy:
    server: DoubleServer
    exchange: Exchange
    faults: FaultPlan
    http: aiohttp.ClientSession

    def url(self, path: str) -> str:
        return self.server.http_base_for("https://api.toy.example") + path

    def ws_url(self, path: str) -> str:
        return self.server.ws_base_for("wss://stream.toy.example") + path

    async def place(self, client_id: str, side: str = "BUY", qty: str = "1",
                    price: str | None = "100", order_type: str = "LIMIT",
                    **kwargs: Any) -> aiohttp.ClientResponse:
        body = {"symbol": "BTCUSDT", "side": side, "type": order_type, "qty": qty,
                "clientId": client_id}
        if price is not None:
            body["price"] = price
        return await self.http.post(self.url("/api/order"), json=body, **kwargs)


@asynccontextmanager
async def toy(**server_options: Any) -> AsyncIterator[Toy]:
    exchange, faults = toy_exchange(), FaultPlan()
    async with DoubleServer(exchange, ToyWire(), faults, **server_options) as server, \
            aiohttp.ClientSession(headers=KEY) as http:
        yield Toy(server, exchange, faults, http)


async def recv_json(ws: ClientConnection, timeout: float = 2.0) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def eventually(check: Callable[[], bool], timeout: float = 2.0) -> None:
    """Wait until `check()` holds (polling the loop), or fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.005)


async def until_connected(server: DoubleServer, count: int, kind: str) -> None:
    await eventually(lambda: sum(kind in c.kinds for c in server.connections) >= count)


