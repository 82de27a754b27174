"""The invariants of an order lifecycle, as functions that list what is broken.

Numbers refer to docs/scenarios.md:
 1 every order ends in at most one terminal state and emits exactly one terminal event;
 2 executed amount == sum of its fills <= order amount; average price and fees agree;
 3 no trade counted twice, whichever channel reported it;
 4 after quiescence the connector's open orders are the exchange's, and no order is lost;
 5 after quiescence balances are the exchange's;
 6 no event for an order the connector did not place, none after a terminal one;
 7 the book is never crossed, and is the exchange's after quiescence;
 8 every request the connector sent was valid.
`step_problems` holds at every step boundary (1, 2, 3, 6, 7a, 8); `agreement_problems` once
the faults are over and the connector has caught up (1, 2, 4, 5, 7b). Invariant 9 is the
machine's: after each fault ends, all of them hold again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.double.exchange import Exchange
from harness.double.orders import Order, OrderStatus
from harness.scenarios.ledger import EventLedger, total
from harness.standard.api import SpotConnector
from harness.standard.enums import OrderState
from harness.standard.events import (
    TERMINAL_EVENT_TYPES,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
)
from harness.standard.model import Fill, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair
from harness.standard.rules import round_down_to

_ZERO = Decimal(0)
_TERMINAL_EVENT_OF = {OrderState.FILLED: OrderCompleted, OrderState.CANCELED: OrderCancelled,
                      OrderState.FAILED: OrderFailed}
_EXPECTED_STATE = {OrderStatus.NEW: OrderState.OPEN,
                   OrderStatus.PARTIALLY_FILLED: OrderState.PARTIALLY_FILLED,
                   OrderStatus.FILLED: OrderState.FILLED,
                   OrderStatus.CANCELED: OrderState.CANCELED,
                   OrderStatus.EXPIRED: OrderState.CANCELED}


# -- at every step -------------------------------------------------------------------------

def event_problems(ledger: EventLedger) -> list[str]:
    """Invariants 1, 2, 3 and 6 on the events alone."""
    problems: list[str] = []
    for cid, events in ledger.by_order.items():
        name = f"{ledger.ref_of(cid)} ({cid})"
        if cid not in ledger.placements:
            problems.append(f"6: {type(events[0]).__name__} for {cid}, an order the connector "
                            "did not place (place_order never returned that id)")
            continue
        placement = ledger.placements[cid]
        terminal = [e for e in events if isinstance(e, TERMINAL_EVENT_TYPES)]
        if len(terminal) > 1:
            problems.append(f"1: {name} emitted {len(terminal)} terminal events: "
                            f"{ledger.describe(cid)}")
        if terminal:
            after = events[events.index(terminal[0]) + 1:]
            if after:
                problems.append(f"6: {name} emitted {', '.join(type(e).__name__ for e in after)}"
                                f" after its terminal {type(terminal[0]).__name__}: "
                                f"{ledger.describe(cid)}")
        created = [e for e in events if isinstance(e, OrderCreated)]
        if len(created) > 1:
            problems.append(f"1: {name} emitted OrderCreated {len(created)} times")
        problems += _fill_problems(name, placement.amount, ledger.fills(cid), events)
    return problems


def _fill_problems(name: str, amount: Decimal, fills: Sequence[Fill],
                   events: Sequence[Any]) -> list[str]:
    problems: list[str] = []
    counts = Counter(fill.trade_id for fill in fills)
    twice = sorted(trade for trade, n in counts.items() if n > 1)
    if twice:
        problems.append(f"3: {name} counted trade(s) {', '.join(twice)} more than once: "
                        f"{[f'{f.trade_id}: {f.amount}@{f.price}' for f in fills]}")
    executed = total(fill.amount for fill in fills)
    if executed > amount:
        problems.append(f"2: {name} reported fills of {executed} in all, more than its "
                        f"amount {amount}")
    for event in events:
        if isinstance(event, OrderCompleted):
            quote = total(fill.price * fill.amount for fill in fills)
            if event.executed_amount != executed or event.executed_amount != amount:
                problems.append(f"2: {name} completed with executed_amount "
                                f"{event.executed_amount}, but its fills add up to {executed} "
                                f"of an amount of {amount}")
            if event.executed_quote_amount != quote:
                problems.append(f"2: {name} completed with executed_quote_amount "
                                f"{event.executed_quote_amount}, its fills add up to {quote}")
            if _fee_totals(event.fees) != _fee_totals(fill.fee for fill in fills):
                problems.append(f"2: {name} completed with fees {list(event.fees)}, its fills "
                                f"charged {sorted(_fee_totals(f.fee for f in fills).items())}")
    return problems


def _fee_totals(fees: Iterable[TradeFee]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for fee in fees:
        if fee.amount:
            totals[fee.asset] = totals.get(fee.asset, _ZERO) + fee.amount
    return totals


def tracking_problems(connector: SpotConnector, ledger: EventLedger) -> list[str]:
    """The connector's own view of each order agrees with the events it emitted."""
    problems: list[str] = []
    tracked = connector.tracked_orders
    for cid, placement in ledger.placements.items():
        name = f"{placement.ref} ({cid})"
        order = connector.get_order(cid)
        if order is None:
            problems.append(f"4: get_order({cid!r}) is None for {placement.ref}, an id "
                            "place_order returned")
            continue
        terminal = ledger.terminal_events(cid)
        if order.is_terminal:
            expected = _TERMINAL_EVENT_OF[order.state]
            if len(terminal) != 1 or not isinstance(terminal[0], expected):
                problems.append(f"1: {name} is {order.state.value} but its terminal events are "
                                f"[{', '.join(type(e).__name__ for e in terminal)}], expected "
                                f"one {expected.__name__}")
            if cid in tracked:
                problems.append(f"4: {name} is {order.state.value} but still in tracked_orders")
        elif terminal:
            problems.append(f"1: {name} emitted {type(terminal[0]).__name__} but get_order "
                            f"says {order.state.value}")
        event_fills = {fill.trade_id for fill in ledger.fills(cid)}
        if set(order.fills) != event_fills:
            problems.append(f"2: {name} holds fills {sorted(order.fills)} but emitted "
                            f"OrderFilled for {sorted(event_fills)}")
        if order.executed_amount > order.amount:
            problems.append(f"2: {name} executed {order.executed_amount} of {order.amount}")
    return problems


