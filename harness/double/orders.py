"""Orders and trades as the in-memory exchange records them, and its neutral reasons."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"

    @property
    def is_terminal(self) -> bool:
        return self not in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class RejectReason(StrEnum):
    """Why the exchange refused a request; the wire layer maps each to its own error."""

    UNKNOWN_SYMBOL = "UNKNOWN_SYMBOL"
    MARKET_CLOSED = "MARKET_CLOSED"
    DUPLICATE_CLIENT_ID = "DUPLICATE_CLIENT_ID"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    PRICE_FILTER = "PRICE_FILTER"
    LOT_SIZE = "LOT_SIZE"
    MIN_NOTIONAL = "MIN_NOTIONAL"
    WOULD_TAKE = "WOULD_TAKE"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    NO_LIQUIDITY = "NO_LIQUIDITY"
    NOT_FOUND = "NOT_FOUND"
    """No order with that id (on that market)."""
    NOT_OPEN = "NOT_OPEN"
    """The order exists but is already in a terminal state (most exchanges say "unknown order")."""


@dataclass(frozen=True)
class Rejection:
    """A refused request: nothing changed in the exchange."""

    reason: RejectReason
    message: str


@dataclass(frozen=True)
class Order:
    """One of our orders at one moment (a new Order replaces it on every change).

    `qty` is the base quantity asked for; for a MARKET order placed by quote quantity it is
    the quantity the book could give at placement time. `locked` is what the order still
    holds of the account (quote for buys, base for sells).
    """

    order_id: int
    client_order_id: str
    pair: TradingPair
    side: TradeSide
    order_type: OrderType
    qty: Decimal
    price: Decimal | None
    quote_qty: Decimal | None
    time_in_force: TimeInForce | None
    status: OrderStatus
    executed_qty: Decimal
    executed_quote: Decimal
    locked: Decimal
    created_ms: int
    updated_ms: int

    @property
    def remaining(self) -> Decimal:
        return self.qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return not self.status.is_terminal

    @property
    def average_price(self) -> Decimal | None:
        return self.executed_quote / self.executed_qty if self.executed_qty else None


@dataclass(frozen=True)
class Trade:
    """One fill of one of our orders. Both our orders of a self-match share `trade_id`."""

    trade_id: int
    order_id: int
    client_order_id: str
    pair: TradingPair
    side: TradeSide
    price: Decimal
    qty: Decimal
    fee: Decimal
    fee_asset: str
    is_maker: bool
    time_ms: int

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty
