"""SPOT-FIL: order status and fills, by REST polling and by the user stream."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.events import (
    BalanceUpdated,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.subject import Subject, SubjectPlan
from suites.spot._support import (
    QUIET,
    TERMINAL,
    WAIT,
    assert_event_sequence,
    dec,
    describe,
    exp,
    fills_as_expected,
    inp,
    order_events,
    place,
    wait_terminal,
)

FILLED = ["OrderCreated", "OrderFilled", "OrderFilled", "OrderCompleted"]
CANCELLED = ["OrderCreated", "OrderFilled", "OrderCancelled"]


async def _run_order(subject: Subject, expected: list[str]) -> str:
    """Start, place the scenario's order, wait for its terminal event, compare the events."""
    await subject.start()
    client_order_id = await place(subject, inp(subject, "order"))
    await wait_terminal(subject, client_order_id)
    events = assert_event_sequence(subject, client_order_id, expected)
    created = events[0]
    assert isinstance(created, OrderCreated)
    assert created.exchange_order_id == str(exp(subject, "exchange_order_id")), \
        f"OrderCreated.exchange_order_id {created.exchange_order_id!r}, expected " \
        f"{exp(subject, 'exchange_order_id')!r}"
    fills = [e.fill for e in events if isinstance(e, OrderFilled)]
    if "fills" in subject.expect:
        problems = fills_as_expected(fills, exp(subject, "fills"), inp(subject, "order")["side"])
        assert not problems, "fills differ from the exchange's:\n  " + "\n  ".join(problems)
    if "trade_ids" in subject.expect:
        assert [f.trade_id for f in fills] == [str(t) for t in exp(subject, "trade_ids")], \
            f"fills {[f.trade_id for f in fills]}, expected trades {exp(subject, 'trade_ids')}"
    completed = [e for e in events if isinstance(e, OrderCompleted)]
    if completed and "executed_amount" in subject.expect:
        assert completed[0].executed_amount == dec(exp(subject, "executed_amount")), \
            f"OrderCompleted.executed_amount {completed[0].executed_amount}, expected " \
            f"{exp(subject, 'executed_amount')}"
    assert client_order_id not in subject.connector.tracked_orders, \
        "an order in a terminal state is still tracked"
    return client_order_id


@check("SPOT-FIL-1", "Status polling drives open -> partially filled -> filled: fills, then "
       "exactly one OrderCompleted", area="fills", scenario="fills_by_polling",
       requires=["status_polling"], severity=Severity.BLOCKER)