def book_problems(connector: SpotConnector, pairs: Iterable[TradingPair]) -> list[str]:
    """Invariant 7a: no local book is crossed."""
    problems = []
    for pair in pairs:
        try:
            book = connector.order_book(pair)
        except KeyError:
            continue
        bid, ask = book.best_bid, book.best_ask
        if bid is not None and ask is not None and bid >= ask:
            problems.append(f"7: the {pair} book is crossed: best bid {bid} >= best ask {ask}")
    return problems


def request_problems(server: Any) -> list[str]:
    """Invariant 8, plus crashes of the double's wire layer (a harness bug, never hidden)."""
    problems = [f"8: invalid request {entry.describe()}" for entry in server.invalid_requests()]
    problems += [f"double: the wire layer raised: {error.strip().splitlines()[-1]}"
                 for error in server.errors]
    return problems


# -- after quiescence ----------------------------------------------------------------------

def order_agreement(connector: SpotConnector, exchange: Exchange, ledger: EventLedger,
                    may_stay_pending: Iterable[str] = ()) -> list[str]:
    """Invariant 4 (and 1, 2 against the exchange): every order the exchange has is tracked
    or terminal as the exchange says, with the same fills; the rest failed. An order in
    `may_stay_pending` that the exchange never accepted may instead still be PENDING_CREATE
    (its outcome is unknown and nothing polls: the streams-only pass)."""
    problems: list[str] = []
    unsettled = {cid for cid in may_stay_pending
                 if exchange.order(client_order_id=cid) is None
                 and (mine := connector.get_order(cid)) is not None
                 and mine.state is OrderState.PENDING_CREATE}
    ours = set(ledger.placements)
    on_exchange: dict[str, Order] = {}
    for order in exchange.orders():
        if order.client_order_id not in ours:
            problems.append(f"4: the exchange has order {order.order_id} "
                            f"({order.client_order_id}) that place_order never returned")
            continue
        on_exchange[order.client_order_id] = order
    for cid in sorted(ours):
        name = f"{ledger.ref_of(cid)} ({cid})"
        mine = connector.get_order(cid)
        theirs = on_exchange.get(cid)
        if mine is None:
            continue  # reported by tracking_problems
        if theirs is None:
            if mine.state is not OrderState.FAILED and cid not in unsettled:
                problems.append(f"4: {name} is {mine.state.value} in the connector but the "
                                "exchange never accepted it (expected FAILED)")
            continue
        problems += _order_differences(name, mine, theirs, exchange, ledger)
    open_there = {order.client_order_id for order in exchange.open_orders()}
    open_here = set(connector.tracked_orders) - unsettled
    if open_here != open_there:
        problems.append(f"4: tracked_orders {sorted(open_here)} but the exchange's open orders "
                        f"are {sorted(open_there)}")
    return problems


