"""SPOT-OB: local order books from a snapshot plus the diff stream, and the public tape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.checks import Severity, check
from harness.standard.events import PublicTradeObserved
from harness.standard.order_book import OrderBook
from harness.standard.pair import TradingPair
from harness.subject import Subject
from suites.spot._support import WAIT, dec, exp, pair, request_log


def _levels(raw: Any) -> list[tuple[Any, Any]]:
    return [(dec(price), dec(amount)) for price, amount in raw]


def _book_problems(book: OrderBook, expected: Mapping[str, Any]) -> list[str]:
    problems = []
    if "update_id" in expected and book.update_id != int(expected["update_id"]):
        problems.append(f"update id {book.update_id}, expected {expected['update_id']}")
    for side in ("bids", "asks"):
        got, want = list(getattr(book, side)), _levels(expected[side])
        if got != want:
            problems.append(f"{side} {[(str(p), str(a)) for p, a in got]}, expected "
                            f"{[(str(p), str(a)) for p, a in want]}")
    return problems


async def _final_update_ids(subject: Subject, expected: Mapping[str, Any]) -> str:
    """Wait until every book in `expected` reached its last update id: by then the stream's
    frames before that diff were all read. Returns "" or why the wait ended without it."""
    connector = subject.connector

    def reached() -> bool:
        return all(connector.order_book(pair(text)).update_id >= int(want["update_id"])
                   for text, want in expected.items())

    try:
        await subject.wait_until(reached, WAIT, "the order books' final update ids")
    except AssertionError as exc:
        return f"{exc}; "
    return ""


async def _books_reach(subject: Subject, expected: Mapping[str, Any]) -> None:
    """Wait for the books' final update ids, then compare their levels with `expected`."""
    waited = await _final_update_ids(subject, expected)
    problems = [f"{text}: {problem}" for text, want in expected.items()
                for problem in _book_problems(subject.connector.order_book(pair(text)), want)]
    assert not problems, f"{waited}order books differ from the exchange's:\n  " + \
        "\n  ".join(problems)


@check("SPOT-OB-1", "The order book is loaded from the REST snapshot", area="order_book",
       scenario="startup", requires=["order_book_diffs"], severity=Severity.CRITICAL)
async def test_order_book_snapshot_is_loaded(subject: Subject) -> None:
    await subject.start()
    await _books_reach(subject, exp(subject, "books"))



@check("SPOT-OB-9", "Diffs that arrive before the rules or the book snapshot are buffered and "
       "applied after the snapshot", area="order_book", scenario="order_book_early_frames",
       requires=["order_book_diffs"], severity=Severity.CRITICAL)
async def test_diffs_before_the_snapshot_are_buffered(subject: Subject) -> None:
    # The exchange's book procedure: keep the stream's diffs while the snapshot loads, drop
    # those it already holds, apply the rest; a diff that came early is no less true.
    await subject.start()
    await _books_reach(subject, exp(subject, "books"))

@check("SPOT-OB-2", "Bids descend, asks ascend, and the best bid is below the best ask",
       area="order_book", scenario="order_book", requires=["order_book_diffs"])
async def test_order_book_is_sorted_and_not_crossed(subject: Subject) -> None:
    await subject.start()
    await _final_update_ids(subject, exp(subject, "books"))
    for market in subject.pairs:
        book = subject.connector.order_book(market)
        bids, asks = [p for p, _ in book.bids], [p for p, _ in book.asks]
        assert bids == sorted(bids, reverse=True) and len(set(bids)) == len(bids), \
            f"{market} bids are not strictly descending: {bids}"
        assert asks == sorted(asks) and len(set(asks)) == len(asks), \
            f"{market} asks are not strictly ascending: {asks}"
        assert all(a > 0 for _, a in [*book.bids, *book.asks]), \
            f"{market} book keeps levels of amount 0"
        assert book.best_bid is not None and book.best_ask is not None, f"{market} book is empty"
        assert book.best_bid < book.best_ask, \
            f"{market} book is crossed: best bid {book.best_bid} >= best ask {book.best_ask}"
        assert (book.best_bid, book.best_ask) == (bids[0], asks[0]), \
            f"{market} best_bid/best_ask disagree with the levels"


@check("SPOT-OB-3", "Diffs after the snapshot are applied in order", area="order_book",
       scenario="order_book", requires=["order_book_diffs"], severity=Severity.CRITICAL)
async def test_diffs_are_applied_in_order(subject: Subject) -> None:
    await subject.start()
    await _books_reach(subject, exp(subject, "books"))


