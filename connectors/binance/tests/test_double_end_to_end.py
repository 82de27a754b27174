"""The real Binance connector against BinanceDouble in a DoubleServer, start to finish.

Every request the connector sends must be valid by the double's checks; order events come
from the double's user data stream; balances and the order book must end equal to the
exchange's own.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest

from connectors.binance import BinanceSpotConnector
from connectors.binance import connector as connector_module
from connectors.binance.double import BinanceDouble, connector_urls
from connectors.binance.tests.events import Recorder, ready
from harness.double import DoubleServer, Exchange, FaultPlan, Order
from harness.standard.clock import ScaledClock
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderType, TradeSide
from harness.standard.events import (
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.standard.model import Balance
from harness.standard.pair import TradingPair
from harness.subject import SESSION_TAG, TEST_API_KEY, TEST_API_SECRET

BTC_USDT, ETH_USDT = TradingPair("BTC", "USDT"), TradingPair("ETH", "USDT")
D = Decimal


async def eventually(check: Callable[[], bool], what: str, timeout: float = 3.0) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not check():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@dataclass
class Setup:
    server: DoubleServer
    exchange: Exchange
    connector: BinanceSpotConnector
    recorder: Recorder

    def exchange_order(self, client_order_id: str) -> Order:
        order = self.exchange.order(client_order_id=client_order_id)
        assert order is not None, f"the exchange has no order {client_order_id}"
        return order


@asynccontextmanager
async def running() -> AsyncIterator[Setup]:
    """A default Binance double on loopback and a started, ready connector pointed at it."""
    clock = ScaledClock(speed=5.0)
    exchange = BinanceDouble.default_exchange(clock)
    async with DoubleServer(exchange, BinanceDouble(), FaultPlan()) as server:
        config = ConnectorConfig(
            trading_pairs=(BTC_USDT, ETH_USDT), api_key=TEST_API_KEY,
            api_secret=TEST_API_SECRET, urls=connector_urls(server), clock=clock,
            poll_interval=0.5, reconnect_delay=0.05, session_tag=SESSION_TAG,
            exclusive_account=True)
        connector = BinanceSpotConnector(config)
        async with ready(connector, server.request_log.describe) as recorder:
            yield Setup(server, exchange, connector, recorder)


def test_the_connector_trades_against_the_binance_double() -> None:
    asyncio.run(asyncio.wait_for(_scenario(), timeout=15))


async def _scenario() -> None:
    async with running() as s:
        assert set(s.connector.trading_rules) == {BTC_USDT, ETH_USDT}  # BNBUSDT is halted
        await _resting_limit_filled_in_two_parts(s)
        await _market_sell_fills_against_the_book(s)
        await _crossing_limit_maker_fails(s)
        await _cancel(s)
        await _balances_and_book_match_the_exchange(s)
        assert s.server.errors == []
        assert s.server.invalid_requests() == [], s.server.request_log.describe()
        operations = set(s.server.request_log.operations())
        assert {"time", "exchange_info", "balances", "depth", "place", "cancel",
                "user_stream", "subscribe"} <= operations, operations


async def _resting_limit_filled_in_two_parts(s: Setup) -> None:
    cid = await s.connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.01"),
                                        D("29000"))
    await s.recorder.wait(lambda: OrderCreated in s.recorder.of(cid), "OrderCreated")
    order_id = s.exchange_order(cid).order_id
    s.exchange.fill_resting(order_id, D("0.004"))
    await s.recorder.wait(lambda: OrderFilled in s.recorder.of(cid), "the first fill")
    s.exchange.fill_resting(order_id)
    await s.recorder.wait(lambda: OrderCompleted in s.recorder.of(cid), "OrderCompleted")
    assert s.recorder.of(cid) == [OrderCreated, OrderFilled, OrderFilled, OrderCompleted]
    fills = [e for e in s.recorder.events if isinstance(e, OrderFilled)
             and e.client_order_id == cid]
    assert [(f.fill.amount, f.fill.price, f.fill.is_maker) for f in fills] == [
        (D("0.004"), D("29000"), True), (D("0.006"), D("29000"), True)]
    tracked = s.connector.get_order(cid)
    assert tracked is not None and tracked.executed_amount == D("0.01")


async def _market_sell_fills_against_the_book(s: Setup) -> None:
    cid = await s.connector.place_order(BTC_USDT, TradeSide.SELL, OrderType.MARKET, D("0.6"))
    await s.recorder.wait(lambda: OrderCompleted in s.recorder.of(cid), "the market fill")
    # 0.5 at the best bid, 0.1 at the next level: two trades, each reported once.
    assert s.recorder.of(cid) == [OrderCreated, OrderFilled, OrderFilled, OrderCompleted]
    order = s.exchange_order(cid)
    assert order.status.value == "FILLED" and order.executed_quote == D("17999.30")


async def _crossing_limit_maker_fails(s: Setup) -> None:
    best_ask = s.exchange.book(BTC_USDT).best(TradeSide.SELL)
    assert best_ask is not None
    cid = await s.connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT_MAKER,
                                        D("0.01"), best_ask)
    await s.recorder.wait(lambda: OrderFailed in s.recorder.of(cid), "OrderFailed")
    assert s.recorder.of(cid) == [OrderFailed]
    assert s.exchange.order(client_order_id=cid) is None


async def _cancel(s: Setup) -> None:
    cid = await s.connector.place_order(ETH_USDT, TradeSide.SELL, OrderType.LIMIT, D("1.5"),
                                        D("2100"))
    await s.recorder.wait(lambda: OrderCreated in s.recorder.of(cid), "OrderCreated")
    result = await s.connector.cancel(cid)
    assert result.success, result
    await s.recorder.wait(lambda: OrderCancelled in s.recorder.of(cid), "OrderCancelled")
    assert s.recorder.of(cid) == [OrderCreated, OrderCancelled]
    assert s.exchange_order(cid).status.value == "CANCELED"


async def _balances_and_book_match_the_exchange(s: Setup) -> None:
    def expected() -> dict[str, Balance]:
        return {asset: Balance(b.total, b.free) for asset, b in s.exchange.balances().items()
                if b.total}

    await eventually(lambda: dict(s.connector.balances()) == expected(),
                     f"balances {dict(s.connector.balances())} to equal {expected()}")
    assert expected()["BTC"].total == D("10") + D("0.01") - D("0.00001") - D("0.6")

    def same_book(pair: TradingPair) -> bool:
        book, snapshot = s.connector.order_book(pair), s.exchange.snapshot(pair, None)
        return (tuple(book.bids), tuple(book.asks)) == (snapshot.bids, snapshot.asks)

    for pair in (BTC_USDT, ETH_USDT):
        await eventually(functools.partial(same_book, pair),
                         f"the {pair} book to equal the exchange's")


def test_the_double_catches_a_connector_that_formats_decimals_badly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant connector that writes decimals in exponent notation: Binance refuses it with
    -1100, and the request log says the connector was wrong (not the exchange)."""
    monkeypatch.setattr(connector_module, "format_decimal", lambda value: f"{value:E}")

    async def scenario() -> None:
        async with running() as s:
            cid = await s.connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT,
                                                D("0.01"), D("29000"))
            await s.recorder.wait(lambda: OrderFailed in s.recorder.of(cid), "OrderFailed")
            (invalid,) = s.server.invalid_requests()
            assert invalid.operation == "place" and invalid.status == 400
            assert "Illegal characters found in parameter 'quantity'" in str(
                invalid.invalid_reason)

    asyncio.run(asyncio.wait_for(scenario(), timeout=10))
