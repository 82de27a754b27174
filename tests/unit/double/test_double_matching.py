"""Matching and money: takers trade at maker prices, locks follow orders, fees in asset received."""

from __future__ import annotations

from double_fixtures import BTC_USDT, D, exchange

from harness.double import (
    AssetBalance,
    Order,
    OrderStatus,
    Rejection,
    TimeInForce,
    check_exchange,
)
from harness.double.exchange import Exchange
from harness.standard.enums import OrderType, TradeSide

BUY, SELL = TradeSide.BUY, TradeSide.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def placed(result: Order | Rejection) -> Order:
    assert isinstance(result, Order), result
    return result


def asks(ex: Exchange, *levels: tuple[str, str]) -> None:
    for price, qty in levels:
        ex.seed_liquidity(BTC_USDT, SELL, D(price), D(qty))


def test_resting_limit_buy_locks_price_times_qty() -> None:
    ex = exchange()
    order = placed(ex.place("b", BTC_USDT, BUY, LIMIT, D("2"), D("100")))
    assert order.status is OrderStatus.NEW and order.locked == D("200")
    assert order.time_in_force is TimeInForce.GTC
    assert ex.balance("USDT") == AssetBalance("USDT", D("9800"), D("200"))
    assert ex.snapshot(BTC_USDT).bids == ((D("100"), D("2")),)
    assert ex.open_orders() == [order]


def test_crossing_limit_takes_at_maker_prices_and_pays_taker_fee_in_base() -> None:
    ex = exchange()
    asks(ex, ("100", "1"), ("101", "1"))
    order = placed(ex.place("b", BTC_USDT, BUY, LIMIT, D("1.5"), D("102")))
    assert order.status is OrderStatus.FILLED
    assert (order.executed_qty, order.executed_quote) == (D("1.5"), D("150.5"))
    trades = ex.trades(order.order_id)
    assert [(t.price, t.qty, t.fee, t.fee_asset, t.is_maker) for t in trades] == [
        (D("100"), D("1"), D("0.002"), "BTC", False),
        (D("101"), D("0.5"), D("0.001"), "BTC", False),
    ]
    # Locked 153 at the limit; paid 150.5; the price improvement went back to free.
    assert ex.balance("USDT") == AssetBalance("USDT", D("9849.5"), D("0"))
    assert ex.balance("BTC") == AssetBalance("BTC", D("11.497"), D("0"))
    assert ex.snapshot(BTC_USDT).asks == ((D("101"), D("0.5")),)
    assert ex.last_price(BTC_USDT) == D("101")
    assert check_exchange(ex) == []


def test_partially_taking_limit_rests_the_remainder_with_its_lock() -> None:
    ex = exchange()
    asks(ex, ("100", "1"))
    order = placed(ex.place("b", BTC_USDT, BUY, LIMIT, D("2"), D("100.5")))
    assert order.status is OrderStatus.PARTIALLY_FILLED and order.remaining == D("1")
    assert order.locked == D("100.5")
    assert ex.balance("USDT") == AssetBalance("USDT", D("9799.5"), D("100.5"))
    snap = ex.snapshot(BTC_USDT)
    assert snap.bids == ((D("100.5"), D("1")),) and snap.asks == ()
    assert check_exchange(ex) == []


def test_market_sell_fills_what_the_book_has_then_expires() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, BUY, D("99"), D("1"))
    order = placed(ex.place("s", BTC_USDT, SELL, MARKET, D("3")))
    assert order.status is OrderStatus.EXPIRED and order.executed_qty == D("1")
    assert order.price is None and order.locked == 0
    # Fee: 99 USDT received at the 0.2 % taker rate.
    assert ex.balance("USDT") == AssetBalance("USDT", D("10098.802"), D("0"))
    assert ex.balance("BTC") == AssetBalance("BTC", D("9"), D("0"))
    assert check_exchange(ex) == []


def test_market_buy_by_quantity_fills_completely() -> None:
    ex = exchange()
    asks(ex, ("100", "1"), ("101", "1"))
    order = placed(ex.place("m", BTC_USDT, BUY, MARKET, D("1.2")))
    assert order.status is OrderStatus.FILLED and order.executed_quote == D("120.2")
    assert ex.balance("USDT") == AssetBalance("USDT", D("9879.8"), D("0"))


