"""Harness-driven actions: fills of resting orders, cancels, expiry, liquidity, balances, reset."""

from __future__ import annotations

import pytest
from double_fixtures import BTC_USDT, ETH_USDT, D, exchange, kinds, recorder, spec

from harness.double import (
    AssetBalance,
    BalanceDelta,
    BookDelta,
    InsufficientFunds,
    Order,
    OrderStatus,
    Rejection,
    RejectReason,
    check_exchange,
    levels,
)
from harness.standard.enums import OrderType, TradeSide

BUY, SELL = TradeSide.BUY, TradeSide.SELL
LIMIT = OrderType.LIMIT


def rest(ex: object, client_id: str, side: TradeSide, qty: str, price: str,
         pair: object = BTC_USDT) -> Order:
    result = ex.place(client_id, pair, side, LIMIT, D(qty), D(price))  # type: ignore[attr-defined]
    assert isinstance(result, Order), result
    return result


def test_fill_resting_trades_our_order_as_maker_partially_then_fully() -> None:
    ex = exchange()
    order = rest(ex, "b", BUY, "1", "100")
    events = recorder(ex)
    partial = ex.fill_resting(order.order_id, D("0.4"))
    assert isinstance(partial, Order) and partial.status is OrderStatus.PARTIALLY_FILLED
    assert kinds(events) == ["OrderTraded", "PublicTrade", "BalancesChanged", "BookDelta"]
    assert ex.snapshot(BTC_USDT).bids == ((D("100"), D("0.6")),)
    full = ex.fill_resting(order.order_id)
    assert isinstance(full, Order) and full.status is OrderStatus.FILLED
    trades = ex.trades(order.order_id)
    assert [(t.qty, t.fee, t.is_maker) for t in trades] == [
        (D("0.4"), D("0.0004"), True), (D("0.6"), D("0.0006"), True)]
    assert [t.trade_id for t in trades] == [1, 2]
    again = ex.fill_resting(order.order_id)
    assert isinstance(again, Rejection) and again.reason is RejectReason.NOT_OPEN
    assert ex.balance("BTC") == AssetBalance("BTC", D("10.999"), D("0"))
    assert check_exchange(ex) == []


def test_fill_resting_refuses_impossible_quantities() -> None:
    ex = exchange()
    order = rest(ex, "b", BUY, "1", "100")
    with pytest.raises(ValueError, match=r"fill_resting qty must be in \(0, 1\]"):
        ex.fill_resting(order.order_id, D("2"))
    missing = ex.fill_resting(999)
    assert isinstance(missing, Rejection) and missing.reason is RejectReason.NOT_FOUND


def test_cancel_by_either_id_unlocks_and_reports_not_found_or_not_open() -> None:
    ex = exchange()
    a = rest(ex, "a", BUY, "1", "100")
    b = rest(ex, "b", SELL, "1", "200")
    canceled = ex.cancel(a.order_id)
    assert isinstance(canceled, Order) and canceled.status is OrderStatus.CANCELED
    assert canceled.locked == 0 and ex.balance("USDT").locked == 0
    wrong_pair = ex.cancel(client_order_id="b", pair=ETH_USDT)
    mismatch = ex.cancel(b.order_id, client_order_id="a")
    for refused in (wrong_pair, mismatch, ex.cancel(42), ex.cancel()):
        assert isinstance(refused, Rejection) and refused.reason is RejectReason.NOT_FOUND
    closed = ex.cancel(client_order_id="a")
    assert isinstance(closed, Rejection) and closed.reason is RejectReason.NOT_OPEN
    assert isinstance(ex.cancel(client_order_id="b", pair=BTC_USDT), Order)
    assert ex.balance("BTC") == AssetBalance("BTC", D("10"), D("0"))
    assert ex.order(42) is None and ex.order(b.order_id, client_order_id="b") is not None


def test_cancel_all_cancels_only_that_market_oldest_first() -> None:
    ex = exchange()
    ex.add_market(spec(ETH_USDT))
    first, second = rest(ex, "1", BUY, "1", "100"), rest(ex, "2", BUY, "1", "99")
    other = rest(ex, "3", BUY, "1", "50", pair=ETH_USDT)
    done = ex.cancel_all(BTC_USDT)
    assert [o.order_id for o in done] == [first.order_id, second.order_id]
    assert all(o.status is OrderStatus.CANCELED for o in done)
    assert ex.open_orders() == [other] and ex.open_orders(BTC_USDT) == []
    assert ex.cancel_all(BTC_USDT) == []
    assert len(ex.orders(BTC_USDT)) == 2


def test_expire_ends_an_open_order_like_the_exchange_would() -> None:
    ex = exchange()
    order = rest(ex, "s", SELL, "2", "150")
    events = recorder(ex)
    expired = ex.expire(order.order_id)
    assert isinstance(expired, Order) and expired.status is OrderStatus.EXPIRED
    assert kinds(events) == ["OrderExpired", "BalancesChanged", "BookDelta"]
    assert ex.balance("BTC") == AssetBalance("BTC", D("10"), D("0"))
    assert isinstance(ex.expire(order.order_id), Rejection)


def test_seeded_liquidity_that_crosses_our_order_fills_it_and_rests_the_rest() -> None:
    ex = exchange()
    order = rest(ex, "b", BUY, "1", "100")
    resting = ex.seed_liquidity(BTC_USDT, SELL, D("100"), D("1.5"))
    assert resting == D("0.5")
    filled = ex.order(order.order_id)
    assert filled is not None and filled.status is OrderStatus.FILLED
    assert ex.trades(order.order_id)[0].is_maker
    snap = ex.snapshot(BTC_USDT)
    assert snap.bids == () and snap.asks == ((D("100"), D("0.5")),)
    assert check_exchange(ex) == []


