"""SPOT-CXL: cancelling: one event when it happens, none when it does not."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.enums import OrderState
from harness.standard.events import OrderCancelled, OrderCompleted, OrderFailed, OrderFilled
from harness.subject import Subject, SubjectPlan
from suites.spot._support import (
    QUIET,
    WAIT,
    assert_event_sequence,
    dec,
    describe,
    exp,
    fills_as_expected,
    inp,
    order_events,
    place,
    request_log,
    served,
    served_prefix,
    wait_terminal,
)


async def _open_order(subject: Subject) -> str:
    await subject.connector.update_trading_rules()
    return await place(subject, inp(subject, "order"))


@check("SPOT-CXL-1", "A cancel emits exactly one OrderCancelled", area="cancel",
       scenario="cancel_order", severity=Severity.BLOCKER)
async def test_cancel_emits_one_cancelled_event(subject: Subject) -> None:
    connector = subject.connector
    client_order_id = await _open_order(subject)
    result = await connector.cancel(client_order_id)
    assert result.client_order_id == client_order_id and result.success, \
        f"cancel() returned {result}, expected success"
    events = assert_event_sequence(subject, client_order_id, ["OrderCreated", "OrderCancelled"])
    assert events[-1].exchange_order_id == str(exp(subject, "exchange_order_id")), \
        f"OrderCancelled names exchange order {events[-1].exchange_order_id!r}"
    assert client_order_id not in connector.tracked_orders, "a cancelled order is still tracked"
    order = connector.get_order(client_order_id)
    assert order is not None and order.state is OrderState.CANCELED, f"get_order(): {order}"
    again = await connector.cancel(client_order_id)
    assert not again.success, f"cancelling a cancelled order reported success: {again}"
    assert len(served(subject, "cancel")) == 1, \
        f"a cancelled order was cancelled again on the exchange:\n{request_log(subject)}"
    assert len(subject.events_of(OrderCancelled, client_order_id)) == 1, "a second OrderCancelled"


@check("SPOT-CXL-2", "A cancel that fails keeps the order tracked and emits nothing",
       area="cancel", scenario="cancel_rejected", severity=Severity.CRITICAL)
async def test_failed_cancel_keeps_order_and_emits_nothing(subject: Subject) -> None:
    connector = subject.connector
    client_order_id = await _open_order(subject)
    for attempt in range(1, int(inp(subject, "attempts")) + 1):
        result = await connector.cancel(client_order_id)
        assert not result.success, f"attempt {attempt}: cancel() reported success: {result}"
        assert_event_sequence(subject, client_order_id, ["OrderCreated"])
        order = connector.tracked_orders.get(client_order_id)
        assert order is not None, f"attempt {attempt}: the order is no longer tracked"
        assert order.state is OrderState.OPEN, \
            f"attempt {attempt}: after a failed cancel the order is {order.state.value}, not OPEN"
    assert len(served_prefix(subject, "cancel_")) == int(inp(subject, "attempts"))


@check("SPOT-CXL-3", "An order the exchange does not know is not reported cancelled; it stays "
       "tracked until the lost-order threshold", area="cancel", scenario="cancel_unknown_order",
       severity=Severity.CRITICAL)
async def test_cancel_of_unknown_order_is_not_reported_cancelled(subject: Subject) -> None:
    connector = subject.connector
    client_order_id = await _open_order(subject)
    threshold = connector.config.lost_order_threshold
    for attempt in range(1, threshold + 1):
        result = await connector.cancel(client_order_id)
        assert not result.success, f"attempt {attempt}: cancel() of an order the exchange does " \
                                   f"not know reported success: {result}"
        events = order_events(subject, client_order_id)
        assert [type(e).__name__ for e in events] == ["OrderCreated"], \
            f"attempt {attempt}: events after not-found cancels:\n{describe(events)}"
        tracked = client_order_id in connector.tracked_orders
        if attempt < threshold:
            assert tracked, f"the order left tracked_orders after {attempt} not-found answers; " \
                            f"the lost-order threshold is {threshold}"
    assert client_order_id not in connector.tracked_orders, \
        f"after {threshold} not-found answers the order is lost and must leave tracked_orders"
    order = connector.get_order(client_order_id)
    assert order is not None and not order.is_terminal, \
        f"a lost order is not terminal (its later fills still count): {order}"


@check("SPOT-CXL-4", "cancel_all reports each order's own result", area="cancel",
       scenario="cancel_all", requires=["cancel_all"])
async def test_cancel_all_reports_each_order(subject: Subject) -> None:
    connector = subject.connector
    await connector.update_trading_rules()
    ids = [await place(subject, order) for order in inp(subject, "orders")]
    results = await connector.cancel_all(timeout=WAIT)
    by_id = {r.client_order_id: r.success for r in results}
    expected = dict(zip(ids, exp(subject, "results"), strict=True))
    assert by_id == expected, f"cancel_all() results {by_id}, expected {expected}"
    for client_order_id, success in expected.items():
        cancelled = subject.events_of(OrderCancelled, client_order_id)
        assert len(cancelled) == (1 if success else 0), \
            f"{client_order_id}: {len(cancelled)} OrderCancelled events, cancel success {success}"
        assert (client_order_id in connector.tracked_orders) is not success, \
            f"{client_order_id}: tracked={client_order_id in connector.tracked_orders} after a " \
            f"cancel with success={success}"


@check("SPOT-CXL-5", "The connector never cancels orders it did not place", area="cancel",
       scenario="trading_rules", severity=Severity.CRITICAL)
async def test_never_cancels_orders_it_did_not_place(subject: Subject) -> None:
    connector = subject.connector
    await connector.update_trading_rules()
    before = len(subject.server.requests)
    result = await connector.cancel("foreign-order-123")
    assert not result.success, f"cancel() of an id it never issued reported success: {result}"
    results = await connector.cancel_all(timeout=1.0)
    assert results == [], f"cancel_all() with no orders of its own returned {results}"
    assert len(subject.server.requests) == before, \
        f"requests were sent for orders this connector did not place:\n{request_log(subject)}"


@check("SPOT-CXL-6", "A cancel refused because the order already filled leaves it filled: its "
       "fills, then one OrderCompleted", area="cancel", scenario="cancel_filled_order",
       requires=["user_stream"], severity=Severity.CRITICAL)
async def test_cancel_of_a_filled_order_leaves_it_filled(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        connector = subject.connector
        await subject.start()
        client_order_id = await place(subject, inp(subject, "order"))
        result = await connector.cancel(client_order_id)
        assert not result.success, \
            f"cancel() reported success for an order the exchange says it does not hold " \
            f"(it had filled): {result}"
        await wait_terminal(subject, client_order_id)
        events = assert_event_sequence(subject, client_order_id,
                                       ["OrderCreated", "OrderFilled", "OrderCompleted"])
        fills = [e.fill for e in events if isinstance(e, OrderFilled)]
        problems = fills_as_expected(fills, exp(subject, "fills"), inp(subject, "order")["side"])
        assert not problems, "fills differ from the exchange's:\n  " + "\n  ".join(problems)
        completed = subject.events_of(OrderCompleted, client_order_id)[0]
        assert completed.executed_amount == dec(exp(subject, "executed_amount")), \
            f"OrderCompleted.executed_amount {completed.executed_amount}"
        assert not subject.events_of(OrderCancelled, client_order_id) \
            and not subject.events_of(OrderFailed, client_order_id), \
            f"a filled order was reported cancelled or failed:\n{describe(events)}"
        order = connector.get_order(client_order_id)
        assert order is not None and order.state is OrderState.FILLED, \
            f"get_order() after the fill: {order}"
        assert len(served(subject, "cancel")) == 1, \
            f"the refused cancel was sent again:\n{request_log(subject)}"
