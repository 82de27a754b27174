"""Mutants with one bug in placing, cancelling or tracking orders."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from connectors.binance import constants
from connectors.binance.connector import BinanceSpotConnector
from harness.base.client_ids import ClientOrderIdFactory
from harness.base.hooks import UserMessage
from harness.standard.enums import OrderState, OrderType, PositionAction, TradeSide
from harness.standard.errors import OrderRejected, UnknownOutcome
from harness.standard.events import TERMINAL_EVENT_TYPES, Event, OrderCancelled
from harness.standard.model import (
    CancellationResult,
    Fill,
    OrderUpdate,
    PlacementOutcome,
    TradeFee,
)
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule


class NoLocalRuleCheck(BinanceSpotConnector):
    """Orders below the minimum size or notional are sent to the exchange anyway."""

    def _local_problem(self, order: TrackedOrder, rule: TradingRule | None) -> str | None:
        return None if rule is not None else super()._local_problem(order, rule)


class ExchangeIdFromClientId(BinanceSpotConnector):
    """OrderCreated carries the client order id where the exchange's id belongs."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        outcome = await super().request_place_order(order)
        return replace(outcome, exchange_order_id=order.client_order_id)


class SellsAsBuys(BinanceSpotConnector):
    """Every order goes out as a BUY."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        return await super().request_place_order(replace(order, side=TradeSide.BUY))


class LimitMakerSentAsLimit(BinanceSpotConnector):
    """LIMIT_MAKER orders go out as plain LIMIT GTC orders (they may take liquidity)."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        if order.order_type is OrderType.LIMIT_MAKER:
            order = replace(order, order_type=OrderType.LIMIT)
        return await super().request_place_order(order)


class MarketAsLimit(BinanceSpotConnector):
    """MARKET orders go out as LIMIT orders at a made-up price."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        if order.order_type is OrderType.MARKET:
            order = replace(order, order_type=OrderType.LIMIT, price=Decimal("30000"))
        return await super().request_place_order(order)


class ReusesClientIds(BinanceSpotConnector):
    """The client order id counter restarts for every order."""

    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.NIL) -> str:
        self._ids = ClientOrderIdFactory(self.client_order_id_prefix,
                                         self.client_order_id_max_length,
                                         self.config.session_tag)
        return await super().place_order(pair, side, order_type, amount, price, position_action)


class TracksRejectedOrders(BinanceSpotConnector):
    """A rejection is taken for an unknown outcome: the order waits for a poll forever."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except OrderRejected as exc:
            raise UnknownOutcome(str(exc)) from exc


class RetriesUnknownPlacement(BinanceSpotConnector):
    """A placement with an unknown outcome is sent again (a possible duplicate order)."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except UnknownOutcome:
            return await super().request_place_order(order)


class UnknownOutcomeFails(BinanceSpotConnector):
    """A placement with an unknown outcome is reported failed (it may be live)."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except UnknownOutcome as exc:
            raise OrderRejected(str(exc)) from exc


class GivesUpAfterOneNotFound(BinanceSpotConnector):
    """The lost-order threshold is 1, whatever the configuration says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orders._lost_threshold = 1


class TwoTerminalEvents(BinanceSpotConnector):
    """Every terminal event (completed, cancelled, failed) is emitted twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        emit = self._hub.emit

        def twice(event: Event) -> None:
            emit(event)
            if isinstance(event, TERMINAL_EVENT_TYPES):
                emit(event)

        self._hub.emit = twice  # type: ignore[method-assign]


class CancelEventOnFailedCancel(BinanceSpotConnector):
    """Any answer to a cancel, even a refusal, is taken for a cancellation."""

    async def request_cancel(self, order: TrackedOrder) -> OrderUpdate:
        try:
            return await super().request_cancel(order)
        except Exception:
            return OrderUpdate(order.client_order_id, order.exchange_order_id,
                               OrderState.CANCELED, self.clock.time())


class CancelAllReportsSuccess(BinanceSpotConnector):
    """cancel_all() reports every order cancelled, whatever happened."""

    async def cancel_all(self, timeout: float) -> list[CancellationResult]:
        return [replace(result, success=True, reason=None)
                for result in await super().cancel_all(timeout)]