def test_seeded_liquidity_crossing_other_liquidity_trades_publicly_only() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, BUY, D("100"), D("1"))
    events = recorder(ex)
    assert ex.seed_liquidity(BTC_USDT, SELL, D("99"), D("1")) == 0
    assert kinds(events) == ["PublicTrade", "BookDelta"]
    assert ex.trades() == [] and ex.last_price(BTC_USDT) == D("100")


def test_seed_rejects_amounts_off_the_market_grid() -> None:
    ex = exchange()
    with pytest.raises(ValueError, match=r"step 0\.001 and tick 0\.01"):
        ex.seed_liquidity(BTC_USDT, SELL, D("100.001"), D("1"))
    with pytest.raises(KeyError, match=r"add it with Exchange\.add_market"):
        ex.seed_liquidity(ETH_USDT, SELL, D("100"), D("1"))


def test_remove_liquidity_pulls_other_participants_newest_first() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, SELL, D("100"), D("1"))
    ours = rest(ex, "s", SELL, "1", "100")
    ex.seed_liquidity(BTC_USDT, SELL, D("100"), D("1"))
    assert ex.remove_liquidity(BTC_USDT, SELL, D("100"), D("1.5")) == D("1.5")
    queue = ex.book(BTC_USDT).queue(SELL, D("100"))
    assert [(e.order_id, e.qty) for e in queue] == [(None, D("0.5")), (ours.order_id, D("1"))]
    assert ex.remove_liquidity(BTC_USDT, SELL, D("100")) == D("0.5")
    assert ex.snapshot(BTC_USDT).asks == ((D("100"), D("1")),)


def test_move_book_replaces_other_liquidity_in_one_delta() -> None:
    ex = exchange()
    ex.move_book(BTC_USDT, levels([("99", "1"), ("98", "2")]), levels([("101", "1")]))
    ours = rest(ex, "b", BUY, "1", "97")
    events = recorder(ex)
    ex.move_book(BTC_USDT, levels([("99", "1")]), levels([("100.5", "2")]))
    (delta,) = events
    assert isinstance(delta, BookDelta)
    assert delta.bids == ((D("98"), D("0")),)
    assert delta.asks == ((D("100.5"), D("2")), (D("101"), D("0")))
    assert delta.last_update_id - delta.first_update_id + 1 == 3
    ex.move_book(BTC_USDT, [], levels([("97", "3")]))  # crosses our bid: it fills
    assert ex.order(ours.order_id).status is OrderStatus.FILLED  # type: ignore[union-attr]
    assert ex.snapshot(BTC_USDT).asks == ((D("97"), D("2")),) and check_exchange(ex) == []


def test_deposit_and_withdrawal_emit_balance_delta() -> None:
    ex = exchange()
    events = recorder(ex)
    ex.deposit("ETH", D("2.5"))
    ex.deposit("ETH", D("-1"))
    assert kinds(events) == ["BalanceDelta", "BalancesChanged"] * 2
    delta = events[2]
    assert isinstance(delta, BalanceDelta) and delta.delta == D("-1")
    assert delta.balance == AssetBalance("ETH", D("1.5"), D("0"))
    with pytest.raises(InsufficientFunds):
        ex.deposit("ETH", D("-2"))
    ex.set_balance("ETH", D("7"))
    assert kinds(events)[-1] == "BalancesChanged" and ex.balance("ETH").free == 7


def test_snapshot_limits_levels_and_carries_the_last_update_id() -> None:
    ex = exchange()
    events = recorder(ex)
    for i in range(5):
        ex.seed_liquidity(BTC_USDT, BUY, D(100 - i), D("1"))
    snap = ex.snapshot(BTC_USDT, limit=2)
    assert snap.bids == ((D("100"), D("1")), (D("99"), D("1")))
    last = events[-1]
    assert isinstance(last, BookDelta) and snap.update_id == last.last_update_id == 5
    assert snap.timestamp == ex.now() / 1000


def test_reset_forgets_state_but_keeps_markets_and_subscribers() -> None:
    ex = exchange()
    events = recorder(ex)
    rest(ex, "b", BUY, "1", "100")
    ex.reset()
    assert ex.orders() == [] and ex.balances() == {} and ex.history == []
    assert ex.market(BTC_USDT) is not None and ex.book(BTC_USDT).update_id == 0
    ex.set_balance("USDT", D("1000"))
    again = rest(ex, "b", BUY, "1", "100")
    assert again.order_id == 1 and [e.seq for e in events[-4:]] == [1, 2, 3, 4]
    ex.reset(keep_markets=False)
    assert ex.markets() == [] and ex.market_by_symbol("BTCUSDT") is None


def test_order_ids_increase_and_trade_ids_count_per_market() -> None:
    ex = exchange()
    ex.add_market(spec(ETH_USDT))
    ex.set_balance("ETH", D("10"))
    a = rest(ex, "a", SELL, "1", "100")
    b = rest(ex, "b", SELL, "1", "100", pair=ETH_USDT)
    assert b.order_id == a.order_id + 1
    ex.fill_resting(a.order_id)
    ex.fill_resting(b.order_id)
    assert ex.trades(a.order_id)[0].trade_id == ex.trades(b.order_id)[0].trade_id == 1
    ex.add_market(spec(ETH_USDT, symbol="ETH_USDT"))
    assert ex.market_by_symbol("ETHUSDT") is None
    assert ex.market_by_symbol("ETH_USDT") is not None
