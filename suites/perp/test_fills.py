"""PERP-FIL, PERP-ORD-5, PERP-LIQ: what fills say about positions, a reduce-only order larger
than the position, and the exchange's own executions on a position (liquidation, ADL)."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.enums import OrderType, PositionAction, PositionSide, TradeSide
from harness.standard.events import OrderFilled, PositionLiquidated
from harness.subject import Subject, SubjectPlan
from suites.perp._support import dec, pair, perpetual, positions_as_expected
from suites.spot._support import (
    QUIET,
    WAIT,
    assert_event_sequence,
    assert_params,
    describe,
    exp,
    go,
    inp,
    request_log,
    served,
    wait_terminal,
)


async def _place(subject: Subject, order: dict[str, str]) -> str:
    return await perpetual(subject).place_order(
        pair(order["pair"]), TradeSide(order["side"]), OrderType(order["type"]),
        dec(order["amount"]), dec(order["price"]), PositionAction(order["position_action"]))


@check("PERP-FIL-1", "Fills of a perpetual order carry its position action, the side of the "
       "position it traded for and the leverage in force", area="fills", standard="perpetual",
       scenario="fills_position_terms", requires=["positions", "leverage", "user_stream"],
       severity=Severity.CRITICAL)
async def test_fills_carry_position_and_leverage(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        connector = perpetual(subject)
        await subject.start()
        order = inp(subject, "order")
        await connector.set_leverage(pair(order["pair"]), int(inp(subject, "leverage")))
        client_order_id = await _place(subject, order)
        await wait_terminal(subject, client_order_id)
        fills = [e.fill for e in subject.events_of(OrderFilled, client_order_id)]
        want = exp(subject, "fill_terms")
        assert fills, f"no OrderFilled for {client_order_id}"
        for fill in fills:
            got = {"position_action": fill.position_action, "position_side": fill.position_side,
                   "leverage": fill.leverage}
            expected = {"position_action": PositionAction(want["position_action"]),
                        "position_side": PositionSide(want["position_side"]),
                        "leverage": int(want["leverage"])}
            assert got == expected, f"fill {fill.trade_id} carries {got}, expected {expected}"


@check("PERP-ORD-5", "A reduce-only order larger than the position is sent reduce-only and "
       "ends filled at the position's size, which ends flat, never flipped", area="orders",
       standard="perpetual", scenario="place_close_larger",
       requires=["positions", "user_stream"], severity=Severity.CRITICAL)
async def test_reduce_only_larger_than_the_position(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        connector = perpetual(subject)
        await subject.start()
        before = positions_as_expected(connector, exp(subject, "positions_before"))
        assert not before, "positions at start differ:\n  " + "\n  ".join(before)
        client_order_id = await _place(subject, inp(subject, "order"))
        sent = served(subject, "place")
        assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
        assert_params(sent[0], exp(subject, "request"))
        await wait_terminal(subject, client_order_id)
        events = assert_event_sequence(subject, client_order_id,
                                       ["OrderCreated", "OrderFilled", "OrderCompleted"])
        executed = sum((e.fill.amount for e in events if isinstance(e, OrderFilled)), dec(0))
        assert executed == dec(exp(subject, "executed_amount")), \
            f"executed {executed}, expected the position's {exp(subject, 'executed_amount')}"
        await subject.wait_until(lambda: not connector.positions(), WAIT,
                                 "the position to end flat")
        assert not connector.positions(), f"positions left: {connector.positions()}"


@check("PERP-LIQ-1", "Liquidation and auto-deleveraging executions are reported as one "
       "PositionLiquidated each, never as fills of an order", area="positions",
       standard="perpetual", scenario="liquidation", requires=["positions", "user_stream"],
       severity=Severity.CRITICAL)
async def test_liquidations_are_reported_once(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        connector = perpetual(subject)
        await subject.start()
        await go(subject)
        expected = exp(subject, "liquidations")
        await subject.wait_until(lambda: not connector.positions(), WAIT,
                                 "the liquidated position to close")
        await subject.wait_until(
            lambda: len(subject.events_of(PositionLiquidated)) >= len(expected), WAIT,
            "the liquidation events")
        got = [{"pair": str(e.pair), "side": e.side.value, "amount": e.amount,
                "price": e.price, "reason": e.reason}
               for e in subject.events_of(PositionLiquidated)]
        want = [{**entry, "amount": dec(entry["amount"]), "price": dec(entry["price"])}
                for entry in expected]
        assert got == want, f"PositionLiquidated events {got}, expected {want}"
        fills = subject.events_of(OrderFilled)
        assert not fills, f"liquidations reported as fills:\n{describe(fills)}"
