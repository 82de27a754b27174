"""The market lint: no cassette may show what no exchange's matching engine can do, unless
its `meta.fault` says it breaks that rule on purpose.

Reading payloads into orders and fills is exchange-specific, so the exchange supplies it: a
connector's manifest names a *market reader* (`[cassettes] market_reader = "module:function"`),
a function from a loaded Cassette to the OrderReports below. The rules themselves are
exchange-neutral and precise:

- `overfill`: an order's executed amount (as reported, or summed over its distinct trades)
  exceeds its amount.
- `maker_fill_off_limit`: a fill flagged maker at a price other than the order's limit price
  (a resting order trades at its own price).
- `fill_beyond_limit`: a taker fill of a limit order worse than its limit (a buy above it, a
  sell below it).
- `fill_after_terminal`: on one channel (reports a channel gives are in the exchange's order),
  a fill event after an event that put the order in a terminal state (filled, canceled,
  failed); `event_after_terminal`: any other event after it.
- `duplicate_frame`: one channel pushes the same trade twice.
- `fill_before_ack`: on one channel, a fill event precedes the order's acknowledgement.
- `resting_off_book`: an open order of a kind that rests on the book (the reader says which:
  a GTC limit order, say) reported as not on the book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from harness.cassette.fault_labels import FaultLabel, declared_labels
from harness.cassette.format import Cassette
from harness.cassette.loader import cassette_from_document
from harness.standard.enums import OrderState, TradeSide

TERMINAL = frozenset({OrderState.FILLED, OrderState.CANCELED, OrderState.FAILED})
OPEN = frozenset({OrderState.OPEN, OrderState.PARTIALLY_FILLED})
DETECTABLE = frozenset({
    FaultLabel.OVERFILL, FaultLabel.MAKER_FILL_OFF_LIMIT, FaultLabel.FILL_BEYOND_LIMIT,
    FaultLabel.FILL_AFTER_TERMINAL, FaultLabel.EVENT_AFTER_TERMINAL, FaultLabel.FILL_BEFORE_ACK,
    FaultLabel.RESTING_OFF_BOOK,
})
"""The labels this lint sees whenever they happen; a cassette declaring one that it does not
show is told so. (duplicate_frame it sees only for trades, so it is not among them.)"""


@dataclass(frozen=True)
class FillReport:
    trade_id: str
    price: Decimal
    amount: Decimal
    maker: bool | None = None  # None: the payload does not say


@dataclass(frozen=True)
class OrderReport:
    """What one payload says about one order.

    `where` is the payload's place in the cassette (`ws[2].frames[5]`,
    `http.interactions[3]`); reports of one `channel` are in the order the exchange gave
    them (a stream connection, say). `event` is true for what was pushed as it happened, false
    for a snapshot (a query's answer, a trade list). Unknown fields stay None.
    """

    where: str
    channel: str
    order_id: str
    state: OrderState | None = None
    side: TradeSide | None = None
    amount: Decimal | None = None
    limit_price: Decimal | None = None  # None for orders without one (market orders)
    executed: Decimal | None = None  # cumulative
    fill: FillReport | None = None
    event: bool = False
    acknowledges: bool = False  # the exchange's acknowledgement that it took the order
    rests: bool | None = None  # orders of this kind sit on the book while open
    on_book: bool | None = None  # what the payload says


MarketReader = Callable[[Cassette], Iterable[OrderReport]]
LintRule = Callable[[Path, Any], list[tuple[str, str]]]


@dataclass(frozen=True)
class Violation:
    label: FaultLabel
    where: str
    message: str


def find_violations(reports: Sequence[OrderReport]) -> list[Violation]:
    """Every impossible thing the reports show, in report order."""
    by_order: dict[str, list[OrderReport]] = defaultdict(list)
    for report in reports:
        by_order[report.order_id].append(report)
    found: list[Violation] = []
    for order_id, own in by_order.items():
        found += _order_violations(order_id, own)
    found += _channel_violations(reports)
    position = {r.where: index for index, r in reversed(list(enumerate(reports)))}
    unique = {(v.label, v.where): v for v in reversed(found)}  # one line per label and place
    return sorted(unique.values(),
                  key=lambda v: (position.get(v.where, len(reports)), v.label.value))


def _first(reports: Sequence[OrderReport], name: str) -> Any:
    return next((getattr(r, name) for r in reports if getattr(r, name) is not None), None)


def _order_violations(order_id: str, reports: Sequence[OrderReport]) -> list[Violation]:
    amount: Decimal | None = _first(reports, "amount")
    limit: Decimal | None = _first(reports, "limit_price")
    side: TradeSide | None = _first(reports, "side")
    found: list[Violation] = []
    traded: dict[str, Decimal] = {}
    for report in reports:
        if amount is not None and report.executed is not None and report.executed > amount:
            found.append(Violation(FaultLabel.OVERFILL, report.where,
                                   f"order {order_id} reports {report.executed} executed of"
                                   f" {amount} ordered"))
        if report.state in OPEN and report.rests and report.on_book is False:
            found.append(Violation(FaultLabel.RESTING_OFF_BOOK, report.where,
                                   f"order {order_id} is {report.state.value} and rests on the"
                                   " book, yet the payload says it is not on the book"))
        fill = report.fill
        if fill is None:
            continue
        if fill.trade_id not in traded:
            traded[fill.trade_id] = fill.amount
            total = sum(traded.values(), Decimal(0))
            if amount is not None and total > amount:
                found.append(Violation(FaultLabel.OVERFILL, report.where,
                                       f"order {order_id}'s trades add up to {total}, more"
                                       f" than the {amount} ordered"))
        if limit is None:
            continue
        if fill.maker and fill.price != limit:
            found.append(Violation(FaultLabel.MAKER_FILL_OFF_LIMIT, report.where,
                                   f"trade {fill.trade_id} fills order {order_id} as maker at"
                                   f" {fill.price}, not at its limit price {limit}"))
        elif not fill.maker and side is not None and (
                fill.price > limit if side is TradeSide.BUY else fill.price < limit):
            found.append(Violation(FaultLabel.FILL_BEYOND_LIMIT, report.where,
                                   f"trade {fill.trade_id} fills {side.value} order {order_id}"
                                   f" at {fill.price}, beyond its limit {limit}"))
    return found


def _channel_violations(reports: Sequence[OrderReport]) -> list[Violation]:
    found: list[Violation] = []
    acknowledged: set[tuple[str, str]] = set()
    terminal: set[tuple[str, str]] = set()
    trades: set[tuple[str, str]] = set()
    filled_before_ack: dict[tuple[str, str], OrderReport] = {}
    for report in (r for r in reports if r.event):
        key = (report.channel, report.order_id)
        if report.acknowledges:
            acknowledged.add(key)
            if key in filled_before_ack:
                found.append(Violation(FaultLabel.FILL_BEFORE_ACK, filled_before_ack.pop(key).where,
                                       f"order {report.order_id} trades here but is"
                                       f" acknowledged only later, at {report.where}"))
        fill = report.fill
        if fill is not None:
            if (report.channel, fill.trade_id) in trades:
                found.append(Violation(FaultLabel.DUPLICATE_FRAME, report.where,
                                       f"trade {fill.trade_id} is pushed a second time"))
            trades.add((report.channel, fill.trade_id))
            if key not in acknowledged:
                filled_before_ack.setdefault(key, report)
        if key in terminal:
            label, what = (FaultLabel.FILL_AFTER_TERMINAL, f"trade {fill.trade_id}") \
                if fill is not None else (FaultLabel.EVENT_AFTER_TERMINAL, "an event")
            found.append(Violation(label, report.where, f"order {report.order_id} has {what}"
                                                        " after its terminal state"))
        if report.state in TERMINAL:
            terminal.add(key)
    return found


def check_cassette(cassette: Cassette, reader: MarketReader,
                   declared: frozenset[FaultLabel]) -> list[tuple[str, str]]:
    """(location, reason) for each undeclared violation, and each declared detectable label
    the cassette does not show."""
    violations = find_violations(list(reader(cassette)))
    problems = [(v.where, f"{v.message}: no exchange does this ({v.label.value}); fix the"
                          f" payload, or add {v.label.value} to meta.fault if it is the"
                          " scenario's point")
                for v in violations if v.label not in declared]
    shown = {v.label for v in violations}
    problems += [("meta.fault", f"declares {label.value} but no payload shows it; remove it")
                 for label in sorted(declared & DETECTABLE - shown)]
    return problems


def market_rule(readers: Mapping[str, MarketReader]) -> LintRule:
    """The lint rule for `lint_paths(rules=...)`: cassettes/<exchange>/ files are read with that
    exchange's reader; folders with no reader are not checked."""

    def rule(path: Path, doc: Any) -> list[tuple[str, str]]:
        reader = readers.get(path.parent.name)
        if reader is None:
            return []
        try:
            cassette = cassette_from_document(doc, path)
        except Exception:  # validation has reported what is wrong with it
            return []
        try:
            return check_cassette(cassette, reader, declared_labels(doc.get("meta")))
        except Exception as exc:  # one line; the other files are still linted
            return [("meta", f"the market reader for {path.parent.name} failed:"
                             f" {type(exc).__name__}: {exc}; fix the reader or the payload")]

    return rule
