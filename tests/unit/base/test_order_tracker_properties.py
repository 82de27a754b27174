"""Property test of OrderTracker: whatever reports arrive, in whatever order, twice or late,
the events it emits stay consistent (hypothesis state machine)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from harness.base.emitter import EventHub
from harness.base.order_tracker import OrderTracker
from harness.standard.clock import ScaledClock
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.events import (
    TERMINAL_EVENT_TYPES,
    Event,
    OrderCompleted,
    OrderCreated,
    OrderEvent,
    OrderFilled,
)
from harness.standard.model import Fill, OrderUpdate, PlacementOutcome, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

PAIR = TradingPair("BTC", "USDT")
CIDS = ("c1", "c2")
AMOUNT = Decimal("1")
# Trade ids are drawn from a small pool so duplicates are frequent.
TRADES = {f"t{i}": Decimal(amount) for i, amount in enumerate(("0.25", "0.5", "0.25", "1", "0.1"))}


class TrackerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        hub = EventHub()
        self.events: list[Event] = []
        hub.subscribe(self.events.append)
        self.tracker = OrderTracker(hub, ScaledClock(start=0.0), lost_order_threshold=2)
        for cid in CIDS:
            self.tracker.start_tracking(TrackedOrder(cid, PAIR, TradeSide.SELL, OrderType.LIMIT,
                                                     AMOUNT, Decimal("10"), 0.0))

    def order(self, cid: str) -> TrackedOrder:
        return self.tracker.orders[cid]

    @rule(cid=st.sampled_from(CIDS), trade=st.sampled_from(sorted(TRADES)),
          by_exchange_id=st.booleans())
    def fill(self, cid: str, trade: str, by_exchange_id: bool) -> None:
        eid = f"e-{cid}"
        self.tracker.process_fill(Fill(f"{cid}-{trade}", "" if by_exchange_id else cid, eid,
                                       PAIR, TradeSide.SELL, Decimal("10"), TRADES[trade],
                                       TradeFee("USDT", Decimal("0.01")), 1.0))

    @rule(cid=st.sampled_from(CIDS), state=st.sampled_from(list(OrderState)),
          executed=st.none() | st.sampled_from([Decimal(0), Decimal("0.5"), AMOUNT]))
    def status_report(self, cid: str, state: OrderState, executed: Decimal | None) -> None:
        self.tracker.process_update(OrderUpdate(cid, f"e-{cid}", state, 1.0, executed))

    @rule(cid=st.sampled_from(CIDS),
          state=st.sampled_from([OrderState.OPEN, OrderState.FILLED, OrderState.CANCELED]))
    def placement_answer(self, cid: str, state: OrderState) -> None:
        if not self.order(cid).is_terminal:
            self.tracker.process_placement(self.order(cid),
                                           PlacementOutcome(f"e-{cid}", 1.0, state))

    @rule(cid=st.sampled_from(CIDS))
    def not_found(self, cid: str) -> None:
        self.tracker.process_not_found(self.order(cid))

    @rule(cid=st.sampled_from(CIDS), refused=st.booleans())
    def cancel(self, cid: str, refused: bool) -> None:
        order = self.order(cid)
        if order.is_terminal:
            return
        self.tracker.begin_cancel(order)
        if refused:
            self.tracker.cancel_refused(order)

    @precondition(lambda self: any(not self.order(cid).is_terminal for cid in CIDS))
    @rule(cid=st.sampled_from(CIDS))
    def placement_rejected(self, cid: str) -> None:
        order = self.order(cid)
        if order.state is OrderState.PENDING_CREATE:
            self.tracker.fail(order, "rejected", request_sent=True)

    @invariant()
    def events_of_each_order_are_consistent(self) -> None:
        for cid in CIDS:
            mine = [e for e in self.events
                    if isinstance(e, OrderEvent) and e.client_order_id == cid]
            kinds = [type(e) for e in mine]
            terminal = [i for i, e in enumerate(mine) if isinstance(e, TERMINAL_EVENT_TYPES)]
            assert len(terminal) <= 1, f"{cid}: two terminal events: {kinds}"
            if terminal:
                assert terminal[0] == len(mine) - 1, f"{cid}: events after terminal: {kinds}"
                assert self.order(cid).is_terminal
            else:
                assert not self.order(cid).is_terminal, f"{cid} terminal without an event"
            assert kinds.count(OrderCreated) <= 1, f"{cid}: created twice: {kinds}"
            fills = [e.fill for e in mine if isinstance(e, OrderFilled)]
            if fills:
                assert kinds[0] is OrderCreated, f"{cid}: a fill before creation: {kinds}"
            assert len({f.trade_id for f in fills}) == len(fills), f"{cid}: a fill twice"
            executed = sum((f.amount for f in fills), Decimal(0))
            assert executed <= AMOUNT
            assert executed == self.order(cid).executed_amount
            for event in mine:
                if isinstance(event, OrderCompleted):
                    assert event.executed_amount == executed


TrackerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=25,
                                            deadline=None)
test_tracker_events_stay_consistent = TrackerMachine.TestCase
