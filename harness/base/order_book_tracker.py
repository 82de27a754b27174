"""Local order books kept from a REST snapshot plus the diff stream, resynced on any gap.

The procedure exchanges document (Binance's among them): subscribe first and buffer diffs,
then fetch a snapshot, drop diffs older than it, and apply the rest in order. A diff that
skips update ids means a message was lost: the book is rebuilt from a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal

from harness.base.emitter import EventHub
from harness.standard.clock import Clock
from harness.standard.events import PublicTradeObserved
from harness.standard.model import PublicTrade
from harness.standard.order_book import DiffOutcome, OrderBook, OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair

log = logging.getLogger(__name__)

SnapshotFetcher = Callable[[TradingPair], Awaitable[OrderBookSnapshot]]
MAX_BUFFERED_DIFFS = 10_000


class OrderBookTracker:
    def __init__(self, pairs: Iterable[TradingPair], fetch_snapshot: SnapshotFetcher,
                 hub: EventHub, clock: Clock, retry_delay: float,
                 on_loaded: Callable[[], None] | None = None) -> None:
        self.books = {pair: OrderBook(pair) for pair in pairs}
        self.last_trade_prices: dict[TradingPair, Decimal] = {}
        self.resyncs = 0
        self.snapshots_loaded = 0
        self._fetch_snapshot = fetch_snapshot
        self._hub = hub
        self._clock = clock
        self._retry_delay = retry_delay
        self._on_loaded = on_loaded  # readiness depends on the books: wake its waiters
        self._buffers: dict[TradingPair, list[OrderBookDiff]] = {pair: [] for pair in self.books}
        self._loading: dict[TradingPair, asyncio.Task[None]] = {}

    @property
    def initialized(self) -> bool:
        return all(book.loaded for book in self.books.values())

    def connected(self) -> None:
        """A new stream connection is subscribed: rebuild every book from a fresh snapshot."""
        for pair in self.books:
            self._start_loading(pair)

    def disconnected(self) -> None:
        for pair, book in self.books.items():
            book.clear()
            self._buffers[pair].clear()
        for task in self._loading.values():
            task.cancel()
        self._loading.clear()

    def on_diff(self, diff: OrderBookDiff) -> None:
        book = self.books.get(diff.pair)
        if book is None:
            return
        if diff.pair in self._loading or not book.loaded:
            buffer = self._buffers[diff.pair]
            if len(buffer) < MAX_BUFFERED_DIFFS:
                buffer.append(diff)
            return
        if book.apply_diff(diff) is DiffOutcome.GAP:
            self._resync(diff)

    def on_snapshot(self, snapshot: OrderBookSnapshot) -> None:
        """A snapshot pushed by the stream (Bybit: on subscribing, and after its restarts).

        It replaces a loaded book, whatever its update id (after a restart ids start again
        at 1). While a REST snapshot is loading it is ignored: that snapshot and the buffered
        diffs will bring the book to the same state.
        """
        book = self.books.get(snapshot.pair)
        if book is None or snapshot.pair in self._loading or not book.loaded:
            return
        book.apply_snapshot(snapshot)

    def on_trade(self, trade: PublicTrade) -> None:
        if trade.pair not in self.books:
            return
        self.last_trade_prices[trade.pair] = trade.price
        self._hub.emit(PublicTradeObserved(trade.timestamp, trade.pair, trade.trade_id,
                                           trade.price, trade.amount))

    async def close(self) -> None:
        tasks = list(self._loading.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loading.clear()

    def _resync(self, diff: OrderBookDiff) -> None:
        book = self.books[diff.pair]
        log.warning("%s order book: update ids jumped from %d to %d; resyncing from a snapshot",
                    diff.pair, book.update_id, diff.first_update_id)
        self.resyncs += 1
        book.clear()
        self._buffers[diff.pair] = [diff]
        self._start_loading(diff.pair)

    def _start_loading(self, pair: TradingPair) -> None:
        running = self._loading.get(pair)
        if running is not None and not running.done():
            return
        self._loading[pair] = asyncio.get_running_loop().create_task(self._load(pair))

    async def _load(self, pair: TradingPair) -> None:
        book = self.books[pair]
        try:
            while True:
                try:
                    snapshot = await self._fetch_snapshot(pair)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("%s order book: snapshot failed (%s); retrying", pair, exc)
                    await self._clock.sleep(self._retry_delay)
                    continue
                self.snapshots_loaded += 1
                book.apply_snapshot(snapshot)
                buffered, self._buffers[pair] = self._buffers[pair], []
                if all(book.apply_diff(diff) is not DiffOutcome.GAP for diff in buffered):
                    if self._on_loaded is not None:
                        self._on_loaded()
                    return
                log.warning("%s order book: buffered diffs do not continue the snapshot; "
                            "fetching another", pair)
                self.resyncs += 1
                book.clear()
        finally:
            if self._loading.get(pair) is asyncio.current_task():
                del self._loading[pair]
