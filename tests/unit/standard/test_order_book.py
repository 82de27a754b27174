"""OrderBook: snapshot plus diffs, with stale diffs ignored and gaps reported."""

from __future__ import annotations

from decimal import Decimal

from harness.standard.order_book import DiffOutcome, OrderBook, OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair

PAIR = TradingPair("BTC", "USDT")


def levels(*pairs: tuple[str, str]) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((Decimal(p), Decimal(a)) for p, a in pairs)


def loaded_book() -> OrderBook:
    book = OrderBook(PAIR)
    book.apply_snapshot(OrderBookSnapshot(
        PAIR, 10, levels(("99", "1"), ("98", "2"), ("97", "0")),
        levels(("101", "1"), ("102", "3"))))
    return book


def test_a_new_book_is_empty_and_not_loaded() -> None:
    book = OrderBook(PAIR)
    assert not book.loaded
    assert book.best_bid is None and book.best_ask is None
    assert book.apply_diff(OrderBookDiff(PAIR, 1, 2, levels(("1", "1")), ())) is DiffOutcome.STALE


def test_snapshot_drops_empty_levels_and_sorts_sides() -> None:
    book = loaded_book()
    assert book.loaded and book.update_id == 10
    assert book.bids == list(levels(("99", "1"), ("98", "2")))
    assert book.asks == list(levels(("101", "1"), ("102", "3")))
    assert (book.best_bid, book.best_ask) == (Decimal(99), Decimal(101))


def test_a_continuing_diff_updates_adds_and_removes_levels() -> None:
    book = loaded_book()
    diff = OrderBookDiff(PAIR, 9, 12, levels(("99", "0"), ("98.5", "4")),
                         levels(("101", "2"), ("100.5", "1")))
    assert book.apply_diff(diff) is DiffOutcome.APPLIED
    assert book.update_id == 12
    assert book.bids == list(levels(("98.5", "4"), ("98", "2")))
    assert book.asks == list(levels(("100.5", "1"), ("101", "2"), ("102", "3")))


def test_removing_a_level_that_is_not_there_is_harmless() -> None:
    book = loaded_book()
    assert book.apply_diff(OrderBookDiff(PAIR, 11, 11, levels(("50", "0")), ())) \
        is DiffOutcome.APPLIED
    assert len(book.bids) == 2


def test_old_diffs_are_stale_and_change_nothing() -> None:
    book = loaded_book()
    assert book.apply_diff(OrderBookDiff(PAIR, 5, 10, levels(("99", "0")), ())) \
        is DiffOutcome.STALE
    assert book.best_bid == Decimal(99)


def test_a_diff_that_skips_ids_is_a_gap_and_changes_nothing() -> None:
    book = loaded_book()
    assert book.apply_diff(OrderBookDiff(PAIR, 12, 13, levels(("99", "0")), ())) \
        is DiffOutcome.GAP
    assert book.update_id == 10 and book.best_bid == Decimal(99)


def test_clear_and_snapshot_round_trip() -> None:
    book = loaded_book()
    copy = book.snapshot()
    assert copy.update_id == 10 and copy.bids == levels(("99", "1"), ("98", "2"))
    book.clear()
    assert not book.loaded and book.bids == [] and book.asks == []
    book.apply_snapshot(copy)
    assert book.best_ask == Decimal(101)
