"""The book: price-time priority, aggregated levels, deltas with continuous update ids."""

from __future__ import annotations

import pytest
from double_fixtures import D

from harness.double.book import Book, opposite
from harness.standard.enums import TradeSide

BUY, SELL = TradeSide.BUY, TradeSide.SELL


def test_matches_walks_best_price_then_oldest_first() -> None:
    book = Book()
    late = book.add(SELL, D("101"), D("1"))
    first = book.add(SELL, D("100"), D("2"), order_id=7)
    second = book.add(SELL, D("100"), D("3"))
    book.add(SELL, D("102"), D("1"))
    assert list(book.matches(BUY, D("101"))) == [first, second, late]
    assert list(book.matches(BUY, None))[-1].price == D("102")
    assert list(book.matches(BUY, D("99"))) == []


def test_bids_walk_descending_for_a_seller() -> None:
    book = Book()
    book.add(BUY, D("99"), D("1"))
    top = book.add(BUY, D("100"), D("1"))
    assert next(book.matches(SELL, D("100"))) is top
    assert [e.price for e in book.matches(SELL, D("99"))] == [D("100"), D("99")]
    assert book.best(BUY) == D("100") and book.best(SELL) is None


def test_levels_are_aggregated_and_sorted_best_first() -> None:
    book = Book()
    for price, qty in (("10", "1"), ("12", "2"), ("10", "3"), ("11", "1")):
        book.add(BUY, D(price), D(qty))
        book.add(SELL, D(price) + 10, D(qty))
    assert book.levels(BUY) == ((D("12"), D("2")), (D("11"), D("1")), (D("10"), D("4")))
    assert book.levels(SELL, limit=2) == ((D("20"), D("4")), (D("21"), D("1")))


def test_reduce_and_remove_drop_empty_levels_and_our_entries() -> None:
    book = Book()
    ours = book.add(BUY, D("10"), D("2"), order_id=1)
    book.reduce(ours, D("0.5"))
    assert ours.qty == D("1.5") and book.entry_of(1) is ours
    book.remove(ours)
    assert book.entry_of(1) is None and book.levels(BUY) == () and book.best(BUY) is None
    with pytest.raises(ValueError):
        book.reduce(book.add(BUY, D("10"), D("1")), D("2"))
    with pytest.raises(ValueError):
        book.add(BUY, D("10"), D("0"))


def test_delta_lists_changed_levels_once_with_new_totals() -> None:
    book = Book()
    a = book.add(SELL, D("100"), D("1"))
    book.add(BUY, D("99"), D("2"))
    assert book.take_delta() == (1, 2, ((D("99"), D("2")),), ((D("100"), D("1")),))
    book.remove(a)
    book.add(BUY, D("99"), D("1"))
    # 100 removed (0), 99 grew to 3: two levels, ids 3..4, continuing 1..2.
    assert book.take_delta() == (3, 4, ((D("99"), D("3")),), ((D("100"), D("0")),))
    assert book.update_id == 4


def test_a_level_that_ends_where_it_started_is_not_a_change() -> None:
    book = Book()
    book.add(BUY, D("99"), D("2"))
    book.take_delta()
    entry = book.add(BUY, D("99"), D("1"))
    book.remove(entry)
    assert book.take_delta() is None
    assert book.update_id == 1


def test_crossing_and_clear() -> None:
    book = Book()
    book.add(BUY, D("100"), D("1"))
    assert book.crosses(SELL, D("100")) and not book.crosses(SELL, D("100.5"))
    assert book.crosses(SELL, None) and not book.crosses(BUY, None)
    book.add(SELL, D("100"), D("1"))
    assert book.is_crossed()
    book.take_delta()
    book.clear()
    assert book.levels(BUY) == () and book.update_id == 2 and book.take_delta() is None
    assert opposite(BUY) is SELL and opposite(SELL) is BUY
    assert "other" in repr(book.add(BUY, D("1"), D("1"))) and "order 3" in repr(
        book.add(BUY, D("1"), D("1"), order_id=3))
