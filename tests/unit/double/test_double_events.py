"""Events: the order they come in, what they carry, and how subscribers get them."""

from __future__ import annotations

from itertools import pairwise

from double_fixtures import BTC_USDT, D, exchange, kinds, recorder

from harness.double import (
    AssetBalance,
    BalancesChanged,
    BookDelta,
    ExchangeEvent,
    Order,
    OrderAccepted,
    OrderStatus,
    OrderTraded,
    PublicTrade,
)
from harness.double.invariants import check_history
from harness.standard.enums import OrderType, TradeSide

BUY, SELL = TradeSide.BUY, TradeSide.SELL


def test_a_crossing_limit_order_emits_accept_trades_balances_then_book() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, SELL, D("100"), D("1"))
    events = recorder(ex)
    order = ex.place("b", BTC_USDT, BUY, OrderType.LIMIT, D("1.5"), D("100.5"))
    assert isinstance(order, Order)
    assert kinds(events) == ["OrderAccepted", "OrderTraded", "PublicTrade",
                             "BalancesChanged", "BookDelta"]
    accepted, traded, public, balances, book = events
    assert isinstance(accepted, OrderAccepted) and accepted.order.status is OrderStatus.NEW
    assert accepted.order.executed_qty == 0
    assert isinstance(traded, OrderTraded)
    assert traded.order.status is OrderStatus.PARTIALLY_FILLED
    assert (traded.trade.price, traded.trade.qty, traded.trade.fee, traded.trade.fee_asset,
            traded.trade.is_maker) == (D("100"), D("1"), D("0.002"), "BTC", False)
    assert (traded.cumulative_qty, traded.cumulative_quote) == (D("1"), D("100"))
    assert isinstance(public, PublicTrade) and public.trade_id == traded.trade.trade_id
    assert public.taker_side is BUY and not public.buyer_is_maker
    assert isinstance(balances, BalancesChanged)
    assert balances.balances == (AssetBalance("BTC", D("10.998"), D("0")),
                                 AssetBalance("USDT", D("9849.75"), D("50.25")))
    assert isinstance(book, BookDelta) and book.pair == BTC_USDT
    assert book.bids == ((D("100.5"), D("0.5")),) and book.asks == ((D("100"), D("0")),)
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 5))


def test_book_deltas_continue_update_ids_across_operations() -> None:
    ex = exchange()
    events = recorder(ex)
    ex.seed_liquidity(BTC_USDT, SELL, D("101"), D("1"))
    ex.seed_liquidity(BTC_USDT, BUY, D("99"), D("1"))
    ex.place("s", BTC_USDT, SELL, OrderType.MARKET, D("1"))
    ex.place("b", BTC_USDT, BUY, OrderType.LIMIT, D("1"), D("100"))
    deltas = [e for e in events if isinstance(e, BookDelta)]
    assert len(deltas) == 4
    for previous, current in pairwise(deltas):
        assert current.first_update_id == previous.last_update_id + 1
    assert ex.snapshot(BTC_USDT).update_id == deltas[-1].last_update_id


def test_rejections_and_failed_cancels_emit_nothing_but_the_rejection() -> None:
    ex = exchange()
    events = recorder(ex)
    ex.cancel(123)
    ex.cancel_all(BTC_USDT)
    ex.place("x", BTC_USDT, BUY, OrderType.LIMIT, D("1"), D("-1"))
    assert kinds(events) == ["OrderRejected"]


def test_subscribers_get_events_after_the_operation_completes() -> None:
    ex = exchange()
    ex.seed_liquidity(BTC_USDT, SELL, D("100"), D("1"))
    seen: list[OrderStatus | None] = []

    def listener(event: ExchangeEvent) -> None:
        if isinstance(event, OrderAccepted):
            found = ex.order(event.order.order_id)
            seen.append(found.status if found else None)

    stop = ex.subscribe(listener)
    ex.place("b", BTC_USDT, BUY, OrderType.MARKET, D("1"))
    assert seen == [OrderStatus.FILLED]  # the state already includes the whole operation
    stop()
    stop()  # stopping twice is harmless
    ex.place("c", BTC_USDT, BUY, OrderType.LIMIT, D("1"), D("50"))
    assert len(seen) == 1


def test_history_records_every_event_and_passes_the_history_checks() -> None:
    ex = exchange()
    events = recorder(ex)
    order = ex.place("b", BTC_USDT, BUY, OrderType.LIMIT, D("1"), D("100"))
    assert isinstance(order, Order)
    ex.fill_resting(order.order_id, D("0.5"))
    ex.cancel(order.order_id)
    assert ex.history == events and check_history(ex.history) == []
    assert kinds(events)[-3:] == ["OrderCanceled", "BalancesChanged", "BookDelta"]
