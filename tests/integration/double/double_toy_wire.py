"""A toy exchange wire format (JSON REST + JSON WS) to test DoubleServer end to end.

REST under /api: GET time, GET depth, POST order (JSON body), DELETE order, GET order,
GET balances, GET trades; every call needs header ``X-Key: secret`` (else invalid, 401).
WS: /ws/user pushes order and balance events, /ws/market pushes depth and trades; a frame
``{"op": "ping", "id": N}`` is answered ``{"id": N, "pong": true}``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from harness.double import (
    BalanceDelta,
    BalancesChanged,
    BaseWireFormat,
    BookDelta,
    DoubleRequest,
    DoubleResponse,
    DoubleWsConnection,
    Exchange,
    ExchangeEvent,
    HttpFault,
    HttpFaultKind,
    Order,
    OrderEvent,
    OrderTraded,
    PublicTrade,
    Rejection,
)
from harness.standard.enums import OrderType, TradeSide

_OPS = {
    ("GET", "/api/time"): "time",
    ("GET", "/api/depth"): "depth",
    ("POST", "/api/order"): "place",
    ("DELETE", "/api/order"): "cancel",
    ("GET", "/api/order"): "status",
    ("GET", "/api/balances"): "balances",
    ("GET", "/api/trades"): "trades",
}


def order_json(order: Order) -> dict[str, Any]:
    return {"orderId": order.order_id, "clientId": order.client_order_id,
            "status": order.status.value, "qty": str(order.qty),
            "executedQty": str(order.executed_qty), "executedQuote": str(order.executed_quote)}


def error(rejection: Rejection, status: int = 400) -> DoubleResponse:
    return DoubleResponse.json({"code": rejection.reason.value, "msg": rejection.message}, status)


class ToyWire(BaseWireFormat):
    def operation_for(self, request: DoubleRequest) -> str:
        return _OPS.get((request.method, request.path), "unknown")

    def validate(self, request: DoubleRequest) -> str | None:
        if request.header("X-Key") != "secret":
            return "missing or wrong X-Key"
        price = (request.json or {}).get("price") if isinstance(request.json, dict) else None
        if isinstance(price, str) and "." in price and len(price.split(".")[1]) > 2:
            return f"price {price} has more decimals than the tick size"
        return None

    async def handle_http(self, request: DoubleRequest, exchange: Exchange) -> DoubleResponse:
        if request.invalid_reason is not None:
            return DoubleResponse.json({"code": "AUTH", "msg": request.invalid_reason}, 401)
        op = request.operation
        if op == "unknown":
            return DoubleResponse.json({"code": "NO_ROUTE"}, 404)
        if op == "time":
            return DoubleResponse.json({"serverTime": exchange.now()})
        spec = exchange.market_by_symbol(request.param("symbol") or "")
        if op == "balances":
            return DoubleResponse.json(
                {a: {"free": b.free, "locked": b.locked} for a, b in exchange.balances().items()})
        if op == "place":
            body = request.json
            spec = exchange.market_by_symbol(body["symbol"])
            if spec is None:
                return DoubleResponse.json({"code": "UNKNOWN_SYMBOL"}, 400)
            result = exchange.place(
                body["clientId"], spec.pair, TradeSide(body["side"]), OrderType(body["type"]),
                _dec(body.get("qty")), _dec(body.get("price")),
                quote_qty=_dec(body.get("quoteQty")))
            return error(result) if isinstance(result, Rejection) \
                else DoubleResponse.json(order_json(result))
        if spec is None:
            return DoubleResponse.json({"code": "UNKNOWN_SYMBOL"}, 400)
        if op == "depth":
            snap = exchange.snapshot(spec.pair, int(request.param("limit") or 100))
            return DoubleResponse.json({"lastUpdateId": snap.update_id,
                                        "bids": [list(level) for level in snap.bids],
                                        "asks": [list(level) for level in snap.asks]})
        raw_id = request.param("orderId")
        order_id = int(raw_id) if raw_id else None
        client_id = request.param("clientId")
        if op == "cancel":
            result = exchange.cancel(order_id, client_order_id=client_id, pair=spec.pair)
            return error(result) if isinstance(result, Rejection) \
                else DoubleResponse.json(order_json(result))
        if op == "status":
            order = exchange.order(order_id, client_order_id=client_id, pair=spec.pair)
            return DoubleResponse.json({"code": "NOT_FOUND"}, 404) if order is None \
                else DoubleResponse.json(order_json(order))
        if op == "trades" and order_id is not None:
            return DoubleResponse.json([{"id": t.trade_id, "price": t.price, "qty": t.qty,
                                         "fee": t.fee, "feeAsset": t.fee_asset}
                                        for t in exchange.trades(order_id)])
        return DoubleResponse.json({"code": "NO_ROUTE"}, 404)

    def render_fault(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        codes = {HttpFaultKind.SERVER_ERROR: "INTERNAL", HttpFaultKind.RATE_LIMIT: "RATE",
                 HttpFaultKind.TIME_ERROR: "TIMESTAMP"}
        return DoubleResponse.json({"code": codes[fault.kind]}, fault.status)

    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        if conn.path == "/ws/user":
            conn.subscribe("user", render_user)
        elif conn.path == "/ws/market":
            conn.subscribe("market", render_market)
        else:
            conn.note(invalid=f"no stream at {conn.path}")
            await conn.close(4004, "no such stream")

    async def on_ws_message(self, conn: DoubleWsConnection, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            conn.note(operation="garbage", invalid="frame is not JSON")
            return
        conn.note(operation=str(frame.get("op")))
        if frame.get("op") == "ping":
            await conn.send_json({"id": frame.get("id"), "pong": True})


def render_user(event: ExchangeEvent) -> list[Any]:
    if isinstance(event, OrderTraded):
        return [{"e": "trade", "orderId": event.order.order_id, "tradeId": event.trade.trade_id,
                 "qty": event.trade.qty, "status": event.order.status.value,
                 "seq": event.seq}]
    if isinstance(event, OrderEvent):
        return [{"e": type(event).__name__, "orderId": event.order.order_id,
                 "status": event.order.status.value, "seq": event.seq}]
    if isinstance(event, BalancesChanged):
        return [{"e": "balances", "seq": event.seq,
                 "B": [{"a": b.asset, "f": b.free, "l": b.locked} for b in event.balances]}]
    if isinstance(event, BalanceDelta):
        return [{"e": "delta", "a": event.asset, "d": event.delta, "seq": event.seq}]
    return []


def render_market(event: ExchangeEvent) -> list[Any]:
    if isinstance(event, BookDelta):
        return [{"e": "depth", "U": event.first_update_id, "u": event.last_update_id,
                 "b": [list(level) for level in event.bids],
                 "a": [list(level) for level in event.asks]}]
    if isinstance(event, PublicTrade):
        return [f"trade {event.trade_id} {event.qty}@{event.price}"]
    return []


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