async def test_status_polling_drives_partial_then_full_fill(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        client_order_id = await _run_order(subject, FILLED)
        completed = subject.events_of(OrderCompleted, client_order_id)[0]
        assert completed.executed_quote_amount == dec(exp(subject, "executed_quote_amount")), \
            f"OrderCompleted.executed_quote_amount {completed.executed_quote_amount}"


@check("SPOT-FIL-2", "Status polling reports a cancellation made elsewhere, after the fills",
       area="fills", scenario="cancel_by_polling", requires=["status_polling"])
async def test_status_polling_reports_cancellation(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        await _run_order(subject, CANCELLED)


@check("SPOT-FIL-3", "The user stream drives open -> partially filled -> filled: fills, then "
       "exactly one OrderCompleted", area="fills", scenario="fills_by_stream",
       requires=["user_stream"], severity=Severity.BLOCKER)
async def test_user_stream_drives_partial_then_full_fill(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await _run_order(subject, FILLED)


@check("SPOT-FIL-4", "The user stream reports a cancellation made elsewhere, after the fills; "
       "an order the exchange expires ends cancelled too", area="fills",
       scenario="cancel_by_stream", requires=["user_stream"])
async def test_user_stream_reports_cancellation(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await _run_order(subject, CANCELLED)
    if subject_plan.has_scenario("expired_by_stream"):  # an exchange with an expiry status
        async with subject_plan.replay("expired_by_stream", **QUIET) as subject:
            await _run_order(subject, CANCELLED)


@check("SPOT-FIL-5", "A fill reported by both REST and the stream counts once", area="fills",
       scenario="fills_rest_and_stream", requires=["user_stream", "status_polling"],
       severity=Severity.CRITICAL)
async def test_fills_are_deduplicated_across_rest_and_stream(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        client_order_id = await _run_order(subject, FILLED)
        # The stream repeats the last trade after REST reported it, then sends a balance
        # update: once that is seen, the repeat was processed too.
        await subject.wait_for_event(BalanceUpdated, timeout=WAIT)
        assert_event_sequence(subject, client_order_id, FILLED)


@check("SPOT-FIL-6", "Fees are reported with the asset they were charged in", area="fills",
       scenario="fills_by_stream", requires=["user_stream"])
async def test_fees_are_reported_with_their_asset(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        client_order_id = await _run_order(subject, FILLED)
        fills = [e.fill for e in subject.events_of(OrderFilled, client_order_id)]
        problems = fills_as_expected(fills, exp(subject, "fills"), inp(subject, "order")["side"])
        assert not problems, "fees differ from the exchange's:\n  " + "\n  ".join(problems)
        completed = subject.events_of(OrderCompleted, client_order_id)[0]
        fees = {fee.asset: fee.amount for fee in completed.fees}
        expected = {asset: dec(amount) for asset, amount in exp(subject, "completed_fees").items()}
        assert fees == expected, f"OrderCompleted.fees {fees}, expected the sum per asset " \
                                 f"{expected}"


@check("SPOT-FIL-7", "A fill that arrives before the acknowledgement is not lost: OrderCreated, "
       "then OrderFilled", area="fills", scenario="fill_before_ack", requires=["user_stream"],
       severity=Severity.CRITICAL)
async def test_fill_before_acknowledgement_is_not_lost(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await _run_order(subject, FILLED)


@check("SPOT-FIL-8", "A lost order (not found N times) still gets its later fills",
       area="fills", scenario="lost_order_fills", requires=["status_polling"],
       severity=Severity.CRITICAL)
async def test_lost_order_still_gets_later_fills(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        client_order_id = await _run_order(subject, ["OrderCreated", "OrderFilled",
                                                     "OrderCompleted"])
        assert not subject.events_of(OrderFailed, client_order_id)


@check("SPOT-FIL-9", "Nothing is emitted for an order after its terminal state", area="fills",
       scenario="events_after_terminal", requires=["user_stream"], severity=Severity.CRITICAL)
async def test_nothing_is_emitted_after_a_terminal_state(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        client_order_id = await place(subject, inp(subject, "order"))
        # The stream ends with a balance update: once it is seen, every report was processed.
        await subject.wait_for_event(BalanceUpdated, timeout=WAIT)
        events = order_events(subject, client_order_id)
        terminal = [i for i, e in enumerate(events) if isinstance(e, TERMINAL)]
        assert len(terminal) == 1, f"expected one terminal event, got:\n{describe(events)}"
        assert terminal[0] == len(events) - 1, \
            f"events after the terminal one:\n{describe(events[terminal[0]:])}"
        assert_event_sequence(subject, client_order_id,
                              ["OrderCreated", "OrderFilled", "OrderCompleted"])


@check("SPOT-FIL-10", "A report the stream repeats is counted once: one event per trade and per "
       "transition", area="fills", scenario="repeated_reports", requires=["user_stream"],
       severity=Severity.CRITICAL)
async def test_repeated_stream_reports_count_once(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        client_order_id = await place(subject, inp(subject, "order"))
        # The stream ends with a balance update: once it is seen, every repeat was processed.
        await subject.wait_for_event(BalanceUpdated, timeout=WAIT)
        events = assert_event_sequence(subject, client_order_id, FILLED[:1] + [
            "OrderFilled"] * len(exp(subject, "fills")) + ["OrderCompleted"])
        fills = [e.fill for e in events if isinstance(e, OrderFilled)]
        problems = fills_as_expected(fills, exp(subject, "fills"), inp(subject, "order")["side"])
        assert not problems, "fills differ from the exchange's (a repeated report counted " \
                             "again?):\n  " + "\n  ".join(problems)
        completed = subject.events_of(OrderCompleted, client_order_id)[0]
        assert completed.executed_amount == dec(exp(subject, "executed_amount")), \
            f"OrderCompleted.executed_amount {completed.executed_amount}, expected " \
            f"{exp(subject, 'executed_amount')}"
