"""Exchange-neutral in-memory exchange and the loopback server exchange doubles run in.

Layering: market/orders/events/accounts/book -> validation/settlement/matching -> engine ->
exchange (pure, synchronous); faults and requestlog are plain data; wire (the seam a
connector's double implements) -> ws -> server (sockets). Nothing here names an exchange.
"""

from harness.double.accounts import Account, InsufficientFunds
from harness.double.book import Book, Entry
from harness.double.clock import ClockLike, ms_clock
from harness.double.events import (
    AssetBalance,
    BalanceDelta,
    BalancesChanged,
    BookDelta,
    ExchangeEvent,
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderRejected,
    OrderTraded,
    PublicTrade,
)
from harness.double.exchange import Exchange, levels
from harness.double.faults import (
    AppliedFault,
    FaultPlan,
    HttpFault,
    HttpFaultKind,
    WsFault,
    WsFaultKind,
)
from harness.double.invariants import check_exchange
from harness.double.market import MarketSpec, MarketStatus
from harness.double.orders import (
    Order,
    OrderStatus,
    Rejection,
    RejectReason,
    TimeInForce,
    Trade,
)
from harness.double.requestlog import Channel, LoggedRequest, RequestLog
from harness.double.server import DoubleServer
from harness.double.wire import BaseWireFormat, DoubleRequest, DoubleResponse, WireFormat
from harness.double.ws import DoubleWsConnection, Renderer

__all__ = [
    "Account",
    "AppliedFault",
    "AssetBalance",
    "BalanceDelta",
    "BalancesChanged",
    "BaseWireFormat",
    "Book",
    "BookDelta",
    "Channel",
    "ClockLike",
    "DoubleRequest",
    "DoubleResponse",
    "DoubleServer",
    "DoubleWsConnection",
    "Entry",
    "Exchange",
    "ExchangeEvent",
    "FaultPlan",
    "HttpFault",
    "HttpFaultKind",
    "InsufficientFunds",
    "LoggedRequest",
    "MarketSpec",
    "MarketStatus",
    "Order",
    "OrderAccepted",
    "OrderCanceled",
    "OrderEvent",
    "OrderExpired",
    "OrderRejected",
    "OrderStatus",
    "OrderTraded",
    "PublicTrade",
    "RejectReason",
    "Rejection",
    "Renderer",
    "RequestLog",
    "TimeInForce",
    "Trade",
    "WireFormat",
    "WsFault",
    "WsFaultKind",
    "check_exchange",
    "levels",
    "ms_clock",
]
