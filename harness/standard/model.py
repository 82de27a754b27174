"""Value objects of the standard: fees, balances, fills, order and market updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from harness.standard.enums import OrderState, PositionAction, PositionSide, TradeSide
from harness.standard.pair import TradingPair


@dataclass(frozen=True)
class TradeFee:
    """The fee charged for one fill, in the asset the exchange charged it in."""

    asset: str
    amount: Decimal


@dataclass(frozen=True)
class Balance:
    total: Decimal
    available: Decimal


@dataclass(frozen=True)
class Fill:
    """One trade of one of our orders, as the exchange reported it (REST or stream)."""

    trade_id: str
    client_order_id: str
    exchange_order_id: str | None
    pair: TradingPair
    side: TradeSide
    price: Decimal
    amount: Decimal
    fee: TradeFee
    timestamp: float
    is_maker: bool | None = None
    # Perpetual fills (None on spot): what the fill did to which position, at what leverage.
    position_action: PositionAction | None = None
    position_side: PositionSide | None = None
    leverage: int | None = None

    @property
    def quote_amount(self) -> Decimal:
        return self.price * self.amount


@dataclass(frozen=True)
class OrderUpdate:
    """A change of an order's state reported by the exchange (REST status or stream).

    `client_order_id` or `exchange_order_id` identifies the order; `executed_amount`, when the
    exchange reports it, is the cumulative executed base amount and lets the base notice fills it
    has not yet seen.
    """

    client_order_id: str | None
    exchange_order_id: str | None
    state: OrderState
    timestamp: float
    executed_amount: Decimal | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PublicTrade:
    """A trade on the public tape of a market."""

    pair: TradingPair
    trade_id: str
    price: Decimal
    amount: Decimal
    side: TradeSide | None
    timestamp: float


@dataclass(frozen=True)
class BalanceChange:
    """A balance reported by a stream: absolute values for one asset."""

    asset: str
    total: Decimal
    available: Decimal


@dataclass(frozen=True)
class LastPrice:
    pair: TradingPair
    price: Decimal


@dataclass(frozen=True)
class CancellationResult:
    client_order_id: str
    success: bool
    reason: str | None = None


@dataclass(frozen=True)
class PlacementOutcome:
    """What the exchange said to a placement request that it accepted."""

    exchange_order_id: str
    timestamp: float
    state: OrderState = OrderState.OPEN
    fills: tuple[Fill, ...] = field(default_factory=tuple)
