"""Events a connector emits. Each order transition emits exactly one of them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from harness.standard.enums import OrderType, PositionMode, PositionSide, TradeSide
from harness.standard.model import Fill, TradeFee
from harness.standard.pair import TradingPair


@dataclass(frozen=True)
class Event:
    timestamp: float


@dataclass(frozen=True)
class OrderEvent(Event):
    client_order_id: str


@dataclass(frozen=True)
class OrderCreated(OrderEvent):
    exchange_order_id: str
    pair: TradingPair
    side: TradeSide
    order_type: OrderType
    amount: Decimal
    price: Decimal | None


@dataclass(frozen=True)
class OrderFilled(OrderEvent):
    fill: Fill


@dataclass(frozen=True)
class OrderCompleted(OrderEvent):
    exchange_order_id: str | None
    executed_amount: Decimal
    executed_quote_amount: Decimal
    fees: tuple[TradeFee, ...]


@dataclass(frozen=True)
class OrderCancelled(OrderEvent):
    exchange_order_id: str | None


@dataclass(frozen=True)
class OrderFailed(OrderEvent):
    reason: str
    request_sent: bool


@dataclass(frozen=True)
class BalanceUpdated(Event):
    asset: str
    total: Decimal
    available: Decimal


@dataclass(frozen=True)
class PublicTradeObserved(Event):
    pair: TradingPair
    trade_id: str
    price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PositionUpdated(Event):
    pair: TradingPair
    side: PositionSide
    amount: Decimal
    entry_price: Decimal
    unrealized_pnl: Decimal
    leverage: int


@dataclass(frozen=True)
class FundingPayment(Event):
    pair: TradingPair
    amount: Decimal
    funding_rate: Decimal


@dataclass(frozen=True)
class FundingInfoUpdated(Event):
    pair: TradingPair
    index_price: Decimal
    mark_price: Decimal
    rate: Decimal
    next_funding_timestamp: float


@dataclass(frozen=True)
class PositionModeChanged(Event):
    """The answer to set_position_mode: one event per request, success or not."""

    mode: PositionMode
    success: bool
    message: str = ""


@dataclass(frozen=True)
class LeverageChanged(Event):
    """The answer to set_leverage: one event per request, success or not."""

    pair: TradingPair
    leverage: int
    success: bool
    message: str = ""


@dataclass(frozen=True)
class PositionLiquidated(Event):
    """The exchange liquidated or auto-deleveraged (ADL) part of a position."""

    pair: TradingPair
    side: PositionSide
    amount: Decimal
    price: Decimal
    reason: str


TERMINAL_EVENT_TYPES: tuple[type[OrderEvent], ...] = (OrderCompleted, OrderCancelled, OrderFailed)
