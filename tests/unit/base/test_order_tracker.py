"""OrderTracker: one event per transition, fills before the terminal event, nothing after it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.base.emitter import EventHub
from harness.base.order_tracker import OrderTracker
from harness.standard.clock import ScaledClock
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.events import (
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.standard.model import Fill, OrderUpdate, PlacementOutcome, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

PAIR = TradingPair("BTC", "USDT")
S = OrderState


class Harness:
    def __init__(self, threshold: int = 3) -> None:
        self.hub = EventHub()
        self.events: list[Event] = []
        self.hub.subscribe(self.events.append)
        self.tracker = OrderTracker(self.hub, ScaledClock(start=0.0), threshold)

    def place(self, cid: str = "c1", amount: str = "1") -> TrackedOrder:
        order = TrackedOrder(cid, PAIR, TradeSide.BUY, OrderType.LIMIT, Decimal(amount),
                             Decimal("100"), 0.0)
        self.tracker.start_tracking(order)
        return order

    def kinds(self) -> list[str]:
        return [type(event).__name__ for event in self.events]


def fill(trade_id: str, amount: str, cid: str | None = "c1", eid: str | None = "e1") -> Fill:
    return Fill(trade_id, cid or "", eid, PAIR, TradeSide.BUY, Decimal("100"), Decimal(amount),
                TradeFee("USDT", Decimal("0.01")), 1.0)


def update(state: OrderState, cid: str | None = "c1", eid: str | None = "e1",
           executed: str | None = None, reason: str | None = None) -> OrderUpdate:
    return OrderUpdate(cid, eid, state, 1.0,
                       Decimal(executed) if executed is not None else None, reason)


@pytest.fixture
def h() -> Harness:
    return Harness()


def test_placement_acknowledged_emits_order_created_once(h: Harness) -> None:
    order = h.place()
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.process_update(update(S.OPEN))
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    assert h.kinds() == ["OrderCreated"]
    created = h.events[0]
    assert isinstance(created, OrderCreated)
    assert (created.client_order_id, created.exchange_order_id) == ("c1", "e1")
    assert order.state is S.OPEN and order.exchange_order_id == "e1"


def test_placement_that_filled_at_once_emits_fills_before_completion(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome(
        "e1", 1.0, S.FILLED, (fill("t1", "0.4"), fill("t2", "0.6"))))
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderFilled", "OrderCompleted"]
    completed = h.events[-1]
    assert isinstance(completed, OrderCompleted)
    assert completed.executed_amount == Decimal("1.0")
    assert completed.fees == (TradeFee("USDT", Decimal("0.02")),)


def test_a_fill_before_the_acknowledgement_creates_then_fills(h: Harness) -> None:
    order = h.place(amount="2")
    h.tracker.process_fill(fill("t1", "0.5"))
    assert h.kinds() == ["OrderCreated", "OrderFilled"]
    assert order.state is S.PARTIALLY_FILLED and order.exchange_order_id == "e1"
    # The late acknowledgement changes nothing.
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    assert h.kinds() == ["OrderCreated", "OrderFilled"]


def test_duplicate_fills_are_ignored(h: Harness) -> None:
    h.place(amount="2")
    for _ in range(3):
        h.tracker.process_fill(fill("t1", "0.5"))
    assert h.kinds() == ["OrderCreated", "OrderFilled"]


def test_fills_are_found_by_exchange_order_id_too(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.process_fill(fill("t1", "1", cid=None, eid="e1"))
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderCompleted"]


def test_fills_of_other_orders_are_ignored(h: Harness) -> None:
    h.place()
    h.tracker.process_fill(fill("t9", "1", cid="someone-else", eid="e999"))
    h.tracker.process_update(update(S.CANCELED, cid="someone-else", eid="e999"))
    assert h.events == []


def test_an_overfill_is_logged_and_not_counted(h: Harness, caplog: pytest.LogCaptureFixture
                                              ) -> None:
    order = h.place(amount="1")
    h.tracker.process_fill(fill("t1", "0.8"))
    h.tracker.process_fill(fill("t2", "0.8"))
    assert order.executed_amount == Decimal("0.8")
    assert h.kinds() == ["OrderCreated", "OrderFilled"]
    assert "would execute more than the order amount" in caplog.text


def test_nothing_is_emitted_after_a_terminal_state(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.process_update(update(S.CANCELED))
    before = h.kinds()
    h.tracker.process_update(update(S.CANCELED))
    h.tracker.process_update(update(S.FILLED))
    h.tracker.process_fill(fill("t1", "1"))
    h.tracker.fail(order, "late", request_sent=True)
    h.tracker.process_not_found(order)
    assert before == h.kinds() == ["OrderCreated", "OrderCancelled"]
    assert order.state is S.CANCELED


def test_each_terminal_report_emits_exactly_one_terminal_event(h: Harness) -> None:
    for cid, state, kind in (("a", S.FILLED, OrderCompleted), ("b", S.CANCELED, OrderCancelled),
                             ("c", S.FAILED, OrderFailed)):
        h.place(cid)
        h.tracker.process_update(update(state, cid=cid, eid=None, reason="no funds"))
        h.tracker.process_update(update(state, cid=cid, eid=None))
        assert len([e for e in h.events if isinstance(e, kind)]) == 1
    failed = next(e for e in h.events if isinstance(e, OrderFailed))
    assert failed.reason == "no funds" and failed.request_sent
    # A FAILED report straight from PENDING_CREATE never announces creation.
    assert [e.client_order_id for e in h.events if isinstance(e, OrderCreated)] == ["a", "b"]


def test_filled_report_without_all_fills_still_completes_and_warns(
        h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    order = h.place(amount="1")
    h.tracker.process_fill(fill("t1", "0.3"))
    h.tracker.process_update(update(S.FILLED, executed="1"))
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderCompleted"]
    assert order.state is S.FILLED
    assert "reported FILLED with 0.3 of 1 executed" in caplog.text


def test_missing_fills_compares_reported_and_known_execution(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_fill(fill("t1", "0.3"))
    assert h.tracker.missing_fills(update(S.PARTIALLY_FILLED, executed="0.5"))
    assert not h.tracker.missing_fills(update(S.PARTIALLY_FILLED, executed="0.3"))
    assert not h.tracker.missing_fills(update(S.PARTIALLY_FILLED))
    assert not h.tracker.missing_fills(update(S.OPEN, cid="x", eid="y", executed="9"))
    h.tracker.process_update(update(S.CANCELED))
    assert order.is_terminal
    assert not h.tracker.missing_fills(update(S.CANCELED, executed="0.5"))


def test_open_and_partial_reports_do_not_move_the_state(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.process_update(update(S.PARTIALLY_FILLED, executed="0.5"))
    assert order.state is S.OPEN
    h.tracker.process_update(update(S.PENDING_CANCEL))
    assert order.state is S.PENDING_CANCEL
    assert h.kinds() == ["OrderCreated"]


def test_a_refused_cancel_restores_the_state_and_emits_nothing(h: Harness) -> None:
    order = h.place(amount="2")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.begin_cancel(order)
    assert order.state is S.PENDING_CANCEL
    h.tracker.cancel_refused(order)
    assert order.state is S.OPEN
    h.tracker.process_fill(fill("t1", "1"))
    h.tracker.begin_cancel(order)
    h.tracker.cancel_refused(order)
    assert order.state is S.PARTIALLY_FILLED
    assert h.kinds() == ["OrderCreated", "OrderFilled"]
    # Refusing when no cancel is pending is a no-op.
    h.tracker.cancel_refused(order)
    assert order.state is S.PARTIALLY_FILLED


def test_cancelling_an_unacknowledged_order_keeps_it_pending_create(h: Harness) -> None:
    order = h.place()
    h.tracker.begin_cancel(order)
    assert order.state is S.PENDING_CREATE


def test_a_fill_during_a_pending_cancel_completes_the_order(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    h.tracker.begin_cancel(order)
    h.tracker.process_fill(fill("t1", "1"))
    h.tracker.process_update(update(S.CANCELED))
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderCompleted"]


def test_an_order_never_received_fails_after_n_not_found(h: Harness) -> None:
    order = h.place()
    h.tracker.process_not_found(order)
    h.tracker.process_not_found(order)
    assert order.state is S.PENDING_CREATE and h.events == []
    h.tracker.process_not_found(order)
    assert order.state is S.FAILED
    assert h.kinds() == ["OrderFailed"]
    failed = h.events[0]
    assert isinstance(failed, OrderFailed) and "not found 3 times" in failed.reason


def test_a_report_resets_the_not_found_count(h: Harness) -> None:
    order = h.place()
    h.tracker.process_not_found(order)
    h.tracker.process_not_found(order)
    h.tracker.process_update(update(S.OPEN))
    h.tracker.process_not_found(order)
    h.tracker.process_not_found(order)
    assert order.state is S.OPEN and "c1" not in h.tracker.lost


def test_an_open_order_not_found_becomes_lost_and_its_later_fills_count(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    for _ in range(3):
        h.tracker.process_not_found(order)
    assert "c1" in h.tracker.lost and "c1" not in h.tracker.active
    assert order.state is S.OPEN  # lost is not terminal: no event
    h.tracker.process_not_found(order)  # already lost: nothing more happens
    assert h.kinds() == ["OrderCreated"]
    h.tracker.process_fill(fill("t1", "1"))
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderCompleted"]
    assert "c1" not in h.tracker.lost


def test_a_lost_order_reappearing_in_a_report_is_tracked_again(h: Harness) -> None:
    order = h.place(amount="1")
    h.tracker.process_placement(order, PlacementOutcome("e1", 1.0))
    for _ in range(3):
        h.tracker.process_not_found(order)
    h.tracker.process_update(update(S.OPEN))
    assert "c1" in h.tracker.active


def test_fail_is_silent_on_a_terminal_order(h: Harness) -> None:
    order = h.place()
    h.tracker.fail(order, "below minimum", request_sent=False)
    h.tracker.fail(order, "again", request_sent=False)
    assert h.kinds() == ["OrderFailed"]
    failed = h.events[0]
    assert isinstance(failed, OrderFailed) and not failed.request_sent


def test_find_prefers_the_client_id_and_falls_back_to_the_exchange_id(h: Harness) -> None:
    first = h.place("c1")
    second = h.place("c2")
    second.exchange_order_id = "e2"
    assert h.tracker.find("c1", "e2") is first
    assert h.tracker.find(None, "e2") is second
    assert h.tracker.find("nope", None) is None
    assert h.tracker.find(None, None) is None


def test_order_filled_carries_the_fill(h: Harness) -> None:
    h.place(amount="1")
    h.tracker.process_fill(fill("t1", "0.25"))
    filled = h.events[1]
    assert isinstance(filled, OrderFilled) and filled.fill.trade_id == "t1"


def test_a_failed_report_on_a_traded_order_ends_it_cancelled(h: Harness) -> None:
    # Found by the property test: PARTIALLY_FILLED -> FAILED is not a legal transition, and
    # the tracker used to raise IllegalTransition out of the stream / polling loop.
    order = h.place(amount="1")
    h.tracker.process_fill(fill("t1", "0.5"))
    h.tracker.process_update(update(S.FAILED, reason="expired"))
    assert order.state is S.CANCELED
    assert h.kinds() == ["OrderCreated", "OrderFilled", "OrderCancelled"]
