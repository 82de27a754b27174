"""OrderBookTracker: buffer diffs, load a snapshot, apply what continues it, resync on gaps."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from harness.base import order_book_tracker
from harness.base.emitter import EventHub
from harness.base.order_book_tracker import OrderBookTracker
from harness.standard.clock import ScaledClock
from harness.standard.events import Event, PublicTradeObserved
from harness.standard.model import PublicTrade
from harness.standard.order_book import OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair
from tests.fixtures.aio import eventually, run

PAIR = TradingPair("BTC", "USDT")
OTHER = TradingPair("ETH", "USDT")


def snapshot(update_id: int, bid: str = "99") -> OrderBookSnapshot:
    return OrderBookSnapshot(PAIR, update_id, ((Decimal(bid), Decimal(1)),),
                             ((Decimal(101), Decimal(1)),))


def diff(first: int, last: int, bid: str = "98", amount: str = "1",
         pair: TradingPair = PAIR) -> OrderBookDiff:
    return OrderBookDiff(pair, first, last, ((Decimal(bid), Decimal(amount)),), ())


class Exchange:
    """Serves snapshots from a queue; the test decides when each one arrives."""

    def __init__(self) -> None:
        self.snapshots: asyncio.Queue[OrderBookSnapshot | Exception] = asyncio.Queue()
        self.requests = 0

    async def fetch(self, pair: TradingPair) -> OrderBookSnapshot:
        self.requests += 1
        item = await self.snapshots.get()
        if isinstance(item, Exception):
            raise item
        return item


def make() -> tuple[OrderBookTracker, Exchange, list[Event]]:
    exchange = Exchange()
    hub = EventHub()
    events: list[Event] = []
    hub.subscribe(events.append)
    tracker = OrderBookTracker([PAIR], exchange.fetch, hub, ScaledClock(speed=100.0), 0.5)
    return tracker, exchange, events


def test_diffs_buffered_while_loading_are_applied_after_the_snapshot() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        assert not tracker.initialized
        tracker.on_diff(diff(5, 8, "90"))      # older than the snapshot: dropped
        tracker.on_diff(diff(9, 11, "97"))     # straddles it: applied
        tracker.on_diff(diff(12, 12, "96"))
        await exchange.snapshots.put(snapshot(10))
        await eventually(lambda: tracker.initialized, what="the book to load")
        book = tracker.books[PAIR]
        assert book.update_id == 12
        assert [price for price, _ in book.bids] == [Decimal(99), Decimal(97), Decimal(96)]
        assert tracker.snapshots_loaded == 1 and tracker.resyncs == 0
        await tracker.close()

    run(scenario())


def test_a_gap_in_the_stream_rebuilds_the_book_from_a_fresh_snapshot() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        await exchange.snapshots.put(snapshot(10))
        await eventually(lambda: tracker.initialized)
        tracker.on_diff(diff(11, 11, "98"))
        tracker.on_diff(diff(15, 16, "95"))    # 12..14 were lost
        assert tracker.resyncs == 1 and not tracker.initialized
        tracker.on_diff(diff(17, 17, "94"))    # buffered while the snapshot loads
        await exchange.snapshots.put(snapshot(16, bid="93"))
        await eventually(lambda: tracker.initialized, what="the resync")
        book = tracker.books[PAIR]
        assert book.update_id == 17
        assert [price for price, _ in book.bids] == [Decimal(94), Decimal(93)]
        assert exchange.requests == 2
        await tracker.close()

    run(scenario())


def test_a_snapshot_older_than_the_buffer_is_fetched_again() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        tracker.on_diff(diff(20, 21))
        await exchange.snapshots.put(snapshot(10))      # 11..19 missing: not usable
        await eventually(lambda: exchange.requests == 2, what="a second snapshot request")
        assert tracker.resyncs == 1 and not tracker.initialized
        await exchange.snapshots.put(snapshot(25))
        await eventually(lambda: tracker.initialized)
        assert tracker.books[PAIR].update_id == 25
        await tracker.close()

    run(scenario())


def test_a_failed_snapshot_is_retried_after_the_delay() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        await exchange.snapshots.put(RuntimeError("HTTP 503"))
        await exchange.snapshots.put(snapshot(3))
        await eventually(lambda: tracker.initialized)
        assert exchange.requests == 2
        await tracker.close()

    run(scenario())


def test_disconnecting_clears_books_and_stops_loading() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        tracker.connected()  # a second connect while loading starts no second load
        await eventually(lambda: exchange.requests == 1)
        tracker.on_diff(diff(1, 2))
        tracker.disconnected()
        await exchange.snapshots.put(snapshot(10))
        await asyncio.sleep(0)
        assert not tracker.initialized and exchange.requests == 1
        assert exchange.snapshots.qsize() == 1  # nobody took it: the load was cancelled
        await tracker.close()

    run(scenario())


def test_stale_diffs_on_a_loaded_book_change_nothing() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        await exchange.snapshots.put(snapshot(10))
        await eventually(lambda: tracker.initialized)
        tracker.on_diff(diff(3, 9, "50"))
        assert tracker.books[PAIR].update_id == 10 and tracker.resyncs == 0
        tracker.on_diff(diff(1, 2, pair=OTHER))  # a market we do not track
        await tracker.close()

    run(scenario())


def test_public_trades_update_last_price_and_emit_events() -> None:
    tracker, _, events = make()
    trade = PublicTrade(PAIR, "x1", Decimal("100.5"), Decimal("0.2"), None, 7.0)
    tracker.on_trade(trade)
    tracker.on_trade(PublicTrade(OTHER, "y", Decimal(1), Decimal(1), None, 7.0))
    assert tracker.last_trade_prices == {PAIR: Decimal("100.5")}
    assert events == [PublicTradeObserved(7.0, PAIR, "x1", Decimal("100.5"), Decimal("0.2"))]


def test_closing_cancels_a_load_in_progress() -> None:
    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        await eventually(lambda: exchange.requests == 1)
        await tracker.close()
        await exchange.snapshots.put(snapshot(10))
        await asyncio.sleep(0)
        assert not tracker.initialized and exchange.snapshots.qsize() == 1

    run(scenario())


def test_the_buffer_of_diffs_waiting_for_a_snapshot_is_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(order_book_tracker, "MAX_BUFFERED_DIFFS", 3)

    async def scenario() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        for update_id in range(11, 21):
            tracker.on_diff(diff(update_id, update_id))
        # Only the first three were kept (11..13); the book continues the snapshot with them...
        await exchange.snapshots.put(snapshot(12))
        await eventually(lambda: tracker.initialized)
        assert tracker.books[PAIR].update_id == 13
        # ...and the next live diff shows the dropped ones as a gap: a resync, not a bad book.
        tracker.on_diff(diff(21, 21))
        assert tracker.resyncs == 1 and not tracker.initialized
        await tracker.close()

    run(scenario())


def test_a_stream_snapshot_replaces_a_loaded_book_and_is_ignored_while_loading() -> None:
    async def main() -> None:
        tracker, exchange, _ = make()
        tracker.connected()
        tracker.on_snapshot(snapshot(50, bid="90"))  # loading: the REST snapshot decides
        await exchange.snapshots.put(snapshot(10))
        await eventually(lambda: tracker.books[PAIR].loaded)
        assert tracker.books[PAIR].update_id == 10
        tracker.on_snapshot(snapshot(1, bid="95"))  # after a restart ids start again
        assert tracker.books[PAIR].update_id == 1
        assert tracker.books[PAIR].bids[0][0] == Decimal("95")
        tracker.on_diff(diff(2, 2))
        assert tracker.books[PAIR].update_id == 2
        tracker.on_snapshot(OrderBookSnapshot(OTHER, 5, (), ()))  # not a tracked pair
        await tracker.close()

    run(main())
