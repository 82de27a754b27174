"""The REST endpoints the double serves: parameters with their Binance types (rest-api.md),
security, weight and the operation name faults and the request log use."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from connectors.binance import constants as c


class Kind(StrEnum):
    """Binance's parameter types."""

    STRING = "STRING"
    DECIMAL = "DECIMAL"
    LONG = "LONG"
    INT = "INT"
    BOOLEAN = "BOOLEAN"
    ENUM = "ENUM"


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind = Kind.STRING
    required: bool = False
    values: tuple[str, ...] = ()
    """The allowed values of an ENUM."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    operation: str
    params: tuple[Param, ...] = ()
    signed: bool = False
    weight: int = 1

    def spec(self, name: str) -> Param | None:
        return next((p for p in self.all_params if p.name == name), None)

    @property
    def all_params(self) -> tuple[Param, ...]:
        return self.params + (_SIGNED if self.signed else ())


_SIGNED = (Param("recvWindow", Kind.DECIMAL), Param("timestamp", Kind.LONG, True),
           Param("signature", Kind.STRING, True))
SYMBOL_STATUSES = ("TRADING", "HALT", "BREAK")
ORDER_TYPES = ("LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT",
               "TAKE_PROFIT_LIMIT", "LIMIT_MAKER")
SUPPORTED_ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET")
STP_MODES = ("NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH", "DECREMENT", "TRANSFER")
SYMBOL = Param("symbol", required=True)
_STATUS = Param("symbolStatus", Kind.ENUM, values=SYMBOL_STATUSES)

ENDPOINTS = (
    Endpoint("GET", c.PING_PATH, "ping"),
    Endpoint("GET", c.TIME_PATH, "time"),
    Endpoint("GET", c.EXCHANGE_INFO_PATH, "exchange_info", (
        Param("symbol"), Param("symbols"), Param("permissions"),
        Param("showPermissionSets", Kind.BOOLEAN), _STATUS), weight=20),
    Endpoint("GET", c.DEPTH_PATH, "depth", (SYMBOL, Param("limit", Kind.INT), _STATUS), weight=5),
    Endpoint("GET", c.TICKER_PRICE_PATH, "prices",
             (Param("symbol"), Param("symbols"), _STATUS), weight=2),
    # rest-api.md "24hr ticker price change statistics": weight 2 for one symbol, 80 for all.
    Endpoint("GET", c.TICKER_24HR_PATH, "ticker_24hr",
             (Param("symbol"), Param("symbols"), Param("type", Kind.ENUM, values=("FULL", "MINI")),
              _STATUS), weight=2),
    Endpoint("POST", c.ORDER_PATH, "place", (
        SYMBOL, Param("side", Kind.ENUM, True, ("BUY", "SELL")),
        Param("type", Kind.ENUM, True, ORDER_TYPES),
        Param("timeInForce", Kind.ENUM, values=("GTC", "IOC", "FOK")),
        Param("quantity", Kind.DECIMAL), Param("quoteOrderQty", Kind.DECIMAL),
        Param("price", Kind.DECIMAL), Param("newClientOrderId"),
        Param("strategyId", Kind.LONG), Param("strategyType", Kind.INT),
        Param("stopPrice", Kind.DECIMAL), Param("trailingDelta", Kind.LONG),
        Param("icebergQty", Kind.DECIMAL),
        Param("newOrderRespType", Kind.ENUM, values=("ACK", "RESULT", "FULL")),
        Param("selfTradePreventionMode", Kind.ENUM, values=STP_MODES),
        Param("pegPriceType", Kind.ENUM, values=("PRIMARY_PEG", "MARKET_PEG")),
        Param("pegOffsetValue", Kind.INT),
        Param("pegOffsetType", Kind.ENUM, values=("PRICE_LEVEL",))), signed=True),
    Endpoint("DELETE", c.ORDER_PATH, "cancel", (
        SYMBOL, Param("orderId", Kind.LONG), Param("origClientOrderId"),
        Param("newClientOrderId"),
        Param("cancelRestrictions", Kind.ENUM, values=("ONLY_NEW", "ONLY_PARTIALLY_FILLED"))),
        signed=True),
    Endpoint("DELETE", c.OPEN_ORDERS_PATH, "cancel_all", (SYMBOL,), signed=True),
    Endpoint("GET", c.ORDER_PATH, "status",
             (SYMBOL, Param("orderId", Kind.LONG), Param("origClientOrderId")),
             signed=True, weight=4),
    Endpoint("GET", c.MY_TRADES_PATH, "trades", (
        SYMBOL, Param("orderId", Kind.LONG), Param("startTime", Kind.LONG),
        Param("endTime", Kind.LONG), Param("fromId", Kind.LONG), Param("limit", Kind.INT)),
        signed=True, weight=20),
    Endpoint("GET", c.ACCOUNT_PATH, "balances", (Param("omitZeroBalances", Kind.BOOLEAN),),
             signed=True, weight=20),
)
_BY_ROUTE = {(e.method, e.path): e for e in ENDPOINTS}


def endpoint_for(method: str, path: str) -> Endpoint | None:
    """The endpoint a request is for, or None (no such route)."""
    return _BY_ROUTE.get((method.upper(), path.rstrip("/") or "/"))
