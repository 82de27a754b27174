"""Neutral reject reasons: each filter is named by the first check an order breaks."""

from __future__ import annotations

import pytest
from double_fixtures import BTC_USDT, ETH_USDT, D, exchange, kinds, opt, recorder, spec

from harness.double import (
    MarketStatus,
    OrderRejected,
    Rejection,
    RejectReason,
    TimeInForce,
)
from harness.double.validation import check_order
from harness.standard.enums import OrderType, TradeSide

LIMIT, MAKER, MARKET = OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.MARKET
R = RejectReason


@pytest.mark.parametrize(("order_type", "qty", "quote", "price", "tif", "reason"), [
    (LIMIT, "1", None, "10.001", None, R.PRICE_FILTER),       # off tick
    (LIMIT, "1", None, "0", None, R.PRICE_FILTER),
    (LIMIT, "1", None, "-10", None, R.PRICE_FILTER),
    (LIMIT, "1", None, "0.5", None, R.PRICE_FILTER),          # below min_price 1
    (LIMIT, "1", None, "200000", None, R.PRICE_FILTER),       # above max_price
    (LIMIT, "1.0001", None, "10", None, R.LOT_SIZE),          # off step
    (LIMIT, "0", None, "10", None, R.LOT_SIZE),
    (LIMIT, "0.0009", None, "10000", None, R.LOT_SIZE),       # off step and below min
    (LIMIT, "1001", None, "10", None, R.LOT_SIZE),            # above max
    (LIMIT, "0.1", None, "10", None, R.MIN_NOTIONAL),         # 1 < 5
    (LIMIT, None, None, "10", None, R.INVALID_PARAMETER),
    (LIMIT, "1", "10", "10", None, R.INVALID_PARAMETER),
    (MAKER, "1", None, "10", TimeInForce.IOC, R.INVALID_PARAMETER),
    (MARKET, "1", "10", None, None, R.INVALID_PARAMETER),
    (MARKET, None, None, None, None, R.INVALID_PARAMETER),
    (MARKET, "1", None, "10", None, R.INVALID_PARAMETER),
    (MARKET, "1", None, None, TimeInForce.GTC, R.INVALID_PARAMETER),
    (MARKET, None, "0", None, None, R.INVALID_PARAMETER),
    (MARKET, None, "4.99", None, None, R.MIN_NOTIONAL),
    (MARKET, "0.01", None, None, None, R.MIN_NOTIONAL),       # 0.01 * reference 100 = 1
])
def test_check_order_names_the_broken_filter(order_type: OrderType, qty: str | None,
                                             quote: str | None, price: str | None,
                                             tif: TimeInForce | None, reason: R) -> None:
    market = spec(min_price=D("1"), max_price=D("100000"))
    found = check_order(market, order_type, opt(qty), opt(quote), opt(price), tif, D("100"))
    assert found is not None and found.reason is reason, found


@pytest.mark.parametrize(("order_type", "qty", "quote", "price"), [
    (LIMIT, "1", None, "10"), (MAKER, "0.5", None, "10.01"), (MARKET, "1", None, None),
    (MARKET, None, "5", None),
])
def test_check_order_accepts_orders_within_filters(order_type: OrderType, qty: str | None,
                                                   quote: str | None,
                                                   price: str | None) -> None:
    assert check_order(spec(), order_type, opt(qty), opt(quote), opt(price), None,
                       D("100")) is None


def test_zero_limits_mean_no_constraint() -> None:
    free = spec(min_qty=D(0), max_qty=D(0), min_notional=D(0), tick_size=D(0), step_size=D(0))
    assert check_order(free, LIMIT, D("123456.789123"), None, D("0.000001"), None) is None