@check("SPOT-OB-4", "Diffs older than the book are dropped", area="order_book",
       scenario="order_book", requires=["order_book_diffs"])
async def test_stale_diffs_are_dropped(subject: Subject) -> None:
    await subject.start()
    await _final_update_ids(subject, exp(subject, "books"))
    for text, sides in exp(subject, "stale_levels").items():
        book = subject.connector.order_book(pair(text))
        for side, levels in sides.items():
            have = dict(getattr(book, side))
            for price, amount in _levels(levels):
                assert have.get(price) == amount, (
                    f"{text} {side} level {price} is {have.get(price)}, expected {amount}: a "
                    "diff older than the book was applied")


def _snapshots(subject: Subject, traded: TradingPair) -> list[Any]:
    """The book snapshot requests (interactions `depth_*`) for one pair."""
    symbol = subject.connector.exchange_symbol(traded)
    return [r for r in subject.server.requests
            if r.interaction_id and r.interaction_id.startswith("depth_")
            and symbol in [v for values in r.params.values() for v in values]]


@check("SPOT-OB-5", "A sequence gap makes the connector fetch a fresh snapshot",
       area="order_book", scenario="order_book_gap", requires=["order_book_diffs"],
       severity=Severity.CRITICAL)
async def test_sequence_gap_triggers_resync(subject: Subject) -> None:
    await subject.start()
    expected = exp(subject, "books")
    await _books_reach(subject, expected)
    # At least: Binance's book procedure fetches again while a snapshot is older than the
    # buffered diffs, so how many a correct client needs is its own business.
    for text, count in exp(subject, "snapshots").items():
        snapshots = _snapshots(subject, pair(text))
        assert len(snapshots) >= int(count), (
            f"{text}: expected at least {count} snapshot requests (the first, and one after "
            f"the gap), got {len(snapshots)}")


@check("SPOT-OB-6", "After a market-stream disconnect the connector reconnects, resubscribes "
       "and reloads the books", area="order_book", scenario="market_reconnect",
       requires=["order_book_diffs"], severity=Severity.CRITICAL)
async def test_market_stream_reconnects_and_reloads(subject: Subject) -> None:
    await subject.start()
    await _books_reach(subject, exp(subject, "books"))
    connections = len(subject.server.ws_connections)
    assert connections >= 2, f"expected a new market-stream connection, got {connections}"
    for traded in subject.pairs:
        snapshots = _snapshots(subject, traded)
        assert len(snapshots) >= 2, (
            f"{traded}: expected a snapshot before and a fresh one after the reconnect, got "
            f"{len(snapshots)}:\n{request_log(subject)}")


@check("SPOT-OB-7", "Public trades are reported as PublicTradeObserved", area="order_book",
       scenario="order_book", requires=["public_trades"])
async def test_public_trades_are_observed(subject: Subject) -> None:
    await subject.start()
    expected = exp(subject, "trades")
    # The trades come before the books' last diffs: once those are applied, all were read.
    await _final_update_ids(subject, exp(subject, "books"))
    got = [(str(e.pair), e.trade_id, e.price, e.amount)
           for e in subject.events_of(PublicTradeObserved)]
    want = [(t["pair"], str(t["trade_id"]), dec(t["price"]), dec(t["amount"])) for t in expected]
    assert got == want, f"public trades {got}, expected {want}"


@check("SPOT-OB-8", "Every stream subscription is one the exchange accepts, and every stream "
       "the scenario serves is asked for", area="order_book", scenario="order_book",
       requires=["order_book_diffs"])
async def test_stream_subscriptions_are_as_recorded(subject: Subject) -> None:
    # How many frames and connections a connector uses, and its request ids, are its own
    # choice (docs/standard.md); what the exchange sees is the set of streams asked for.
    await subject.start()
    await _final_update_ids(subject, exp(subject, "books"))
    refused = [m for m in subject.server.mismatches if "WebSocket" in m or "ws[" in m]
    assert not refused, "stream requests the exchange would refuse:\n" + "\n".join(refused)
    for log in subject.server.ws_connections:
        wrong = [frame.text for frame in log.received if frame.matched is None]
        assert not wrong, f"stream {log.path}: frames that are not a subscription the " \
                          f"exchange accepts here: {wrong}"
    unasked = [line for line in subject.server.unused() if line.startswith("ws[")]
    assert not unasked, "streams of the scenario never asked for:\n" + "\n".join(unasked)
