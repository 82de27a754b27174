"""The perpetual exchange: positions from fills, margin, reduce-only, mode, leverage, mark
price and funding (harness/double/perpetual.py, positions.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.double import MarketSpec, OrderStatus, Rejection, RejectReason
from harness.double.perpetual import (
    FundingSettled,
    MarkChanged,
    PerpetualExchange,
    PositionChanged,
    PositionMode,
)
from harness.double.positions import LONG, ONE_WAY, SHORT, PositionBook
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

D = Decimal
BTC = TradingPair("BTC", "USDT")
BUY, SELL = TradeSide.BUY, TradeSide.SELL
MARKET, LIMIT = OrderType.MARKET, OrderType.LIMIT


@pytest.fixture
def ex() -> PerpetualExchange:
    exchange = PerpetualExchange(clock=lambda: 1_000)
    exchange.add_market(MarketSpec(BTC, "BTCUSDT", D("0.1"), D("0.001"), min_qty=D("0.001"),
                                   taker_fee=D("0.001")))
    exchange.set_balance("USDT", D("10000"))
    exchange.seed_liquidity(BTC, SELL, D("100"), D("50"))
    exchange.seed_liquidity(BTC, BUY, D("99"), D("50"))
    return exchange


def test_fills_open_increase_reduce_close_and_flip_a_one_way_position() -> None:
    book = PositionBook()
    book.apply(BTC, ONE_WAY, BUY, D("1"), D("100"))
    book.apply(BTC, ONE_WAY, BUY, D("1"), D("110"))
    assert (book.get(BTC, ONE_WAY).signed, book.get(BTC, ONE_WAY).entry) == (D("2"), D("105"))
    effect = book.apply(BTC, ONE_WAY, SELL, D("1"), D("115"))
    assert (effect.realized, effect.closed, effect.after.signed) == (D("10"), D("1"), D("1"))
    effect = book.apply(BTC, ONE_WAY, SELL, D("3"), D("95"))
    assert (effect.realized, effect.after.signed, effect.after.entry) == (D("-10"), D("-2"),
                                                                          D("95"))
    assert book.get(BTC, ONE_WAY).unrealized(D("90")) == D("10")


def test_hedge_legs_stay_apart_and_never_flip() -> None:
    book = PositionBook()
    book.apply(BTC, LONG, BUY, D("1"), D("100"))
    book.apply(BTC, SHORT, SELL, D("2"), D("100"))
    effect = book.apply(BTC, LONG, SELL, D("3"), D("100"))  # more than the long holds
    assert effect.after.signed == 0 and book.get(BTC, SHORT).signed == D("-2")
    nothing = book.apply(BTC, LONG, SELL, D("1"), D("100"))  # an empty leg: nothing to reduce
    assert nothing.after == nothing.before


def test_a_reduce_only_fill_never_flips() -> None:
    book = PositionBook()
    book.apply(BTC, ONE_WAY, BUY, D("1"), D("100"))
    effect = book.apply(BTC, ONE_WAY, SELL, D("2"), D("100"), reduce_only=True)
    assert effect.after.signed == 0
    assert book.apply(BTC, ONE_WAY, SELL, D("1"), D("100"), reduce_only=True).closed == 0


def test_a_market_buy_opens_a_long_and_pays_its_fee_from_the_wallet(
        ex: PerpetualExchange) -> None:
    order = ex.place_perpetual("c1", BTC, BUY, MARKET, D("2"))
    assert not isinstance(order, Rejection) and order.status is OrderStatus.FILLED
    assert ex.position(BTC, ONE_WAY).signed == D("2")
    assert ex.balance("USDT").free == D("10000") - D("0.2")  # 200 * 0.1 % taker
    assert ex.balance("BTC").free == 0  # a perpetual account holds no base coin
    assert any(isinstance(e, PositionChanged) for e in ex.history)


def test_reduce_only_is_capped_to_the_position_or_refused(ex: PerpetualExchange) -> None:
    refused = ex.place_perpetual("c0", BTC, SELL, MARKET, D("1"), reduce_only=True)
    assert isinstance(refused, Rejection) and refused.reason is RejectReason.INVALID_PARAMETER
    ex.place_perpetual("c1", BTC, BUY, MARKET, D("1"))
    capped = ex.place_perpetual("c2", BTC, SELL, MARKET, D("5"), reduce_only=True)
    assert not isinstance(capped, Rejection) and capped.qty == D("1")
    assert ex.position(BTC, ONE_WAY).signed == 0
    assert ex.intent(capped).reduce_only


def test_resting_reduce_only_orders_beyond_the_position_are_cancelled(
        ex: PerpetualExchange) -> None:
    ex.place_perpetual("c1", BTC, BUY, MARKET, D("1"))
    high = ex.place_perpetual("c2", BTC, SELL, LIMIT, D("1"), D("120"), reduce_only=True)
    low = ex.place_perpetual("c3", BTC, SELL, LIMIT, D("1"), D("110"), reduce_only=True)
    assert not isinstance(high, Rejection) and not isinstance(low, Rejection)
    # Together they would reduce 2 of a position of 1: the worse-priced one goes.
    assert ex.order(high.order_id).status is OrderStatus.CANCELED  # type: ignore[union-attr]
    assert ex.order(low.order_id).status is OrderStatus.NEW  # type: ignore[union-attr]


def test_margin_beyond_the_available_balance_is_refused(ex: PerpetualExchange) -> None:
    refused = ex.place_perpetual("c1", BTC, BUY, LIMIT, D("1001"), D("100"))  # 10,010 at 10x
    assert isinstance(refused, Rejection) and refused.reason is RejectReason.INSUFFICIENT_BALANCE
    ex.place_perpetual("c2", BTC, BUY, LIMIT, D("900"), D("90"))  # 8,100 margin resting
    assert ex.available_margin() == D("10000") - D("8100")


def test_position_index_must_match_the_mode_and_switches_need_a_flat_account(
        ex: PerpetualExchange) -> None:
    wrong = ex.place_perpetual("c1", BTC, BUY, MARKET, D("1"), index=LONG)
    assert isinstance(wrong, Rejection)
    assert ex.set_mode(PositionMode.HEDGE) is None
    long = ex.place_perpetual("c2", BTC, BUY, MARKET, D("1"), index=LONG)
    assert not isinstance(long, Rejection) and ex.position(BTC, LONG).signed == 1
    assert isinstance(ex.set_mode(PositionMode.ONE_WAY), Rejection)


def test_leverage_bounds_and_positions_follow_a_change(ex: PerpetualExchange) -> None:
    assert isinstance(ex.set_leverage(BTC, 0), Rejection)
    assert isinstance(ex.set_leverage(BTC, 101), Rejection)
    ex.place_perpetual("c1", BTC, BUY, MARKET, D("1"))
    assert ex.set_leverage(BTC, 5) is None
    assert ex.position(BTC, ONE_WAY).leverage == 5
    assert ex.position(BTC, ONE_WAY).margin == D("20")


def test_the_mark_moves_unrealized_pnl_and_funding_settles_once(ex: PerpetualExchange) -> None:
    ex.place_perpetual("c1", BTC, BUY, MARKET, D("2"))
    ex.move_mark(BTC, D("110"))
    assert ex.position(BTC, ONE_WAY).unrealized(ex.mark_price(BTC)) == D("20")
    assert any(isinstance(e, MarkChanged) for e in ex.history)
    wallet = ex.balance("USDT").free
    ex.set_funding(BTC, D("0.001"), 5_000)
    paid = ex.settle_funding(BTC)
    assert [p.amount for p in paid] == [D("-0.220")]  # a long pays 2 * 110 * 0.1 %
    assert ex.balance("USDT").free == wallet - D("0.22")
    assert isinstance(ex.history[-2], FundingSettled) or any(
        isinstance(e, FundingSettled) for e in ex.history)
    assert ex.funding(BTC).next_ms == 1_000 + 8 * 3600 * 1000
    assert ex.funding_log == paid
