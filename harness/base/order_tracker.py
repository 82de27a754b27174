"""Order tracking: every report about an order, from any channel, goes through here.

The tracker owns the transitions and emits exactly one event per transition, fills before the
terminal event, never anything after a terminal state. Reports may arrive late, twice, or out
of order (a fill before the placement acknowledgement); the tracker makes them consistent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal

from harness.base.emitter import EventHub
from harness.standard.clock import Clock
from harness.standard.enums import OrderState
from harness.standard.events import (
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.standard.model import Fill, OrderUpdate, PlacementOutcome
from harness.standard.order import IllegalTransition, TrackedOrder

log = logging.getLogger(__name__)


class OrderTracker:
    def __init__(self, hub: EventHub, clock: Clock, lost_order_threshold: int) -> None:
        self._hub = hub
        self._clock = clock
        self._lost_threshold = lost_order_threshold
        self.orders: dict[str, TrackedOrder] = {}
        self.lost: set[str] = set()
        self.fill_terms: Callable[[TrackedOrder, Fill], Fill] = lambda order, fill: fill
        """What the connector adds to a new fill of `order` (perpetuals: position action,
        position side, leverage), once, whichever channel reported it."""

    # lookups -------------------------------------------------------------------
    @property
    def active(self) -> dict[str, TrackedOrder]:
        """Orders not terminal and not lost: the ones polled, cancelled by cancel_all."""
        return {cid: order for cid, order in self.orders.items()
                if not order.is_terminal and cid not in self.lost}

    def find(self, client_order_id: str | None, exchange_order_id: str | None
             ) -> TrackedOrder | None:
        if client_order_id and client_order_id in self.orders:
            return self.orders[client_order_id]
        if exchange_order_id:
            for order in self.orders.values():
                if order.exchange_order_id == exchange_order_id:
                    return order
        return None

    def start_tracking(self, order: TrackedOrder) -> None:
        self.orders[order.client_order_id] = order

    # outcomes of our own requests ---------------------------------------------
    def fail(self, order: TrackedOrder, reason: str, *, request_sent: bool) -> None:
        if order.is_terminal:
            return
        order.transition(OrderState.FAILED)
        self._hub.emit(OrderFailed(self._now(), order.client_order_id, reason, request_sent))

    def process_placement(self, order: TrackedOrder, outcome: PlacementOutcome) -> None:
        self._acknowledge(order, outcome.exchange_order_id)
        for fill in outcome.fills:
            self.process_fill(fill)
        self.process_update(OrderUpdate(order.client_order_id, outcome.exchange_order_id,
                                        outcome.state, outcome.timestamp))

    def process_not_found(self, order: TrackedOrder) -> None:
        """The exchange said it does not know the order; after N times, give up on it."""
        if order.is_terminal or order.client_order_id in self.lost:
            return
        order.not_found_count += 1
        if order.not_found_count < self._lost_threshold:
            return
        if order.state is OrderState.PENDING_CREATE:
            self.fail(order, f"the exchange never received the order (not found "
                             f"{order.not_found_count} times)", request_sent=True)
        else:
            log.warning("order %s is lost: not found %d times; its later fills still count",
                        order.client_order_id, order.not_found_count)
            self.lost.add(order.client_order_id)

    def begin_cancel(self, order: TrackedOrder) -> None:
        if order.state is OrderState.PENDING_CREATE:
            return
        order.transition(OrderState.PENDING_CANCEL)

    def cancel_refused(self, order: TrackedOrder) -> None:
        """A cancel that did not happen leaves the order as it was, and emits nothing."""
        if order.state is OrderState.PENDING_CANCEL:
            order.transition(self._working_state(order))

    # reports from the exchange -------------------------------------------------
    def process_fill(self, fill: Fill) -> None:
        order = self.find(fill.client_order_id, fill.exchange_order_id)
        if order is None:
            log.debug("fill %s belongs to an order this connector did not place", fill.trade_id)
            return
        if order.is_terminal:
            if fill.trade_id not in order.fills:
                log.warning("fill %s arrived after order %s was %s; ignored", fill.trade_id,
                            order.client_order_id, order.state.value)
            return
        self._acknowledge(order, fill.exchange_order_id)
        if fill.trade_id not in order.fills:
            fill = self.fill_terms(order, fill)
        try:
            added = order.add_fill(fill)
        except IllegalTransition as exc:
            log.error("%s", exc)
            return
        if not added:
            return
        self._revive(order)
        self._hub.emit(OrderFilled(self._now(), order.client_order_id, fill))
        if order.is_fully_executed:
            self._complete(order)
        elif order.state is OrderState.OPEN:
            order.transition(OrderState.PARTIALLY_FILLED)

    def missing_fills(self, update: OrderUpdate) -> bool:
        """True when the exchange reports more executed than the fills we know of."""
        order = self.find(update.client_order_id, update.exchange_order_id)
        if order is None or order.is_terminal or update.executed_amount is None:
            return False
        return update.executed_amount > order.executed_amount

    def process_update(self, update: OrderUpdate) -> None:
        order = self.find(update.client_order_id, update.exchange_order_id)
        if order is None or order.is_terminal:
            return
        order.not_found_count = 0
        self._revive(order)
        order.last_update_timestamp = update.timestamp
        state = update.state
        if state is OrderState.FAILED:
            if order.can_transition(OrderState.FAILED):
                self.fail(order, update.reason or "rejected by the exchange", request_sent=True)
                return
            # An order that already traded (or is being cancelled) cannot fail under the
            # standard: the exchange ended it, so it ends cancelled (raising would lose it).
            log.warning("order %s reported FAILED while %s; treated as cancelled",
                        order.client_order_id, order.state.value)
            state = OrderState.CANCELED
        self._acknowledge(order, update.exchange_order_id)
        if state is OrderState.FILLED:
            if not order.is_fully_executed:
                log.warning("order %s reported FILLED with %s of %s executed in known fills",
                            order.client_order_id, order.executed_amount, order.amount)
            self._complete(order)
        elif state is OrderState.CANCELED:
            order.transition(OrderState.CANCELED)
            self._hub.emit(OrderCancelled(self._now(), order.client_order_id,
                                          order.exchange_order_id))
        elif state is OrderState.PENDING_CANCEL and order.can_transition(state):
            order.transition(state)
        # OPEN and PARTIALLY_FILLED reports change nothing on their own: fills move the state.

    # internals -----------------------------------------------------------------
    def _acknowledge(self, order: TrackedOrder, exchange_order_id: str | None) -> None:
        if exchange_order_id and order.exchange_order_id is None:
            order.exchange_order_id = exchange_order_id
        if order.state is OrderState.PENDING_CREATE:
            order.transition(OrderState.OPEN)
            self._hub.emit(OrderCreated(
                self._now(), order.client_order_id, order.exchange_order_id or "",
                order.pair, order.side, order.order_type, order.amount, order.price))

    def _complete(self, order: TrackedOrder) -> None:
        order.transition(OrderState.FILLED)
        self._hub.emit(OrderCompleted(
            self._now(), order.client_order_id, order.exchange_order_id,
            order.executed_amount, order.executed_quote_amount, order.fees))

    def _revive(self, order: TrackedOrder) -> None:
        if order.client_order_id in self.lost:
            log.info("lost order %s reappeared", order.client_order_id)
            self.lost.discard(order.client_order_id)

    @staticmethod
    def _working_state(order: TrackedOrder) -> OrderState:
        partially = order.executed_amount > Decimal(0)
        return OrderState.PARTIALLY_FILLED if partially else OrderState.OPEN

    def _now(self) -> float:
        return self._clock.time()
