"""Fidelity of the Bybit linear double to Bybit's documented linear traffic
(cassettes/bybit_perpetual/): every recorded answer and frame is paired with a payload of the
same kind the double renders, and both must have the same shape (same keys, same JSON types),
as connectors/bybit/tests/test_fidelity.py does for spot."""

from __future__ import annotations

import asyncio
import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectors.bybit import constants as c
from connectors.bybit.auth import ws_auth_args
from connectors.bybit.tests.samples import Key, _Collector, http_key
from connectors.bybit.tests.samples import frame_key as spot_frame_key
from connectors.bybit.tests.test_fidelity import EMPTY_UNTIL_APPLICABLE
from connectors.bybit_perpetual import constants as lc
from connectors.bybit_perpetual.double import BybitLinearDouble, default_exchange
from harness.cassette.format import Direction, FrameKind
from harness.cassette.loader import load_cassette
from harness.cassette.shapes import shape_diff
from harness.double import DoubleServer, FaultPlan
from harness.double.perpetual import PerpetualExchange
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair
from harness.subject import TEST_API_KEY, TEST_API_SECRET

CASSETTES = sorted((Path(__file__).parents[3] / "cassettes" / "bybit_perpetual").glob("*.yaml"))
BTC = TradingPair("BTC", "USDT")
# Fields one side may have and the other not, by kind, each conditional in Bybit's answers:
# a position topic message says entryPrice where position/list says avgPrice (the recorded
# examples carry both).
TOLERATED: dict[Key, frozenset[str]] = {
    # instrument.mdx pages linear instruments (nextPageCursor); the cassettes list one page.
    ("http", "GET", c.INSTRUMENTS_PATH): frozenset({"nextPageCursor"}),
    ("private", "position"): frozenset({"avgPrice", "entryPrice"}),
    # A ticker delta holds only what changed (websocket/public/ticker.mdx).
    ("public", "tickers", "delta"): frozenset({"indexPrice", "markPrice", "fundingRate",
                                               "nextFundingTime"}),
}


def frame_key(channel: str, frame: Any) -> Key | None:
    topic = str(frame.get("topic", "")) if isinstance(frame, dict) else ""
    if channel == "private" and topic == "position":
        return (channel, "position")
    if topic.startswith("tickers."):
        return (channel, "tickers", frame.get("type"))
    return spot_frame_key(channel, frame)


# closedSize is "" on a trade that closed nothing (order/execution.mdx's example).
EMPTY_WHEN_NONE = EMPTY_UNTIL_APPLICABLE | {"closedSize"}