def test_market_buy_by_quote_spends_up_to_the_quote_in_whole_steps() -> None:
    ex = exchange()
    asks(ex, ("100", "1"), ("101", "1"))
    order = placed(ex.place("q", BTC_USDT, BUY, MARKET, quote_qty=D("150")))
    assert order.status is OrderStatus.FILLED
    assert (order.qty, order.executed_qty) == (D("1.495"), D("1.495"))
    assert order.executed_quote == D("149.995") and order.quote_qty == D("150")
    assert ex.balance("USDT") == AssetBalance("USDT", D("9850.005"), D("0"))
    assert check_exchange(ex) == []


def test_market_buy_by_quote_beyond_the_book_expires() -> None:
    ex = exchange()
    asks(ex, ("100", "1"))
    order = placed(ex.place("q", BTC_USDT, BUY, MARKET, quote_qty=D("500")))
    assert order.status is OrderStatus.EXPIRED and order.executed_quote == D("100")
    assert ex.balance("USDT") == AssetBalance("USDT", D("9900"), D("0"))


def test_market_sell_by_quote_sells_the_base_that_buys_it() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, BUY, D("100"), D("1"))
    order = placed(ex.place("q", BTC_USDT, SELL, MARKET, quote_qty=D("50")))
    assert order.status is OrderStatus.FILLED and order.executed_qty == D("0.5")
    assert ex.balance("BTC") == AssetBalance("BTC", D("9.5"), D("0"))
    assert ex.balance("USDT").free == D("10049.9")


def test_ioc_expires_the_rest_and_fok_trades_all_or_nothing() -> None:
    ex = exchange()
    asks(ex, ("100", "1"))
    ioc = placed(ex.place("i", BTC_USDT, BUY, LIMIT, D("2"), D("100"),
                          time_in_force=TimeInForce.IOC))
    assert ioc.status is OrderStatus.EXPIRED and ioc.executed_qty == D("1")
    asks(ex, ("100", "1"))
    fok = placed(ex.place("f", BTC_USDT, BUY, LIMIT, D("2"), D("100"),
                          time_in_force=TimeInForce.FOK))
    assert fok.status is OrderStatus.EXPIRED and fok.executed_qty == 0
    fok = placed(ex.place("g", BTC_USDT, BUY, LIMIT, D("1"), D("100"),
                          time_in_force=TimeInForce.FOK))
    assert fok.status is OrderStatus.FILLED
    assert ex.balance("USDT").locked == 0 and check_exchange(ex) == []


def test_our_taker_can_match_our_own_resting_order() -> None:
    ex = exchange()
    maker = placed(ex.place("s", BTC_USDT, SELL, LIMIT, D("1"), D("100")))
    taker = placed(ex.place("b", BTC_USDT, BUY, LIMIT, D("1"), D("100")))
    (sold,), (bought,) = ex.trades(maker.order_id), ex.trades(taker.order_id)
    assert sold.trade_id == bought.trade_id and sold.is_maker and not bought.is_maker
    # Sold 1 BTC for 100 USDT (maker fee 0.1 USDT), bought it back (taker fee 0.002 BTC).
    assert ex.balance("BTC") == AssetBalance("BTC", D("9.998"), D("0"))
    assert ex.balance("USDT") == AssetBalance("USDT", D("9999.9"), D("0"))
    assert check_exchange(ex) == []


def test_price_time_priority_between_our_order_and_others() -> None:
    ex = exchange()
    asks(ex, ("100", "1"))
    ours = placed(ex.place("s", BTC_USDT, SELL, LIMIT, D("1"), D("100")))
    ex.seed_liquidity(BTC_USDT, BUY, D("100"), D("1"))  # takes the older liquidity first
    assert placed(ex.order(ours.order_id)).status is OrderStatus.NEW  # type: ignore[arg-type]
    ex.seed_liquidity(BTC_USDT, BUY, D("100"), D("0.4"))
    assert ex.order(ours.order_id).executed_qty == D("0.4")  # type: ignore[union-attr]


def test_fees_round_to_eight_decimals_and_zero_rates_charge_nothing() -> None:
    ex = exchange(taker_fee=D("0.00075"), maker_fee=D(0))
    asks(ex, ("100.01", "0.123"))
    order = placed(ex.place("b", BTC_USDT, BUY, LIMIT, D("0.123"), D("100.01")))
    (trade,) = ex.trades(order.order_id)
    assert trade.fee == D("0.00009225") and trade.fee_asset == "BTC"
    resting = placed(ex.place("s", BTC_USDT, SELL, LIMIT, D("0.1"), D("200")))
    ex.fill_resting(resting.order_id)
    (maker_trade,) = ex.trades(resting.order_id)
    assert maker_trade.fee == 0 and maker_trade.fee_asset == "USDT"
    assert ex.trades(pair=BTC_USDT) == [trade, maker_trade]
