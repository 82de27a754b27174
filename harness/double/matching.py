"""Read-only walks of the book: what an order would take before the exchange commits to it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from harness.double.book import Book
from harness.double.settlement import floor_to_step
from harness.standard.enums import TradeSide

_ZERO = Decimal(0)


@dataclass(frozen=True)
class TakePlan:
    """What walking the book would give: base `qty`, its `quote` cost, and whether the walk
    ran out of matching liquidity before the order was satisfied."""

    qty: Decimal
    quote: Decimal
    exhausted: bool


def plan_take(book: Book, side: TradeSide, price: Decimal | None, *,
              qty: Decimal | None = None, quote_qty: Decimal | None = None,
              step: Decimal = _ZERO) -> TakePlan:
    """Walk the matching liquidity for an order of `qty` base or `quote_qty` quote.

    By quote, each entry gives the whole steps the remaining quote affords there, so the
    quantity never breaks the step size and the spend never exceeds `quote_qty`.

    >>> book = Book()
    >>> _ = book.add(TradeSide.SELL, Decimal("10"), Decimal("1"))
    >>> plan_take(book, TradeSide.BUY, None, quote_qty=Decimal("25"), step=Decimal("0.1"))
    TakePlan(qty=Decimal('1'), quote=Decimal('10'), exhausted=True)
    """
    if (qty is None) == (quote_qty is None):
        raise ValueError("plan_take needs exactly one of qty and quote_qty")
    taken, spent = _ZERO, _ZERO
    last_price: Decimal | None = None
    for entry in book.matches(side, price):
        last_price = entry.price
        if qty is not None:
            take = min(entry.qty, qty - taken)
        else:
            assert quote_qty is not None
            take = min(entry.qty, floor_to_step((quote_qty - spent) / entry.price, step))
        if take <= 0:
            return TakePlan(taken, spent, exhausted=False)
        taken += take
        spent += take * entry.price
    if qty is not None:
        satisfied = taken >= qty
    else:
        assert quote_qty is not None
        left = quote_qty - spent
        satisfied = left == 0 or (last_price is not None and left < last_price * step)
    return TakePlan(taken, spent, exhausted=not satisfied)