def _order_differences(name: str, mine: TrackedOrder, theirs: Order, exchange: Exchange,
                       ledger: EventLedger) -> list[str]:
    expected = _EXPECTED_STATE.get(theirs.status)
    problems: list[str] = []
    if mine.state is not expected:
        events = ledger.describe(mine.client_order_id)
        problems.append(f"4: {name} is {mine.state.value} with {mine.executed_amount} executed "
                        f"in the connector; the exchange has it {theirs.status.value} with "
                        f"{theirs.executed_qty} executed (events: {events})")
    trades = exchange.trades(theirs.order_id)
    fills = list(mine.fills.values())
    if sorted((f.price, f.amount) for f in fills) != sorted((t.price, t.qty) for t in trades):
        problems.append(f"2: {name} has fills {[f'{f.amount}@{f.price}' for f in fills]}; the "
                        f"exchange traded {[f'{t.qty}@{t.price}' for t in trades]}")
    exchange_fees = _fee_totals(TradeFee(t.fee_asset, t.fee) for t in trades)
    if _fee_totals(f.fee for f in fills) != exchange_fees:
        problems.append(f"2: {name} counts fees {_fee_totals(f.fee for f in fills)}; the "
                        f"exchange charged {exchange_fees}")
    if mine.is_terminal and len(ledger.terminal_events(mine.client_order_id)) != 1:
        problems.append(f"1: {name} ended {mine.state.value} with "
                        f"{len(ledger.terminal_events(mine.client_order_id))} terminal events")
    return problems


def terms_problems(exchange: Exchange, ledger: EventLedger) -> list[str]:
    """Invariant 4 on the terms, at every step: the exchange has each order as the machine
    asked for it: the same pair, side and type, with the amount and the price the standard's
    quantization gives (rounded down to the step and tick: never up, never by a whole one)."""
    problems: list[str] = []
    for cid, asked in ledger.placements.items():
        theirs = exchange.order(client_order_id=cid)
        if theirs is None:
            continue
        wrong = []
        if (theirs.pair, theirs.side, theirs.order_type) != (asked.pair, asked.side,
                                                             asked.order_type):
            wrong.append(f"{theirs.side.value} {theirs.order_type.value} on {theirs.pair}")
        spec = exchange.market(asked.pair)
        step, tick = (spec.step_size, spec.tick_size) if spec is not None else (_ZERO, _ZERO)
        amount = asked.asked_amount if asked.asked_amount is not None else asked.amount
        if theirs.quote_qty is None and theirs.qty != round_down_to(amount, step):
            wrong.append(f"an amount of {theirs.qty}, not {amount} rounded down to the step "
                         f"{step}")
        if asked.price is not None and theirs.price is not None \
                and theirs.price != round_down_to(asked.price, tick):
            wrong.append(f"a price of {theirs.price}, not {asked.price} rounded down to the "
                         f"tick {tick}")
        if wrong:
            price = f" at {asked.price}" if asked.price is not None else ""
            problems.append(f"4: {ledger.ref_of(cid)} ({cid}) was asked as {asked.side.value} "
                            f"{asked.order_type.value} {amount} {asked.pair}{price}; the "
                            f"exchange has {', '.join(wrong)}")
    return problems


