"""The perpetual invariants of PROP-LIFE (docs/scenarios.md, P1-P7):

 P1 each position equals the signed sum of its fills by side and action and of the
    exchange's liquidations (one-way: buys add, sells take; hedge: opening fills grow a
    leg, closing fills shrink it), and is the exchange's: amount, entry price, leverage,
    and unrealized PnL as the exchange defines it ((mark - entry) * signed size);
 P2 funding is applied exactly once per payment: the FundingPayment events of each pair are
    the exchange's settlements, none missing, none repeated;
 P3 leverage and position mode are the exchange's after each change the connector made;
 P4 a reduce-only order never increases or flips a position: every closing order reaches
    the exchange reduce-only and every opening order does not, with the position index of
    the position mode (the exchange caps reduce-only orders to the position);
 P5 the position index of each order names the leg it acts on in hedge mode;
 P6 each fill carries its order's position action and the side of the position it traded
    for (the leverage is not judged: a fill may arrive before the connector knows it);
 P7 each liquidation or ADL of the exchange is reported as one PositionLiquidated.
`terms_problems` (P4-P6) and `setting_problems` (P3) hold at every step; `position_agreement`,
`funding_agreement` and `liquidation_agreement` (P7) once quiescent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from harness.double.perpetual import PerpetualExchange, PositionMode
from harness.double.positions import LONG, ONE_WAY, SHORT
from harness.scenarios.ledger import EventLedger
from harness.standard.api import PerpetualConnector, Position
from harness.standard.enums import PositionAction, PositionSide, TradeSide
from harness.standard.enums import PositionMode as StandardMode
from harness.standard.events import FundingPayment, PositionLiquidated
from harness.standard.pair import TradingPair

_ZERO = Decimal(0)
SIDE_OF_INDEX = {ONE_WAY: PositionSide.BOTH, LONG: PositionSide.LONG, SHORT: PositionSide.SHORT}
_MODE_OF = {PositionMode.ONE_WAY: StandardMode.ONEWAY, PositionMode.HEDGE: StandardMode.HEDGE}


def terms_problems(exchange: PerpetualExchange, ledger: EventLedger,
                   actions: Mapping[str, tuple[PositionAction, int]]) -> list[str]:
    """P4, P5: each order reached the exchange (accepted or refused) with the reduce-only
    flag of its action and the position index of its side, action and the mode it was
    placed in."""
    problems = []
    for cid, (action, index) in actions.items():
        intent = exchange.asked.get(cid)  # accepted or refused, as the request said
        if intent is None:
            continue
        reducing = intent.reduce_only or intent.close_on_trigger
        name = f"{ledger.ref_of(cid)} ({cid})"
        side = ledger.placements[cid].side.value if cid in ledger.placements else "?"
        if action is PositionAction.CLOSE and not reducing:
            problems.append(f"P4: {name} closes a position but reached the exchange without "
                            "reduce-only: it could grow or flip the position")
        if action is PositionAction.OPEN and reducing:
            problems.append(f"P4: {name} opens a position but reached the exchange "
                            "reduce-only")
        problems += _fill_terms(name, ledger.fills(cid), action, SIDE_OF_INDEX[index])
        if intent.index != index:
            problems.append(f"P5: {name} ({side} {action.value}) names position "
                            f"index {intent.index}; its leg is {index}")
    return problems


def _fill_terms(name: str, fills: Iterable[Any], action: PositionAction,
                side: PositionSide) -> list[str]:
    """P6: each fill carries its order's position action and the side of the position it
    traded for."""
    return [f"P6: {name}: fill {fill.trade_id} says {fill.position_action} / "
            f"{fill.position_side}; its order {action.value}s the {side.value} position"
            for fill in fills
            if (fill.position_action, fill.position_side) != (action, side)]


def setting_problems(connector: Any, exchange: PerpetualExchange, book: Any) -> list[str]:
    """P3: the connector's position mode, and the leverage of each pair it set, are the
    exchange's."""
    if not isinstance(connector, PerpetualConnector):
        return []
    problems = []
    if connector.position_mode is not _MODE_OF[exchange.mode]:
        problems.append(f"P3: the connector says position mode "
                        f"{connector.position_mode.value}; the exchange is in "
                        f"{exchange.mode.value}")
    for text in getattr(book, "leverage", {}):
        pair = next((p for p in exchange.markets() if str(p.pair) == text), None)
        if pair is None:
            continue
        there = exchange.positions.leverage(pair.pair)
        here = connector.get_leverage(pair.pair)
        if here != there:
            problems.append(f"P3: get_leverage({text}) is {here}; the exchange has {there}")
    return problems


