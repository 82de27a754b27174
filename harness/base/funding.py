"""Funding info per pair, and funding payments reported exactly once.

Funding info comes from REST first, then from the stream; readiness waits for every pair's.
Payments are polled: the first poll of a pair only learns where the history stands (a
restart must not report old payments again); each later payment newer than the last one
seen emits one FundingPayment, never twice, whatever the polls, reconnects and repeats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.base.emitter import EventHub
from harness.standard.api import FundingInfo, FundingPaymentRecord
from harness.standard.events import FundingInfoUpdated, FundingPayment
from harness.standard.pair import TradingPair


class FundingTracker:
    def __init__(self, pairs: Iterable[TradingPair], hub: EventHub) -> None:
        self._pairs = tuple(pairs)
        self._hub = hub
        self._infos: dict[TradingPair, FundingInfo] = {}
        self._last_payment: dict[TradingPair, float] = {}
        self._reported: set[tuple[TradingPair, float]] = set()

    @property
    def infos(self) -> Mapping[TradingPair, FundingInfo]:
        return dict(self._infos)

    @property
    def initialized(self) -> bool:
        """Every traded pair has funding info."""
        return all(pair in self._infos for pair in self._pairs)

    def apply_info(self, info: FundingInfo, timestamp: float) -> None:
        if self._infos.get(info.pair) == info:
            return
        self._infos[info.pair] = info
        self._hub.emit(FundingInfoUpdated(timestamp, info.pair, info.index_price,
                                          info.mark_price, info.rate,
                                          info.next_funding_timestamp))

    def process_payments(self, pair: TradingPair, records: Iterable[FundingPaymentRecord]
                         ) -> list[FundingPayment]:
        """The payments of `pair` as polled now; returns (and emits) the new ones."""
        mine = sorted((r for r in records if r.pair == pair), key=lambda r: r.timestamp)
        if pair not in self._last_payment:  # the first poll only seeds
            self._last_payment[pair] = mine[-1].timestamp if mine else 0.0
            self._reported.update((pair, r.timestamp) for r in mine)
            return []
        new = [r for r in mine if r.timestamp > self._last_payment[pair]
               and (pair, r.timestamp) not in self._reported]
        events = []
        for record in new:
            self._reported.add((pair, record.timestamp))
            self._last_payment[pair] = record.timestamp
            event = FundingPayment(record.timestamp, pair, record.amount, record.rate)
            self._hub.emit(event)
            events.append(event)
        return events
