"""SPOT-ORD: placing orders: what is sent, what is reported, and unknown outcomes."""

from __future__ import annotations

import re
from typing import Any

from harness.checks import Severity, check
from harness.standard.enums import OrderState, OrderType
from harness.standard.events import (
    Event,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.subject import Subject, SubjectPlan
from suites.spot._support import (
    WAIT,
    assert_event_sequence,
    assert_params,
    carries_decimal,
    carries_value,
    client_chosen,
    dec,
    describe,
    exp,
    fills_as_expected,
    inp,
    order_events,
    place,
    request_log,
    same_route,
    served,
)


async def _placed_and_acknowledged(subject: Subject) -> str:
    """Place the scenario's order; check the request and the OrderCreated event."""
    await subject.connector.update_trading_rules()
    order = inp(subject, "order")
    client_order_id = await place(subject, order)
    sent = served(subject, "place")
    assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
    request = sent[0]
    assert_params(request, exp(subject, "request"), subject.expect.get("request_absent", ()),
                  client_chosen(subject))
    assert carries_value(request, client_order_id), (
        f"the placement request does not carry the client order id {client_order_id!r}: "
        f"{request.view.describe()[:200]}")
    assert carries_decimal(request, dec(order["amount"])), \
        f"the placement request does not carry the amount {order['amount']}"
    if "price" in order:
        assert carries_decimal(request, dec(order["price"])), \
            f"the placement request does not carry the price {order['price']}"
    pattern = subject.expect.get("client_order_id_pattern")
    if pattern:
        assert re.fullmatch(pattern, client_order_id), \
            f"client order id {client_order_id!r} does not match the exchange's {pattern}"
    created = subject.events_of(OrderCreated, client_order_id)
    assert len(created) == 1, f"expected one OrderCreated, got:\n" \
                              f"{describe(order_events(subject, client_order_id))}"
    event = created[0]
    want: dict[str, Any] = {"exchange_order_id": str(exp(subject, "exchange_order_id")),
                            "side": order["side"], "order_type": order["type"],
                            "amount": dec(order["amount"]),
                            "price": dec(order["price"]) if "price" in order else None}
    got = {name: getattr(event, name) for name in want}
    assert got == want, f"OrderCreated carries {got}, expected {want}"
    return client_order_id


async def _resting(subject: Subject) -> None:
    client_order_id = await _placed_and_acknowledged(subject)
    assert_event_sequence(subject, client_order_id, ["OrderCreated"])
    order = subject.connector.tracked_orders.get(client_order_id)
    assert order is not None and order.state is OrderState.OPEN, \
        f"a resting order must be tracked as OPEN, got {order}"


async def _filled_at_once(subject: Subject) -> None:
    client_order_id = await _placed_and_acknowledged(subject)
    events = assert_event_sequence(
        subject, client_order_id,
        ["OrderCreated", *["OrderFilled"] * len(exp(subject, "fills")), "OrderCompleted"])
    fills = [e.fill for e in events if isinstance(e, OrderFilled)]
    problems = fills_as_expected(fills, exp(subject, "fills"), inp(subject, "order")["side"])
    assert not problems, "fills differ from the exchange's:\n  " + "\n  ".join(problems)
    completed = events[-1]
    assert isinstance(completed, OrderCompleted)
    assert (completed.executed_amount, completed.executed_quote_amount) == (
        dec(exp(subject, "executed_amount")), dec(exp(subject, "executed_quote_amount"))), \
        f"OrderCompleted executed {completed.executed_amount} for " \
        f"{completed.executed_quote_amount}, expected {exp(subject, 'executed_amount')} for " \
        f"{exp(subject, 'executed_quote_amount')}"
    assert client_order_id not in subject.connector.tracked_orders, "a filled order is tracked"


@check("SPOT-ORD-1", "A LIMIT buy is sent signed with the right parameters and acknowledged",
       area="orders", scenario="place_limit_buy", order_types=[OrderType.LIMIT],
       severity=Severity.BLOCKER)
async def test_limit_buy_is_sent_and_acknowledged(subject: Subject) -> None:
    await _resting(subject)


@check("SPOT-ORD-2", "A LIMIT sell is sent with the right parameters and acknowledged",
       area="orders", scenario="place_limit_sell", order_types=[OrderType.LIMIT],
       severity=Severity.BLOCKER)
async def test_limit_sell_is_sent_and_acknowledged(subject: Subject) -> None:
    await _resting(subject)


@check("SPOT-ORD-3", "A LIMIT_MAKER order is sent as post-only and acknowledged",
       area="orders", scenario="place_limit_maker", order_types=[OrderType.LIMIT_MAKER])
async def test_limit_maker_is_sent_and_acknowledged(subject: Subject) -> None:
    await _resting(subject)


@check("SPOT-ORD-4", "A MARKET buy is sent as a market order; its fills and completion follow",
       area="orders", scenario="place_market_buy", order_types=[OrderType.MARKET],
       severity=Severity.CRITICAL)
async def test_market_buy_is_sent_and_filled(subject: Subject) -> None:
    await _filled_at_once(subject)


@check("SPOT-ORD-5", "A MARKET sell is sent as a market order; its fills and completion follow",
       area="orders", scenario="place_market_sell", order_types=[OrderType.MARKET],
       severity=Severity.CRITICAL)
async def test_market_sell_is_sent_and_filled(subject: Subject) -> None:
    await _filled_at_once(subject)


@check("SPOT-ORD-6", "Client order ids are unique, valid for the exchange, and sent",
       area="orders", scenario="place_two_orders")
async def test_client_order_ids_are_unique_and_valid(subject: Subject) -> None:
    await subject.connector.update_trading_rules()
    ids = [await place(subject, inp(subject, "order")) for _ in range(int(inp(subject, "count")))]
    assert len(set(ids)) == len(ids), f"client order ids repeat: {ids}"
    pattern = exp(subject, "client_order_id_pattern")
    for index, client_order_id in enumerate(ids, start=1):
        assert re.fullmatch(pattern, client_order_id), \
            f"client order id {client_order_id!r} does not match the exchange's {pattern}"
        sent = served(subject, f"place_{index}")
        assert len(sent) == 1 and carries_value(sent[0], client_order_id), \
            f"placement {index} does not carry its client order id {client_order_id!r}:\n" \
            f"{request_log(subject)}"
    created = [subject.events_of(OrderCreated, cid)[0].exchange_order_id for cid in ids]
    assert created == [str(i) for i in exp(subject, "exchange_order_ids")], \
        f"exchange order ids {created}, expected {exp(subject, 'exchange_order_ids')}"


async def _rejected(subject: Subject) -> None:
    await subject.connector.update_trading_rules()
    client_order_id = await place(subject, inp(subject, "order"))
    # The flow's request budget: a definite refusal is final, and sending the order again
    # spends weight and order count only to be refused again (or to place it after all).
    placements = served(subject, "place")
    assert placements and len(same_route(subject, placements[0])) == 1, (
        f"the refused order was sent {len(same_route(subject, placements[0])) if placements else 0}"
        f" times; a definite refusal must not be retried:\n{request_log(subject)}")
    events = assert_event_sequence(subject, client_order_id, ["OrderFailed"])
    failed = events[0]
    assert isinstance(failed, OrderFailed)
    assert failed.request_sent is True, "OrderFailed.request_sent is False for an order the " \
                                        "exchange refused"
    reason = subject.expect.get("reason_contains")
    if reason:
        assert reason.lower() in failed.reason.lower(), \
            f"OrderFailed.reason {failed.reason!r} does not say the exchange's {reason!r}"
    assert client_order_id not in subject.connector.tracked_orders, "a rejected order is tracked"
    order = subject.connector.get_order(client_order_id)
    assert order is not None and order.state is OrderState.FAILED, \
        f"get_order() of a rejected order: {order}"


@check("SPOT-ORD-7", "A rejected order gives OrderFailed and leaves no open order",
       area="orders", scenario="place_rejected", severity=Severity.CRITICAL)
async def test_rejected_order_fails_and_is_not_tracked(subject: Subject) -> None:
    await _rejected(subject)


@check("SPOT-ORD-8", "A LIMIT_MAKER order that would take liquidity is rejected with OrderFailed",
       area="orders", scenario="place_limit_maker_crossing", order_types=[OrderType.LIMIT_MAKER])
async def test_crossing_limit_maker_is_rejected(subject: Subject) -> None:
    await _rejected(subject)


async def _settled_by_status_poll(subject: Subject) -> None:
    connector = subject.connector
    await subject.start()
    # Note which interactions had been served when each event was emitted.
    seen: list[tuple[Event, set[str]]] = []
    connector.subscribe(lambda e: seen.append(
        (e, {r.interaction_id for r in subject.server.requests if r.interaction_id})))
    client_order_id = await place(subject, inp(subject, "order"))
    order = connector.get_order(client_order_id)
    assert order is not None, "the order is unknown to get_order() after place_order()"
    if not served(subject, "status"):
        assert order.state is OrderState.PENDING_CREATE, (
            f"after an unknown outcome, and before any status poll, the order must be "
            f"PENDING_CREATE, it is {order.state.value}")
    assert not subject.events_of(OrderFailed, client_order_id), (
        f"an unknown outcome is not a failure: {subject.events_of(OrderFailed, client_order_id)}")
    created = await subject.wait_for_event(OrderCreated, client_order_id, timeout=WAIT)
    assert created.exchange_order_id == str(exp(subject, "exchange_order_id")), \
        f"OrderCreated.exchange_order_id {created.exchange_order_id!r}, expected " \
        f"{exp(subject, 'exchange_order_id')!r} (from the status poll)"
    when = next(ids for event, ids in seen if event is created)
    assert "status" in when, "OrderCreated was emitted before any status poll answered"
    _sent_once(subject)
    assert client_order_id in connector.tracked_orders, "the order is no longer tracked"


def _sent_once(subject: Subject) -> None:
    placements = served(subject, "place")
    assert placements, f"the order was never sent:\n{request_log(subject)}"
    assert len(same_route(subject, placements[0])) == 1, \
        f"the order was sent more than once (a possible duplicate):\n{request_log(subject)}"


@check("SPOT-ORD-9", "After a 5xx the order stays PENDING_CREATE until a status poll settles it;"
       " it is sent once", area="orders", scenario="place_unknown_5xx",
       requires=["status_polling"], severity=Severity.CRITICAL)
async def test_server_error_is_settled_by_status_poll(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        await _settled_by_status_poll(subject)


@check("SPOT-ORD-10", "After a timeout the order stays PENDING_CREATE until a status poll "
       "settles it; it is sent once", area="orders", scenario="place_unknown_timeout",
       requires=["status_polling"], severity=Severity.CRITICAL)
async def test_timeout_is_settled_by_status_poll(subject_plan: SubjectPlan) -> None:
    # The placement is held unanswered: the connector gives up after its request timeout.
    async with subject_plan.replay(poll_interval=0.1, request_timeout=0.25) as subject:
        await _settled_by_status_poll(subject)


@check("SPOT-ORD-11", "An order the exchange never received fails after the lost-order "
       "threshold of not-found polls", area="orders", scenario="place_unknown_never_received",
       requires=["status_polling"])
async def test_order_never_received_fails_after_threshold(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(poll_interval=0.1) as subject:
        connector = subject.connector
        await subject.start()
        client_order_id = await place(subject, inp(subject, "order"))
        threshold = connector.config.lost_order_threshold
        failed = await subject.wait_for_event(OrderFailed, client_order_id, timeout=WAIT)
        assert failed.request_sent is True, "the request was sent: request_sent must be True"
        assert_event_sequence(subject, client_order_id, ["OrderFailed"])
        polls = len(served(subject, "status"))
        assert polls == threshold, (
            f"the order failed after {polls} not-found polls; the lost-order threshold is "
            f"{threshold}")
        _sent_once(subject)
