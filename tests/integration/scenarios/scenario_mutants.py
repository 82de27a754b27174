"""Broken Binance connectors, one bug each, for proving that the lifecycle machine bites.

Each subclasses the reference connector and breaks one thing the way real connectors get
it wrong; the machine must find every one of them and shrink it to a few steps.
"""

from __future__ import annotations

from typing import Any

from connectors.binance.connector import BinanceSpotConnector
from harness.base.hooks import UserMessage
from harness.base.stream import StreamConnection
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderState
from harness.standard.errors import OrderRejected, UnknownOutcome
from harness.standard.events import OrderCancelled, OrderFilled
from harness.standard.model import Fill, OrderUpdate, PlacementOutcome
from harness.standard.order import TrackedOrder


class DropsFillsBeforeAck(BinanceSpotConnector):
    """A fill that arrives while the placement request is still in flight is dropped, and
    its trade id remembered as handled, so the copy in the placement answer or a later
    trade query is skipped too."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self._handled: set[str] = set()
        process = self.orders.process_fill

        def process_fill(fill: Fill) -> None:
            if fill.trade_id in self._handled:
                return
            if fill.client_order_id in self._placing:
                self._handled.add(fill.trade_id)
                return
            process(fill)

        self.orders.process_fill = process_fill  # type: ignore[method-assign]


class DoubleCountsStreamFills(BinanceSpotConnector):
    """A fill the user stream delivers twice is reported twice (the dedupe is bypassed)."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self._seen: set[tuple[str, str]] = set()

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        items = super().parse_user_message(message)
        for item in items:
            if isinstance(item, Fill):
                key = (item.client_order_id, item.trade_id)
                if key in self._seen:
                    self._hub.emit(OrderFilled(self.clock.time(), item.client_order_id, item))
                self._seen.add(key)
        return items


class FailsTimedOutPlacements(BinanceSpotConnector):
    """A placement whose answer never comes is declared failed at once, although the
    exchange may well have accepted it: the order is lost."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except UnknownOutcome as exc:
            raise OrderRejected(f"gave up: {exc}") from exc


class ForgetsToResubscribe(BinanceSpotConnector):
    """After a reconnect the user stream is up (and says so) but never subscribed again."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self._subscribed_once = False

    async def subscribe_user_stream(self, connection: StreamConnection) -> None:
        if self._subscribed_once:
            return
        await super().subscribe_user_stream(connection)
        self._subscribed_once = True


class IgnoresPartialFills(BinanceSpotConnector):
    """Only a fill that completes the order is counted; partial fills are ignored."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        process = self.orders.process_fill

        def process_fill(fill: Fill) -> None:
            order = self.orders.find(fill.client_order_id, fill.exchange_order_id)
            if order is not None and order.executed_amount + fill.amount < order.amount:
                return
            process(fill)

        self.orders.process_fill = process_fill  # type: ignore[method-assign]


class CancelsTwice(BinanceSpotConnector):
    """A cancel confirmed by the REST answer and again by the stream emits two
    OrderCancelled events."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        process = self.orders.process_update

        def process_update(update: OrderUpdate) -> None:
            order = self.orders.find(update.client_order_id, update.exchange_order_id)
            if order is not None and order.state is OrderState.CANCELED \
                    and update.state is OrderState.CANCELED:
                self._hub.emit(OrderCancelled(self.clock.time(), order.client_order_id,
                                              order.exchange_order_id))
                return
            process(update)

        self.orders.process_update = process_update  # type: ignore[method-assign]


MUTANTS: dict[str, type[BinanceSpotConnector]] = {
    "drops_fills_before_ack": DropsFillsBeforeAck,
    "double_counts_stream_fills": DoubleCountsStreamFills,
    "fails_timed_out_placements": FailsTimedOutPlacements,
    "forgets_to_resubscribe": ForgetsToResubscribe,
    "ignores_partial_fills": IgnoresPartialFills,
    "cancels_twice": CancelsTwice,
}