def final_disagreements(connector: SpotConnector, exchange: Exchange, ledger: EventLedger
                        ) -> list[str]:
    """Disagreements no amount of waiting can fix: an order the connector has ended
    (terminal states are final) that the exchange has open, or ended differently."""
    outcomes: dict[str, OrderOutcome | None] = {}
    for cid in ledger.placements:
        theirs = exchange.order(client_order_id=cid)
        outcomes[cid] = None if theirs is None else OrderOutcome(theirs.status,
                                                                 theirs.executed_qty)
    return ended_differently(connector, ledger, outcomes)


@dataclass(frozen=True)
class OrderOutcome:
    """Where the exchange has an order: its status and executed quantity."""

    status: OrderStatus
    executed: Decimal


def ended_differently(connector: SpotConnector, ledger: EventLedger,
                      outcomes: Mapping[str, OrderOutcome | None]) -> list[str]:
    """Orders the connector has ended (terminal states are final) that the exchange has
    open or ended otherwise; `outcomes` is the exchange's side by client order id (None:
    never accepted); orders it does not name are not compared."""
    problems: list[str] = []
    for cid in ledger.placements:
        mine = connector.get_order(cid)
        if mine is None or not mine.is_terminal or cid not in outcomes:
            continue
        theirs = outcomes[cid]
        if theirs is None:
            if mine.state is not OrderState.FAILED:
                problems.append(f"4: {ledger.ref_of(cid)} ({cid}) ended {mine.state.value} but "
                                "the exchange never accepted it")
        elif _EXPECTED_STATE.get(theirs.status) is not mine.state \
                or theirs.executed != mine.executed_amount:
            problems.append(f"4: {ledger.ref_of(cid)} ({cid}) ended {mine.state.value} with "
                            f"{mine.executed_amount} executed; the exchange has it "
                            f"{theirs.status.value} with {theirs.executed} executed "
                            f"(events: {ledger.describe(cid)})")
    return problems


def balance_problems(connector: SpotConnector, exchange: Exchange) -> list[str]:
    """Invariant 5: the connector's balances are the exchange's (absent means zero)."""
    here = connector.balances()
    there = exchange.balances()
    problems = []
    for asset in sorted(set(here) | set(there)):
        mine = here.get(asset)
        total_here = mine.total if mine else _ZERO
        free_here = mine.available if mine else _ZERO
        theirs = there.get(asset)
        total_there = theirs.total if theirs else _ZERO
        free_there = theirs.free if theirs else _ZERO
        if (total_here, free_here) != (total_there, free_there):
            problems.append(f"5: {asset} balance is total {total_here} / available {free_here} "
                            f"in the connector, total {total_there} / free {free_there} on the "
                            "exchange")
    return problems


def book_agreement(connector: SpotConnector, exchange: Exchange,
                   pairs: Iterable[TradingPair]) -> list[str]:
    """Invariant 7b: each local book has the exchange's levels."""
    problems = []
    for pair in pairs:
        book = connector.order_book(pair)
        snapshot = exchange.snapshot(pair, limit=None)
        for side, here, there in (("bids", book.bids, snapshot.bids),
                                  ("asks", book.asks, snapshot.asks)):
            if list(here) != list(there):
                problems.append(f"7: {pair} {side} are {_levels(here)} in the connector, "
                                f"{_levels(there)} on the exchange")
    return problems


def _levels(levels: Iterable[tuple[Decimal, Decimal]]) -> str:
    shown = [f"{amount}@{price}" for price, amount in levels]
    return "[" + ", ".join(shown[:6]) + (", ..." if len(shown) > 6 else "") + "]"
