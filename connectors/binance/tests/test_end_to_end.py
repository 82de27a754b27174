"""Smoke test: the connector against a loopback Binance, through the base, start to finish."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

from connectors.binance import BinanceSpotConnector
from connectors.binance.tests.events import Recorder, ready
from connectors.binance.tests.loopback import BEST_ASK, BEST_BID, FakeBinance
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderType, TradeSide
from harness.standard.events import (
    BalanceUpdated,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFilled,
)
from harness.standard.model import Balance
from harness.standard.pair import TradingPair

KEY, SECRET = "loopback-key", "loopback-secret"
BTC_USDT = TradingPair("BTC", "USDT")
D = Decimal


def test_the_connector_trades_against_a_loopback_binance() -> None:
    asyncio.run(asyncio.wait_for(_scenario(), timeout=30))


async def _scenario() -> None:
    async with FakeBinance(KEY, SECRET) as server:
        config = ConnectorConfig(trading_pairs=(BTC_USDT,), api_key=KEY, api_secret=SECRET,
                                 urls=server.urls, poll_interval=0.1, reconnect_delay=0.05,
                                 session_tag="t", exclusive_account=True)
        connector = BinanceSpotConnector(config)
        async with ready(connector, lambda: f"server problems: {server.problems[:3]}") \
                as recorder:
            await _check_market_data(connector)
            await _check_a_fill_from_the_user_stream(connector, recorder, server)
            await _check_a_fill_found_by_status_polling(connector, recorder, server)
            await _check_cancels(connector, recorder, server)
            await _check_the_user_stream_comes_back(connector, server)
            assert server.problems == []


async def _check_market_data(connector: BinanceSpotConnector) -> None:
    # symbols.yaml: BNBBTC is in a break and LUNAUSDT is not spot-tradable.
    assert set(connector.trading_rules) == {BTC_USDT, TradingPair("ETH", "USDT")}
    assert connector.balances()["USDT"] == Balance(D(10000), D(10000))
    book = connector.order_book(BTC_USDT)
    assert (book.best_bid, book.best_ask) == (BEST_BID, BEST_ASK)
    assert await connector.get_last_traded_prices([BTC_USDT]) == {BTC_USDT: D(30000)}


async def _check_a_fill_from_the_user_stream(connector: BinanceSpotConnector,
                                             recorder: Recorder, server: FakeBinance) -> None:
    cid = await connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.01"),
                                      D("30001.005"))
    assert re.fullmatch(r"CH-Bt\d+", cid) and len(cid) <= 36
    await recorder.wait(lambda: OrderCompleted in recorder.of(cid), "the order to complete")
    assert recorder.of(cid) == [OrderCreated, OrderFilled, OrderCompleted]
    assert "GET /api/v3/myTrades" not in server.requests  # the stream told, not polling
    order = connector.get_order(cid)
    assert order is not None and order.price == D("30001.00")  # quantized to the tick
    assert order.executed_amount == D("0.01") and order.average_price == BEST_ASK
    await recorder.wait(lambda: "BTC" in connector.balances(), "the BTC balance update")
    assert connector.balances()["BTC"] == Balance(D("0.00999"), D("0.00999"))
    assert any(isinstance(e, BalanceUpdated) and e.asset == "BTC" for e in recorder.events)


async def _check_a_fill_found_by_status_polling(connector: BinanceSpotConnector,
                                                recorder: Recorder, server: FakeBinance) -> None:
    server.silent_fills = True
    cid = await connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.02"),
                                      BEST_ASK)
    await recorder.wait(lambda: OrderCompleted in recorder.of(cid), "polling to find the fill")
    assert recorder.of(cid) == [OrderCreated, OrderFilled, OrderCompleted]
    assert "GET /api/v3/myTrades" in server.requests


async def _check_cancels(connector: BinanceSpotConnector, recorder: Recorder,
                         server: FakeBinance) -> None:
    resting = await connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT_MAKER,
                                          D("0.01"), D(29000))
    result = await connector.cancel(resting)
    assert result.success, result
    assert recorder.of(resting) == [OrderCreated, OrderCancelled]

    ids = [await connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.01"),
                                       D(price)) for price in (28000, 27000)]
    deletes_before = server.requests.count("DELETE /api/v3/order")
    results = await connector.cancel_all(timeout=5)
    assert [(r.client_order_id, r.success) for r in results] == [(cid, True) for cid in ids]
    # exclusive_account: one bulk request, no cancels one by one
    assert server.requests.count("DELETE /api/v3/openOrders") == 1
    assert server.requests.count("DELETE /api/v3/order") == deletes_before
    assert all(recorder.of(cid) == [OrderCreated, OrderCancelled] for cid in ids)


async def _check_the_user_stream_comes_back(connector: BinanceSpotConnector,
                                            server: FakeBinance) -> None:
    server.subscribed.clear()
    await server.end_user_streams()
    async with asyncio.timeout(5):
        await server.subscribed.wait()  # the connector reconnected and subscribed again
        await connector.wait_ready()
    assert server.subscriptions == 2