class CancelsForeignOrders(BinanceSpotConnector):
    """cancel() of an id it never issued sends a cancel to the exchange anyway."""

    async def cancel(self, client_order_id: str) -> CancellationResult:
        if client_order_id in self.orders.orders:
            return await super().cancel(client_order_id)
        pair = self.config.trading_pairs[0]
        try:
            await self._call("DELETE", constants.ORDER_PATH,
                             {"symbol": self._symbol(pair), "origClientOrderId": client_order_id},
                             signed=True)
        except Exception as exc:
            return CancellationResult(client_order_id, False, str(exc))
        return CancellationResult(client_order_id, True)


class PollingSkipsFills(BinanceSpotConnector):
    """Status polling never fetches the trades a status report says it missed."""

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        return []


class PollingFillSideInverted(BinanceSpotConnector):
    """Polled fills read `isBuyer` the wrong way round: a buy's fills are reported as sells."""

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        return [replace(fill, side=TradeSide.SELL if fill.side is TradeSide.BUY
                        else TradeSide.BUY)
                for fill in await super().request_order_fills(order)]


class PollingFillTimeInMilliseconds(BinanceSpotConnector):
    """Polled fills keep Binance's millisecond `time` where the standard wants seconds."""

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        return [replace(fill, timestamp=fill.timestamp * 1000)
                for fill in await super().request_order_fills(order)]


class PlacementFillsAsBuys(BinanceSpotConnector):
    """The fills in a placement response are reported as buys, whatever the order's side."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        outcome = await super().request_place_order(order)
        return replace(outcome, fills=tuple(replace(fill, side=TradeSide.BUY)
                                            for fill in outcome.fills))


class CancelledReportedAsFilled(BinanceSpotConnector):
    """A CANCELED status (REST or stream) is read as FILLED."""

    async def request_order_status(self, order: TrackedOrder) -> OrderUpdate:
        return self._misread(await super().request_order_status(order))

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [self._misread(item) if isinstance(item, OrderUpdate) else item
                for item in super().parse_user_message(message)]

    @staticmethod
    def _misread(update: OrderUpdate) -> OrderUpdate:
        if update.state is OrderState.CANCELED:
            return replace(update, state=OrderState.FILLED)
        return update


class IgnoresPartialFills(BinanceSpotConnector):
    """Stream fills of a partially filled order are dropped."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        items = super().parse_user_message(message)
        partial = any(isinstance(item, OrderUpdate)
                      and item.state is OrderState.PARTIALLY_FILLED for item in items)
        return [item for item in items if not (partial and isinstance(item, Fill))]


class DoubleCountsFills(BinanceSpotConnector):
    """REST trade ids get a suffix, so a trade seen on the stream and by REST counts twice."""

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        return [replace(fill, trade_id=f"{fill.trade_id}-rest")
                for fill in await super().request_order_fills(order)]


class FeeInQuoteAsset(BinanceSpotConnector):
    """Stream fills report their fee in the quote asset, whatever Binance charged."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [replace(item, fee=TradeFee(item.pair.quote, item.fee.amount))
                if isinstance(item, Fill) else item
                for item in super().parse_user_message(message)]


class StreamFillTimeInMilliseconds(BinanceSpotConnector):
    """Stream fills keep the execution report's millisecond `T` where seconds are due."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [replace(item, timestamp=item.timestamp * 1000) if isinstance(item, Fill)
                else item for item in super().parse_user_message(message)]


class DropsFillBeforeAck(BinanceSpotConnector):
    """A stream fill for an order not yet acknowledged is dropped."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        kept: list[UserMessage] = []
        for item in super().parse_user_message(message):
            if isinstance(item, Fill):
                order = self.orders.find(item.client_order_id, item.exchange_order_id)
                if order is not None and order.state is OrderState.PENDING_CREATE:
                    continue
            kept.append(item)
        return kept


class FailsLostOrders(BinanceSpotConnector):
    """An order not found N times is declared failed; its later fills are lost."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        not_found = self.orders.process_not_found

        def give_up(order: TrackedOrder) -> None:
            not_found(order)
            if order.client_order_id in self.orders.lost:
                self.orders.lost.discard(order.client_order_id)
                self.orders.fail(order, "lost", request_sent=True)

        self.orders.process_not_found = give_up  # type: ignore[method-assign]


class EventAfterTerminal(BinanceSpotConnector):
    """A late CANCELED report for a finished order still emits OrderCancelled."""

    async def _apply_update(self, update: OrderUpdate) -> None:
        order = self.orders.find(update.client_order_id, update.exchange_order_id)
        if order is not None and order.is_terminal and update.state is OrderState.CANCELED:
            self._hub.emit(OrderCancelled(self.clock.time(), order.client_order_id,
                                          order.exchange_order_id))
            return
        await super()._apply_update(update)