def position_agreement(connector: PerpetualConnector, exchange: PerpetualExchange,
                       ledger: EventLedger, book: Any) -> list[str]:
    """P1: positions against the exchange, and against the fills that made them."""
    problems: list[str] = []
    here = dict(connector.positions())
    there = {(s.pair, SIDE_OF_INDEX[s.index]): s for s in exchange.open_positions()}
    for key in sorted(set(here) | set(there), key=lambda k: (str(k[0]), k[1].value)):
        mine, theirs = here.get(key), there.get(key)
        label = f"{key[0]} {key[1].value}"
        if theirs is None or mine is None:
            problems.append(f"P1: position {label} is {_show(mine)} in the connector; the "
                            f"exchange has {theirs.signed if theirs else 'none'}")
            continue
        mark = exchange.mark_price(theirs.pair)
        expected = (theirs.signed, theirs.entry, theirs.unrealized(mark), theirs.leverage)
        got = (mine.amount, mine.entry_price, mine.unrealized_pnl, mine.leverage)
        if got != expected:
            problems.append(f"P1: position {label} is {_show(mine)} in the connector; the "
                            f"exchange has amount {theirs.signed}, entry {theirs.entry}, "
                            f"unrealized PnL {theirs.unrealized(mark)} at mark {mark}, "
                            f"leverage {theirs.leverage}")
    problems += _fill_sums(connector, ledger, book, here)
    return problems


def _fill_sums(connector: PerpetualConnector, ledger: EventLedger, book: Any,
               positions: Mapping[tuple[TradingPair, PositionSide], Position]) -> list[str]:
    """P1: the signed sum of the fills of the orders placed since the account was last
    flat by a mode switch, by position, equals the connector's position."""
    if book is None:
        return []
    sums: dict[tuple[TradingPair, PositionSide], Decimal] = {}
    for cid in book.order[book.counted_from:]:
        _, index = book.actions[cid]
        order = connector.get_order(cid)
        if order is None:
            continue
        for fill in order.fills.values():
            sign = 1 if fill.side is TradeSide.BUY else -1
            key = (fill.pair, SIDE_OF_INDEX[index])
            sums[key] = sums.get(key, _ZERO) + sign * fill.amount
    for key, signed in getattr(book, "liquidated", {}).items():
        sums[key] = sums.get(key, _ZERO) + signed
    problems = []
    for key, total in sums.items():
        held = positions.get(key)
        amount = held.amount if held is not None else _ZERO
        if amount != total:
            problems.append(f"P1: position {key[0]} {key[1].value} is {amount} in the "
                            f"connector; its fills add up to {total} "
                            f"({', '.join(_fills_of(connector, ledger, book, key))})")
    return problems


def _fills_of(connector: PerpetualConnector, ledger: EventLedger, book: Any,
              key: tuple[TradingPair, PositionSide]) -> list[str]:
    shown = []
    for cid in book.order[book.counted_from:]:
        action, index = book.actions[cid]
        order = connector.get_order(cid)
        if order is None or (order.pair, SIDE_OF_INDEX[index]) != key:
            continue
        amount = sum((f.amount for f in order.fills.values()), _ZERO)
        shown.append(f"{ledger.ref_of(cid)} {order.side.value} {action.value} {amount}")
    return shown


def funding_agreement(exchange: PerpetualExchange, ledger: EventLedger,
                      pairs: Iterable[TradingPair]) -> list[str]:
    """P2: per pair, the FundingPayment events are the exchange's payments, once each."""
    problems = []
    for pair in pairs:
        paid = Counter((e.time_ms / 1000, e.amount) for e in exchange.funding_log
                       if e.position.pair == pair)
        told = Counter((e.timestamp, e.amount) for e in ledger.events
                       if isinstance(e, FundingPayment) and e.pair == pair)
        if paid != told:
            missing = sorted((paid - told).elements())
            extra = sorted((told - paid).elements())
            problems.append(f"P2: {pair} funding: the exchange settled {sum(paid.values())} "
                            f"payment(s), the connector reported {sum(told.values())}; "
                            f"missing {_payments(missing)}, not paid or repeated "
                            f"{_payments(extra)}")
    return problems


def liquidation_agreement(exchange: PerpetualExchange, ledger: EventLedger) -> list[str]:
    """P7: each liquidation or ADL of the exchange is one PositionLiquidated (pair, side,
    amount, price), none missing, none repeated."""
    done = Counter((str(e.position.pair), SIDE_OF_INDEX[e.position.index], e.qty, e.price)
                   for e in exchange.liquidations)
    told = Counter((str(e.pair), e.side, e.amount, e.price) for e in ledger.events
                   if isinstance(e, PositionLiquidated))
    if done == told:
        return []
    return [f"P7: the exchange liquidated {sorted(done.elements())}; the connector reported "
            f"PositionLiquidated {sorted(told.elements())}"]


def _payments(items: list[tuple[float, Decimal]]) -> str:
    return "[" + ", ".join(f"{amount} at {at:.3f}" for at, amount in items[:4]) + "]"


def _show(position: Position | None) -> str:
    if position is None:
        return "none"
    return (f"amount {position.amount}, entry {position.entry_price}, unrealized PnL "
            f"{position.unrealized_pnl}, leverage {position.leverage}")
