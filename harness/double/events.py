"""Typed, exchange-neutral events of the in-memory exchange, in the order they happened.

Every operation emits its events in this order: order events (accepted, each trade with
its public trade, the terminal event), then one BalancesChanged for the assets that moved,
then one BookDelta per market whose aggregated levels changed. The wire layer renders them
(for example into Binance's executionReport / outboundAccountPosition / depthUpdate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from harness.double.orders import Order, RejectReason, Trade
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

Level = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class ExchangeEvent:
    seq: int
    """Position in the exchange's event history since the last reset (1, 2, ...)."""
    time_ms: int


@dataclass(frozen=True)
class OrderEvent(ExchangeEvent):
    order: Order
    """The order as it is right after this event."""


@dataclass(frozen=True)
class OrderAccepted(OrderEvent):
    pass


@dataclass(frozen=True)
class OrderTraded(OrderEvent):
    trade: Trade

    @property
    def cumulative_qty(self) -> Decimal:
        return self.order.executed_qty

    @property
    def cumulative_quote(self) -> Decimal:
        return self.order.executed_quote


@dataclass(frozen=True)
class OrderCanceled(OrderEvent):
    pass


@dataclass(frozen=True)
class OrderExpired(OrderEvent):
    pass


@dataclass(frozen=True)
class OrderRejected(ExchangeEvent):
    """A refused placement (no order was created, so there is no order id)."""

    client_order_id: str
    pair: TradingPair
    side: TradeSide
    order_type: OrderType
    qty: Decimal | None
    price: Decimal | None
    reason: RejectReason
    message: str


@dataclass(frozen=True)
class AssetBalance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class BalancesChanged(ExchangeEvent):
    """New free/locked of every asset the operation touched (sorted by asset)."""

    balances: tuple[AssetBalance, ...]


@dataclass(frozen=True)
class BalanceDelta(ExchangeEvent):
    """A change outside trading (deposit, withdrawal, transfer); `delta` may be negative."""

    asset: str
    delta: Decimal
    balance: AssetBalance


@dataclass(frozen=True)
class BookDelta(ExchangeEvent):
    """Changed aggregated levels with their new quantity (0 = level removed).

    Each changed level consumes one update id, so `last_update_id - first_update_id + 1`
    is the number of levels in the delta, and consecutive deltas of a market continue
    (`first_update_id == previous last_update_id + 1`).
    """

    pair: TradingPair
    first_update_id: int
    last_update_id: int
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


@dataclass(frozen=True)
class PublicTrade(ExchangeEvent):
    pair: TradingPair
    trade_id: int
    price: Decimal
    qty: Decimal
    taker_side: TradeSide

    @property
    def buyer_is_maker(self) -> bool:
        return self.taker_side is TradeSide.SELL