def _filled_in(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "0" if k in EMPTY_WHEN_NONE and v == "" else _filled_in(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_filled_in(v) for v in value]
    return value


class _LinearCollector(_Collector):
    async def read(self, ws: Any, channel: str) -> None:
        async for text in ws:
            frame = json.loads(text)
            key = frame_key(channel, frame)
            if key is not None:
                self.samples.setdefault(key, frame)


async def collect() -> dict[Key, Any]:
    """Drive a fresh linear double through every endpoint and stream; one payload of each."""
    import aiohttp
    from websockets.asyncio.client import connect

    exchange = default_exchange(lambda: 1_763_712_000_000)
    assert isinstance(exchange, PerpetualExchange)
    async with DoubleServer(exchange, BybitLinearDouble(exchange), FaultPlan()) as server, \
            aiohttp.ClientSession() as http:
        got = _LinearCollector(server, exchange, http)
        linear = {"category": "linear"}
        public = await connect(server.ws_base + "/v5/public/linear")
        private = await connect(server.ws_base + "/v5/private")
        readers = [asyncio.create_task(got.read(public, "public")),
                   asyncio.create_task(got.read(private, "private"))]
        await public.send(json.dumps({"op": "subscribe", "args": [
            "orderbook.200.BTCUSDT", "publicTrade.BTCUSDT", "tickers.BTCUSDT"]}))
        await private.send(json.dumps({"op": "auth", "args": ws_auth_args(
            TEST_API_KEY, TEST_API_SECRET, exchange.now() + 10_000)}))
        await asyncio.sleep(0.05)
        await private.send(json.dumps({"op": "subscribe",
                                       "args": ["order", "execution", "wallet", "position"]}))
        await asyncio.sleep(0.05)
        for path, params in ((c.TIME_PATH, {}), (c.SYSTEM_STATUS_PATH, {}),
                             (c.INSTRUMENTS_PATH, linear),
                             (c.TICKERS_PATH, {**linear, "symbol": "BTCUSDT"}),
                             (c.ORDERBOOK_PATH, {**linear, "symbol": "BTCUSDT",
                                                 "limit": "200"})):
            await got.call("GET", path, params)
        order = {**linear, "symbol": "BTCUSDT"}
        for mode in (3, 0):  # hedge and back, while flat
            await got.call("POST", lc.SWITCH_MODE_PATH, {**linear, "coin": "USDT",
                                                         "mode": mode}, signed=True)
        await got.call("POST", lc.SET_LEVERAGE_PATH, {**order, "buyLeverage": "5",
                                                      "sellLeverage": "5"}, signed=True)
        await got.call("POST", c.CREATE_PATH, {**order, "side": "Buy", "orderType": "Limit",
                                               "qty": "0.01", "price": "29000.0",
                                               "timeInForce": "GTC", "orderLinkId": "s-1",
                                               "positionIdx": 0}, signed=True)
        await got.call("POST", c.CREATE_PATH, {**order, "side": "Buy", "orderType": "Market",
                                               "qty": "0.01", "orderLinkId": "s-2",
                                               "positionIdx": 0}, signed=True)
        await got.call("GET", c.REALTIME_PATH, {**order, "orderLinkId": "s-2"}, signed=True)
        await got.call("GET", c.EXECUTIONS_PATH, {**order, "orderLinkId": "s-2"}, signed=True)
        await got.call("GET", lc.POSITIONS_PATH, {**linear, "settleCoin": "USDT"}, signed=True)
        exchange.move_mark(BTC, Decimal("30100.0"))
        exchange.settle_funding(BTC)
        await got.call("GET", lc.TRANSACTION_LOG_PATH, {
            "accountType": "UNIFIED", "category": "linear", "currency": "USDT",
            "type": "SETTLEMENT"}, signed=True)
        await got.call("GET", c.WALLET_PATH, {"accountType": "UNIFIED"}, signed=True)
        await got.call("POST", c.CANCEL_PATH, {**order, "orderLinkId": "s-1"}, signed=True)
        await got.call("POST", c.CANCEL_PATH, {**order, "orderLinkId": "nope"}, signed=True)
        exchange.seed_liquidity(BTC, TradeSide.BUY, Decimal("29000.0"), Decimal("1"))
        await got.call("POST", c.CANCEL_ALL_PATH, order, signed=True)
        await asyncio.sleep(0.1)
        for task in readers:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        await public.close()
        await private.close()
        assert not server.errors, server.errors
        return got.samples


@functools.cache
def samples() -> dict[Key, Any]:
    return asyncio.run(asyncio.wait_for(collect(), 10))


def pairings(path: Path) -> list[tuple[str, Any, Key]]:
    """(where, recorded payload, kind) for every JSON server payload of a known kind."""
    cassette = load_cassette(path)
    found: list[tuple[str, Any, Key]] = []
    for index, interaction in enumerate(cassette.interactions):
        if interaction.fault is not None or cassette.meta.scenario.endswith("_malformed"):
            continue
        try:
            body = json.loads(interaction.response.body)
        except ValueError:
            continue
        uri = urlsplit(interaction.request.uri)
        found.append((f"http[{index}] {interaction.label}", body,
                      http_key(interaction.request.method, uri.path, body)))
    for connection in cassette.ws:
        channel = "private" if urlsplit(connection.url).path.endswith("private") else "public"
        for index, frame in enumerate(connection.frames):
            if frame.dir is not Direction.SERVER or frame.kind is not FrameKind.JSON:
                continue
            key = frame_key(channel, frame.value)
            data = frame.value.get("data") if isinstance(frame.value, dict) else None
            truncated = isinstance(data, list) and data and len(data[0]) < 3
            if key is not None and not truncated:
                found.append((f"ws {channel} frame[{index}]", frame.value, key))
    return found


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_the_linear_double_renders_what_bybit_sent(path: Path) -> None:
    catalogue = samples()
    problems: list[str] = []
    for where, recorded, key in pairings(path):
        rendered = catalogue.get(key)
        if rendered is None:
            continue  # kinds the double never renders are listed by the test below
        problems += [f"{where} {key}: {p}" for p in
                     shape_diff(_filled_in(recorded), _filled_in(rendered),
                                tolerated=TOLERATED.get(key, frozenset()),
                                dotless_decimals=True)]
    assert not problems, f"{path.name}: the linear double differs from the recording:\n  " + \
        "\n  ".join(problems)


def test_the_linear_double_renders_every_kind_the_cassettes_hold() -> None:
    kinds = {key for path in CASSETTES for _, _, key in pairings(path)}
    assert kinds <= set(samples()), f"kinds never rendered: {sorted(kinds - set(samples()))}"