def test_place_rejections_emit_order_rejected_and_change_nothing() -> None:
    ex = exchange(usdt="100")
    events = recorder(ex)
    before = ex.balances()
    cases = [
        (("c1", ETH_USDT, TradeSide.BUY, LIMIT, D("1"), D("10")), R.UNKNOWN_SYMBOL),
        (("c2", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10.005")), R.PRICE_FILTER),
        (("c3", BTC_USDT, TradeSide.BUY, LIMIT, D("20"), D("10")), R.INSUFFICIENT_BALANCE),
        (("c4", BTC_USDT, TradeSide.SELL, LIMIT, D("11"), D("10")), R.INSUFFICIENT_BALANCE),
        (("c5", BTC_USDT, TradeSide.BUY, MARKET, D("1")), R.NO_LIQUIDITY),
    ]
    for args, reason in cases:
        result = ex.place(*args)  # type: ignore[arg-type]
        assert isinstance(result, Rejection) and result.reason is reason, (args, result)
    assert ex.balances() == before and ex.orders() == []
    assert kinds(events) == ["OrderRejected"] * len(cases)
    first = events[0]
    assert isinstance(first, OrderRejected) and first.client_order_id == "c1"
    assert first.reason is R.UNKNOWN_SYMBOL and first.qty == D("1")


def test_halted_market_rejects_placements_but_allows_cancels() -> None:
    ex = exchange()
    order = ex.place("a", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10"))
    ex.set_market_status(BTC_USDT, MarketStatus.HALTED)
    rejected = ex.place("b", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10"))
    assert isinstance(rejected, Rejection) and rejected.reason is R.MARKET_CLOSED
    assert not isinstance(order, Rejection)
    assert not isinstance(ex.cancel(order.order_id), Rejection)
    ex.set_market_status(BTC_USDT, MarketStatus.TRADING)
    assert not isinstance(ex.place("b", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10")),
                          Rejection)
    assert ex.market_by_symbol("BTCUSDT") == ex.market(BTC_USDT)


def test_client_id_is_unique_among_open_orders_only() -> None:
    ex = exchange()
    first = ex.place("same", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10"))
    dup = ex.place("same", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10"))
    assert isinstance(dup, Rejection) and dup.reason is R.DUPLICATE_CLIENT_ID
    assert not isinstance(first, Rejection)
    ex.cancel(client_order_id="same")
    again = ex.place("same", BTC_USDT, TradeSide.BUY, LIMIT, D("1"), D("10"))
    assert not isinstance(again, Rejection) and again.order_id == first.order_id + 1
    found = ex.order(client_order_id="same")
    assert found is not None and found.order_id == again.order_id


def test_limit_maker_that_would_take_is_rejected() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, TradeSide.SELL, D("100"), D("1"))
    taking = ex.place("m", BTC_USDT, TradeSide.BUY, MAKER, D("1"), D("100"))
    assert isinstance(taking, Rejection) and taking.reason is R.WOULD_TAKE
    resting = ex.place("m", BTC_USDT, TradeSide.BUY, MAKER, D("1"), D("99.99"))
    assert not isinstance(resting, Rejection) and resting.is_open


def test_quote_market_order_below_min_qty_is_a_lot_size_rejection() -> None:
    ex = exchange(min_qty=D("0.5"), min_notional=D("1"))
    ex.seed_liquidity(BTC_USDT, TradeSide.SELL, D("100"), D("1"))
    small = ex.place("q", BTC_USDT, TradeSide.BUY, MARKET, quote_qty=D("10"))
    assert isinstance(small, Rejection) and small.reason is R.LOT_SIZE


def test_market_spec_rejects_bad_definitions() -> None:
    with pytest.raises(TypeError, match="tick_size must be a Decimal"):
        spec(tick_size=0.01)
    with pytest.raises(ValueError, match="min_qty must be finite and >= 0"):
        spec(min_qty=D("-1"))
    with pytest.raises(ValueError, match="symbol"):
        spec(symbol="")
    rule = spec().trading_rule()
    assert rule.min_price_increment == D("0.01") and rule.min_notional == D("5")
    assert spec().fee_quantum == D("1E-8")
