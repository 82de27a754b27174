"""Positions of a perpetual account: what fills, funding and mark prices do to them.

Exchange-neutral linear-contract accounting (the quote coin settles everything): a position
is a signed size with an average entry price. A fill in the position's direction (or on a
flat position) adds at a new average; a fill against it closes up to its size and realizes
`(price - entry) * closed * sign`; what is left over opens the other way (a flip), unless
the order may only reduce (then it is capped: never more than the position). One-way mode
keeps one position per market (index 0); hedge mode a long (1) and a short (2), each only
growing by fills of its own side and shrinking by the other's.

>>> book = PositionBook()
>>> pair = TradingPair("BTC", "USDT")
>>> book.apply(pair, ONE_WAY, TradeSide.BUY, Decimal("2"), Decimal("100")).realized
Decimal('0')
>>> effect = book.apply(pair, ONE_WAY, TradeSide.SELL, Decimal("3"), Decimal("110"))
>>> effect.realized, book.get(pair, ONE_WAY).signed, book.get(pair, ONE_WAY).entry
(Decimal('20'), Decimal('-1'), Decimal('110'))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair

_ZERO = Decimal(0)
ONE_WAY, LONG, SHORT = 0, 1, 2
"""Position indexes: the one-way position, and hedge mode's long and short."""


@dataclass(frozen=True)
class PositionState:
    """One position: signed size (short < 0), average entry price, leverage, realized PnL
    since it was first opened, and when it last changed (ms)."""

    pair: TradingPair
    index: int
    signed: Decimal = _ZERO
    entry: Decimal = _ZERO
    leverage: int = 10
    realized: Decimal = _ZERO
    updated_ms: int = 0

    @property
    def size(self) -> Decimal:
        return abs(self.signed)

    @property
    def value(self) -> Decimal:
        """Position value at entry: size * entry price."""
        return self.size * self.entry

    @property
    def margin(self) -> Decimal:
        """Initial margin of the position: its value / leverage."""
        return self.value / self.leverage

    def unrealized(self, mark: Decimal | None) -> Decimal:
        """PnL at the mark price: (mark - entry) * signed size (0 without a mark)."""
        return _ZERO if mark is None or not self.signed else (mark - self.entry) * self.signed


@dataclass(frozen=True)
class FillEffect:
    """What one fill did to a position: before, after, realized PnL and the quantity that
    closed (what Bybit calls closedSize)."""

    before: PositionState
    after: PositionState
    realized: Decimal
    closed: Decimal


def direction(index: int, side: TradeSide) -> int:
    """+1 when a fill on `side` grows the position at `index` towards long, -1 towards
    short; in hedge mode the long only ever holds a long size, the short a short one."""
    return 1 if side is TradeSide.BUY else -1


class PositionBook:
    """Every position of the account, by (pair, index), and leverage per pair."""

    def __init__(self, default_leverage: int = 10) -> None:
        self.default_leverage = default_leverage
        self._positions: dict[tuple[TradingPair, int], PositionState] = {}
        self._leverage: dict[TradingPair, int] = {}

    def reset(self) -> None:
        self._positions.clear()
        self._leverage.clear()

    def leverage(self, pair: TradingPair) -> int:
        return self._leverage.get(pair, self.default_leverage)

    def set_leverage(self, pair: TradingPair, leverage: int, now_ms: int) -> list[PositionState]:
        """Set a pair's leverage; returns its positions (now at that leverage)."""
        self._leverage[pair] = leverage
        changed = []
        for key, state in self._positions.items():
            if key[0] == pair:
                self._positions[key] = replace(state, leverage=leverage, updated_ms=now_ms)
                changed.append(self._positions[key])
        return changed

    def get(self, pair: TradingPair, index: int) -> PositionState:
        return self._positions.get((pair, index)) or PositionState(
            pair, index, leverage=self.leverage(pair))

    def all(self) -> list[PositionState]:
        """Every position that was ever touched (flat ones too: exchanges list them)."""
        return [self._positions[key] for key in sorted(self._positions, key=_order)]

    def open(self) -> list[PositionState]:
        return [state for state in self.all() if state.signed]

    def room_to_reduce(self, pair: TradingPair, index: int, side: TradeSide) -> Decimal:
        """How much a fill on `side` can reduce the position at `index` (0: it would only
        grow it, or there is none)."""
        state = self.get(pair, index)
        opposes = state.signed * direction(index, side) < 0
        return state.size if opposes else _ZERO

    def apply(self, pair: TradingPair, index: int, side: TradeSide, qty: Decimal,
              price: Decimal, *, reduce_only: bool = False, now_ms: int = 0) -> FillEffect:
        """One fill of `qty` at `price` on `side` for the position at `index`."""
        before = self.get(pair, index)
        delta = qty * direction(index, side)
        signed, entry = before.signed, before.entry
        closed = _ZERO
        realized = _ZERO
        if signed and signed * delta < 0:  # against the position: close first
            closed = min(qty, abs(signed))
            realized = (price - entry) * closed * (1 if signed > 0 else -1)
            signed += closed * (1 if delta > 0 else -1)
            rest = qty - closed
            if index != ONE_WAY or reduce_only:
                rest = _ZERO  # a hedge side and a reduce-only order never flip
            if not signed:
                entry = _ZERO
            if rest:
                signed, entry = rest * (1 if delta > 0 else -1), price
        else:
            if index != ONE_WAY and (index == LONG) != (delta > 0):
                # A reducing fill of a hedge side that holds nothing: nothing to reduce.
                return FillEffect(before, before, _ZERO, _ZERO)
            if reduce_only:
                return FillEffect(before, before, _ZERO, _ZERO)
            size = abs(signed) + qty
            entry = (abs(signed) * entry + qty * price) / size
            signed += delta
        after = replace(before, signed=signed, entry=entry, realized=before.realized + realized,
                        leverage=self.leverage(pair), updated_ms=now_ms)
        self._positions[(pair, index)] = after
        return FillEffect(before, after, realized, closed)

    def touch(self, state: PositionState) -> None:
        """Store a position as it is now (after funding, for its timestamp)."""
        self._positions[(state.pair, state.index)] = state


def _order(key: tuple[TradingPair, int]) -> tuple[str, int]:
    return str(key[0]), key[1]
