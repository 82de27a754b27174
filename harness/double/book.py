"""The order book of one market: price-time priority queues plus aggregated levels.

Entries are our resting orders (`order_id` set) and liquidity of "other participants"
(`order_id` None) that the harness seeds. The book remembers the aggregate of every level
it touches during an operation, so `take_delta()` yields exactly the levels that changed.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Iterator
from decimal import Decimal

from harness.standard.enums import TradeSide

_ZERO = Decimal(0)
Level = tuple[Decimal, Decimal]


class Entry:
    """One resting order (ours or another participant's) in a level's time queue."""

    __slots__ = ("order_id", "price", "qty", "side")

    def __init__(self, side: TradeSide, price: Decimal, qty: Decimal, order_id: int | None):
        self.side = side
        self.price = price
        self.qty = qty
        self.order_id = order_id

    def __repr__(self) -> str:
        owner = f"order {self.order_id}" if self.order_id is not None else "other"
        return f"Entry({self.side.value} {self.qty}@{self.price}, {owner})"


class Book:
    """Bids and asks of one market; prices kept sorted ascending per side (bisect)."""

    def __init__(self) -> None:
        self.update_id = 0
        self._queues: dict[TradeSide, dict[Decimal, deque[Entry]]] = {
            TradeSide.BUY: {}, TradeSide.SELL: {}}
        self._prices: dict[TradeSide, list[Decimal]] = {TradeSide.BUY: [], TradeSide.SELL: []}
        self._totals: dict[TradeSide, dict[Decimal, Decimal]] = {
            TradeSide.BUY: {}, TradeSide.SELL: {}}
        self._ours: dict[int, Entry] = {}
        self._before: dict[tuple[TradeSide, Decimal], Decimal] = {}

    # -- changes -------------------------------------------------------------------------

    def add(self, side: TradeSide, price: Decimal, qty: Decimal,
            order_id: int | None = None) -> Entry:
        """Append an entry at the back of its level's queue."""
        if qty <= 0:
            raise ValueError(f"book entry quantity must be positive, got {qty}")
        self._touch(side, price)
        entry = Entry(side, price, qty, order_id)
        queue = self._queues[side].get(price)
        if queue is None:
            queue = self._queues[side][price] = deque()
            insort(self._prices[side], price)
            self._totals[side][price] = _ZERO
        queue.append(entry)
        self._totals[side][price] += qty
        if order_id is not None:
            self._ours[order_id] = entry
        return entry

    def reduce(self, entry: Entry, qty: Decimal) -> None:
        """Take `qty` off an entry (a fill or a partial removal); drop it when empty."""
        if qty <= 0 or qty > entry.qty:
            raise ValueError(f"cannot take {qty} off {entry!r}")
        self._touch(entry.side, entry.price)
        entry.qty -= qty
        self._totals[entry.side][entry.price] -= qty
        if entry.qty == 0:
            self._unlink(entry)

    def remove(self, entry: Entry) -> None:
        """Take an entry out of the book whatever its quantity (cancel, expire)."""
        self.reduce(entry, entry.qty)

    def clear(self) -> None:
        """Empty the book and forget pending changes; update ids go on (they never go back)."""
        for side in (TradeSide.BUY, TradeSide.SELL):
            self._queues[side].clear()
            self._prices[side].clear()
            self._totals[side].clear()
        self._ours.clear()
        self._before.clear()

    def take_delta(self) -> tuple[int, int, tuple[Level, ...], tuple[Level, ...]] | None:
        """(first id, last id, bids, asks) of the levels changed since the last call, or None."""
        changed: dict[TradeSide, list[Level]] = {TradeSide.BUY: [], TradeSide.SELL: []}
        for (side, price), old in self._before.items():
            new = self._totals[side].get(price, _ZERO)
            if new != old:
                changed[side].append((price, new))
        self._before.clear()
        count = len(changed[TradeSide.BUY]) + len(changed[TradeSide.SELL])
        if not count:
            return None
        first = self.update_id + 1
        self.update_id += count
        bids = tuple(sorted(changed[TradeSide.BUY], reverse=True))
        asks = tuple(sorted(changed[TradeSide.SELL]))
        return first, self.update_id, bids, asks

    # -- reads ---------------------------------------------------------------------------

    def entry_of(self, order_id: int) -> Entry | None:
        return self._ours.get(order_id)

    def best(self, side: TradeSide) -> Decimal | None:
        """Best bid (side BUY) or best ask (side SELL)."""
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side is TradeSide.BUY else prices[0]

    def crosses(self, taker_side: TradeSide, price: Decimal | None) -> bool:
        """Would an order of `taker_side` at `price` (None: market) match at once?"""
        best = self.best(opposite(taker_side))
        if best is None:
            return False
        if price is None:
            return True
        return best <= price if taker_side is TradeSide.BUY else best >= price

    def matches(self, taker_side: TradeSide, price: Decimal | None) -> Iterator[Entry]:
        """Resting entries an order would meet, in priority order (best price, then oldest).

        Read-only: callers that fill entries must stop iterating before changing the book.
        """
        side = opposite(taker_side)
        prices = self._prices[side]
        ordered = reversed(prices) if side is TradeSide.BUY else iter(prices)
        for level in ordered:
            if price is not None and (level > price if taker_side is TradeSide.BUY
                                      else level < price):
                return
            yield from self._queues[side][level]

    def levels(self, side: TradeSide, limit: int | None = None) -> tuple[Level, ...]:
        """Aggregated levels of a side, best first."""
        prices = self._prices[side]
        ordered = prices[::-1] if side is TradeSide.BUY else prices
        if limit is not None:
            ordered = ordered[:limit]
        totals = self._totals[side]
        return tuple((price, totals[price]) for price in ordered)

    def queue(self, side: TradeSide, price: Decimal) -> tuple[Entry, ...]:
        return tuple(self._queues[side].get(price, ()))

    def our_entries(self) -> dict[int, Entry]:
        return dict(self._ours)

    def is_crossed(self) -> bool:
        bid, ask = self.best(TradeSide.BUY), self.best(TradeSide.SELL)
        return bid is not None and ask is not None and bid >= ask

    # -- internals -----------------------------------------------------------------------

    def _touch(self, side: TradeSide, price: Decimal) -> None:
        key = (side, price)
        if key not in self._before:
            self._before[key] = self._totals[side].get(price, _ZERO)

    def _unlink(self, entry: Entry) -> None:
        queue = self._queues[entry.side][entry.price]
        queue.remove(entry)
        if entry.order_id is not None:
            self._ours.pop(entry.order_id, None)
        if not queue:
            del self._queues[entry.side][entry.price]
            del self._totals[entry.side][entry.price]
            prices = self._prices[entry.side]
            del prices[bisect_left(prices, entry.price)]


def opposite(side: TradeSide) -> TradeSide:
    """The side an order of `side` trades against."""
    return TradeSide.SELL if side is TradeSide.BUY else TradeSide.BUY
