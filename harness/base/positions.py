"""Positions kept from the exchange's reports (REST snapshots and stream updates).

One position per (pair, side): side BOTH in one-way mode, LONG and SHORT in hedge mode, so a
hedge account's two sides never mix. A report of amount 0 closes the position. Every change
emits exactly one PositionUpdated; a report that changes nothing emits nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.base.emitter import EventHub
from harness.standard.api import Position
from harness.standard.clock import Clock
from harness.standard.enums import PositionSide
from harness.standard.events import PositionUpdated
from harness.standard.pair import TradingPair

PositionKey = tuple[TradingPair, PositionSide]


class PositionTracker:
    def __init__(self, hub: EventHub, clock: Clock) -> None:
        self._hub = hub
        self._clock = clock
        self._positions: dict[PositionKey, Position] = {}
        self.loaded = False

    @property
    def positions(self) -> Mapping[PositionKey, Position]:
        return dict(self._positions)

    def apply(self, report: Position) -> None:
        """One position as the exchange reports it now (amount 0: closed)."""
        key = (report.pair, report.side)
        known = self._positions.get(key)
        if report.amount == 0:
            if known is None:
                return
            del self._positions[key]
        elif known == report:
            return
        else:
            self._positions[key] = report
        self._hub.emit(PositionUpdated(self._clock.time(), report.pair, report.side,
                                       report.amount, report.entry_price,
                                       report.unrealized_pnl, report.leverage))

    def replace_all(self, reports: Iterable[Position]) -> None:
        """A full REST answer: positions it does not list are closed."""
        reports = list(reports)
        listed = {(r.pair, r.side) for r in reports}
        for key, known in list(self._positions.items()):
            if key not in listed:
                self.apply(Position(known.pair, known.side, 0 * known.amount, known.entry_price,
                                    0 * known.unrealized_pnl, known.leverage))
        for report in reports:
            self.apply(report)
        self.loaded = True
