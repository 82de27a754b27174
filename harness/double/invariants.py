"""Invariants of the in-memory exchange, as functions that list what is broken.

Property tests (here and in the scenarios) call `check_exchange` after every step; an empty
list means the exchange is consistent. They find bugs in the double, not in connectors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from harness.double.events import ExchangeEvent, OrderCanceled, OrderExpired, OrderTraded
from harness.double.exchange import Exchange
from harness.double.orders import OrderStatus
from harness.double.settlement import locked_asset
from harness.standard.enums import TradeSide

_ZERO = Decimal(0)


def check_exchange(exchange: Exchange) -> list[str]:
    """Every broken invariant of the exchange's current state and history."""
    return [*check_balances(exchange), *check_orders(exchange), *check_books(exchange),
            *check_history(exchange.history)]


def check_balances(exchange: Exchange) -> list[str]:
    """No negative balance; each asset's locked is what its open orders still lock."""
    problems = []
    expected_locked: dict[str, Decimal] = defaultdict(Decimal)
    for order in exchange.open_orders():
        spec = exchange.market(order.pair)
        assert spec is not None
        expected_locked[locked_asset(spec, order.side)] += order.locked
    for asset, balance in exchange.balances().items():
        if balance.free < 0 or balance.locked < 0:
            problems.append(f"{asset} balance is negative: {balance}")
        if balance.locked != expected_locked.get(asset, _ZERO):
            problems.append(f"{asset} locked {balance.locked} but open orders lock "
                            f"{expected_locked.get(asset, _ZERO)}")
    return problems


def check_orders(exchange: Exchange) -> list[str]:
    """Executed amounts are the sums of the order's trades, and the status fits them."""
    problems = []
    for order in exchange.orders():
        trades = exchange.trades(order.order_id)
        qty = sum((t.qty for t in trades), _ZERO)
        quote = sum((t.quote_qty for t in trades), _ZERO)
        name = f"order {order.order_id} ({order.client_order_id})"
        if qty != order.executed_qty or quote != order.executed_quote:
            problems.append(f"{name} executed {order.executed_qty}/{order.executed_quote} "
                            f"but its trades sum to {qty}/{quote}")
        if order.executed_qty > order.qty:
            problems.append(f"{name} executed {order.executed_qty} of {order.qty}")
        # A quote-quantity market order the book fell short of expires at its quantity.
        short_quote = order.quote_qty is not None and order.status is OrderStatus.EXPIRED
        if (order.status is OrderStatus.FILLED) != (order.executed_qty == order.qty) \
                and not short_quote:
            problems.append(f"{name} is {order.status.value} with {order.executed_qty} "
                            f"of {order.qty} executed")
        if order.status is OrderStatus.PARTIALLY_FILLED and not order.executed_qty:
            problems.append(f"{name} is PARTIALLY_FILLED with nothing executed")
        if not order.is_open and order.locked:
            problems.append(f"{name} is {order.status.value} but still locks {order.locked}")
    return problems


def check_books(exchange: Exchange) -> list[str]:
    """Books are not crossed, and our open orders rest there with their remaining quantity."""
    problems = []
    for spec in exchange.markets():
        book = exchange.book(spec.pair)
        if book.is_crossed():
            problems.append(f"book of {spec.pair} is crossed: bid {book.best(TradeSide.BUY)} "
                            f">= ask {book.best(TradeSide.SELL)}")
        for side in (TradeSide.BUY, TradeSide.SELL):
            for price, total in book.levels(side):
                queued = sum((e.qty for e in book.queue(side, price)), _ZERO)
                if queued != total or total <= 0:
                    problems.append(f"{spec.pair} {side.value} level {price} shows {total} "
                                    f"but holds {queued}")
        resting = book.our_entries()
        for order in exchange.open_orders(spec.pair):
            entry = resting.pop(order.order_id, None)
            if entry is None or entry.qty != order.remaining:
                problems.append(f"open order {order.order_id} rests as {entry!r}, "
                                f"remaining {order.remaining}")
        for order_id in resting:
            problems.append(f"closed order {order_id} still rests in the {spec.pair} book")
    return problems


def check_history(events: Iterable[ExchangeEvent]) -> list[str]:
    """Each order ends at most once, trades nothing after it ended, and events are in order."""
    problems = []
    ended: dict[int, str] = {}
    last_seq = 0
    for event in events:
        if event.seq <= last_seq:
            problems.append(f"event {event.seq} follows event {last_seq}")
        last_seq = event.seq
        if not isinstance(event, (OrderTraded, OrderCanceled, OrderExpired)):
            continue
        order_id = event.order.order_id
        if order_id in ended:
            problems.append(f"order {order_id} got {type(event).__name__} after it ended "
                            f"({ended[order_id]})")
        if not event.order.is_open:
            ended[order_id] = f"{event.order.status.value} at event {event.seq}"
    return problems
