"""A local order book kept from a snapshot plus diffs carrying update ids."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from harness.standard.pair import TradingPair

Level = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class OrderBookSnapshot:
    pair: TradingPair
    update_id: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    timestamp: float = 0.0


@dataclass(frozen=True)
class OrderBookDiff:
    """Changes covering update ids first_update_id..last_update_id; amount 0 removes a level."""

    pair: TradingPair
    first_update_id: int
    last_update_id: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]
    timestamp: float = 0.0


class DiffOutcome(StrEnum):
    APPLIED = "applied"
    STALE = "stale"
    GAP = "gap"


class OrderBook:
    """Price levels of one market. Bids iterate descending, asks ascending."""

    def __init__(self, pair: TradingPair) -> None:
        self.pair = pair
        self.update_id = -1
        self._bids: dict[Decimal, Decimal] = {}
        self._asks: dict[Decimal, Decimal] = {}

    @property
    def loaded(self) -> bool:
        return self.update_id >= 0

    def apply_snapshot(self, snapshot: OrderBookSnapshot) -> None:
        self._bids = {price: amount for price, amount in snapshot.bids if amount > 0}
        self._asks = {price: amount for price, amount in snapshot.asks if amount > 0}
        self.update_id = snapshot.update_id

    def apply_diff(self, diff: OrderBookDiff) -> DiffOutcome:
        """Apply a diff if it continues the book; report stale diffs and sequence gaps."""
        if not self.loaded or diff.last_update_id <= self.update_id:
            return DiffOutcome.STALE
        if diff.first_update_id > self.update_id + 1:
            return DiffOutcome.GAP
        for side, changes in ((self._bids, diff.bids), (self._asks, diff.asks)):
            for price, amount in changes:
                if amount > 0:
                    side[price] = amount
                else:
                    side.pop(price, None)
        self.update_id = diff.last_update_id
        return DiffOutcome.APPLIED

    def clear(self) -> None:
        self._bids.clear()
        self._asks.clear()
        self.update_id = -1

    @property
    def bids(self) -> list[Level]:
        return sorted(self._bids.items(), key=lambda level: level[0], reverse=True)

    @property
    def asks(self) -> list[Level]:
        return sorted(self._asks.items(), key=lambda level: level[0])

    @property
    def best_bid(self) -> Decimal | None:
        return max(self._bids) if self._bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return min(self._asks) if self._asks else None

    def snapshot(self) -> OrderBookSnapshot:
        return OrderBookSnapshot(self.pair, self.update_id, tuple(self.bids), tuple(self.asks))
