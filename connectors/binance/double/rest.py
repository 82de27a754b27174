"""Answers to the REST endpoints, from the in-memory exchange, in Binance's shapes.

Each handler takes the parsed request and returns the JSON body, or raises `BinanceError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.binance.double import errors as e
from connectors.binance.double import render
from connectors.binance.double.endpoints import SUPPORTED_ORDER_TYPES
from connectors.binance.double.validate import Parsed
from harness.double import Exchange, MarketSpec, Order, Rejection, RejectReason, TimeInForce
from harness.double.validation import check_order
from harness.standard.enums import OrderType, TradeSide

Handler = Callable[[Parsed, Exchange, "Context"], Any]
_UNSUPPORTED = ("stopPrice", "trailingDelta", "icebergQty", "pegPriceType", "pegOffsetValue",
                "pegOffsetType")
_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass
class Context:
    """What the double remembers besides the exchange: generated ids and cancel ids."""

    next_id: int = 1
    cancel_ids: dict[tuple[int, str, int], str] = field(default_factory=dict)
    """The id of the cancel request that ended an order (executionReport `c`), by order."""

    def new_client_id(self) -> str:
        """A 22-character id like the ones Binance generates ("6gCrw2kRUAF9CvJDGP16IP")."""
        number, digits = self.next_id, []
        self.next_id += 1
        while number:
            number, digit = divmod(number, len(_ID_ALPHABET))
            digits.append(_ID_ALPHABET[digit])
        return "dbl" + "".join(reversed(digits)).rjust(19, "0")

    def cancel_id_of(self, order: Order) -> str | None:
        return self.cancel_ids.get(order_key(order))


def order_key(order: Order) -> tuple[int, str, int]:
    """Orders ids restart when the exchange resets; this key does not repeat."""
    return order.order_id, order.client_order_id, order.created_ms


def market(exchange: Exchange, symbol: str | None) -> MarketSpec:
    spec = exchange.market_by_symbol(symbol or "")
    if spec is None:
        raise e.INVALID_SYMBOL
    return spec


def _check_status(parsed: Parsed, spec: MarketSpec) -> None:
    wanted = parsed.get("symbolStatus")
    if wanted is not None and wanted != render.symbol_status(spec):
        raise e.BinanceError(-1220, "The symbol's status does not match the requested "
                                    "symbolStatus.", invalid=False)


# -- public --------------------------------------------------------------------------------------
def ping(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    return {}


def server_time(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    return {"serverTime": exchange.now()}


def _symbols(parsed: Parsed, exchange: Exchange) -> list[MarketSpec] | None:
    """The markets named by `symbol` or `symbols` (a JSON array), or None for all."""
    if parsed.get("symbol") is not None and parsed.get("symbols") is not None:
        raise e.bad_combination()
    if parsed.get("symbol") is not None:
        return [market(exchange, parsed.get("symbol"))]
    if parsed.get("symbols") is None:
        return None
    try:
        names = json.loads(parsed.get("symbols"))
    except ValueError:
        raise e.illegal("symbols", '["SYMBOL",...]') from None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise e.illegal("symbols", '["SYMBOL",...]')
    return [market(exchange, name) for name in names]


def exchange_info(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    specs = _symbols(parsed, exchange)
    if specs is not None and parsed.get("symbolStatus") is not None:
        raise e.bad_combination()
    chosen = specs if specs is not None else exchange.markets()
    wanted = parsed.get("symbolStatus")
    return {"timezone": "UTC", "serverTime": exchange.now(), "rateLimits": render.RATE_LIMITS,
            "exchangeFilters": [],
            "symbols": [render.exchange_symbol(spec) for spec in chosen
                        if wanted is None or render.symbol_status(spec) == wanted]}


def depth(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    _check_status(parsed, spec)
    limit = parsed.get("limit") or 100
    if limit < 1:
        raise e.not_valid("limit")
    snapshot = exchange.snapshot(spec.pair, min(limit, 5000))
    return {"lastUpdateId": snapshot.update_id, "bids": render.levels(snapshot.bids),
            "asks": render.levels(snapshot.asks)}


def prices(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    specs = _symbols(parsed, exchange)
    for spec in specs or ():
        _check_status(parsed, spec)
    entries = [{"symbol": spec.symbol, "price": render.dec(exchange.last_price(spec.pair))}
               for spec in (specs if specs is not None else exchange.markets())]
    return entries[0] if parsed.get("symbol") is not None else entries


DAY_MS = 24 * 60 * 60 * 1000


def ticker_24hr(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    """The rolling 24 h statistics of each market, from the double's own trades (in the
    double every trade of a market is one of the account's) and its book's top."""
    specs = _symbols(parsed, exchange)
    for spec in specs or ():
        _check_status(parsed, spec)
    now = exchange.now()
    entries = []
    for spec in specs if specs is not None else exchange.markets():
        window = [t for t in exchange.trades(pair=spec.pair) if t.time_ms > now - DAY_MS]
        snapshot = exchange.snapshot(spec.pair, 1)
        entries.append(render.ticker_24hr(spec.symbol, window, exchange.last_price(spec.pair),
                                          snapshot, now - DAY_MS, now,
                                          mini=parsed.get("type") == "MINI"))
    return entries[0] if parsed.get("symbol") is not None else entries


# -- orders --------------------------------------------------------------------------------------
def place(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    kind = parsed.get("type")
    for name in _UNSUPPORTED:
        if parsed.get(name) is not None:
            raise e.not_required(name)
    if kind not in SUPPORTED_ORDER_TYPES:
        raise e.BinanceError(-2010, "Unsupported order combination",
                             reason=f"order type {kind} is not in the symbol's orderTypes")
    mode = parsed.get("selfTradePreventionMode")
    if mode not in (None, render.STP_MODE):
        raise e.not_valid("selfTradePreventionMode")
    order_type = OrderType(kind)
    qty, quote_qty, price = (parsed.get("quantity"), parsed.get("quoteOrderQty"),
                             parsed.get("price"))
    tif = _shape(parsed, order_type)
    side = TradeSide(parsed.get("side"))
    reference = exchange.book(spec.pair).best(
        TradeSide.SELL if side is TradeSide.BUY else TradeSide.BUY)
    problem = check_order(spec, order_type, qty, quote_qty, price, tif, reference)
    if problem is not None and problem.reason is not RejectReason.MARKET_CLOSED:
        raise _filter_error(problem, order_type, spec, price)
    client_id = parsed.get("newClientOrderId") or ctx.new_client_id()
    result = exchange.place(client_id, spec.pair, side, order_type, qty, price,
                            quote_qty=quote_qty, time_in_force=tif)
    if isinstance(result, Rejection):
        raise e.placement_refused(result, by_quote=quote_qty is not None,
                                  symbol=spec.symbol)
    resp_type = parsed.get("newOrderRespType") or (
        "ACK" if order_type is OrderType.LIMIT_MAKER else "FULL")
    if resp_type == "ACK":
        return render.order_ack(result, spec.symbol, result.created_ms)
    body = render.order_result(result, spec.symbol, result.created_ms)
    if resp_type == "FULL":
        body["fills"] = [render.fill(t) for t in exchange.trades(result.order_id)]
    return body


def _shape(parsed: Parsed, order_type: OrderType) -> TimeInForce | None:
    """The parameters each order type requires and refuses (rest-api.md, POST /api/v3/order)."""
    given = {name for name in ("timeInForce", "quantity", "quoteOrderQty", "price")
             if parsed.get(name) is not None}
    if order_type is OrderType.MARKET:
        for name in ("price", "timeInForce"):
            if name in given:
                raise e.not_required(name)
        if not given & {"quantity", "quoteOrderQty"}:
            raise e.one_of("quantity", "quoteOrderQty")
        if {"quantity", "quoteOrderQty"} <= given:
            raise e.bad_combination()
        return None
    needed = ("timeInForce", "quantity", "price") if order_type is OrderType.LIMIT \
        else ("quantity", "price")
    for name in needed:
        if name not in given:
            raise e.mandatory(name)
    for name in given - set(needed):
        raise e.not_required(name)
    tif = parsed.get("timeInForce")
    return TimeInForce(tif) if tif is not None else None


def _filter_error(problem: Rejection, order_type: OrderType, spec: MarketSpec,
                  price: Decimal | None) -> e.BinanceError:
    name = e.filter_name(problem.reason, spec.symbol)
    if name is None:  # a non-positive quoteOrderQty is the only shape check left
        return e.filter_failure("NOTIONAL", problem.message)
    # Refused as Binance does, but not blamed on the client: a MARKET order's notional
    # depends on the book at arrival, which the client may not have seen yet. (A price
    # outside minPrice..maxPrice is blamed: TradingRule carries the bounds.)
    market_notional = order_type is OrderType.MARKET and name in ("NOTIONAL", "MIN_NOTIONAL")
    return e.filter_failure(name, problem.message, invalid=not market_notional)


def _find(parsed: Parsed, exchange: Exchange, spec: MarketSpec) -> Order | None:
    order_id, client_id = parsed.get("orderId"), parsed.get("origClientOrderId")
    if order_id is None and client_id is None:
        raise e.one_of("orderId", "origClientOrderId")
    if order_id is not None and client_id is not None:
        found = exchange.order(order_id, pair=spec.pair)
        if found is not None and found.client_order_id != client_id:
            raise e.BinanceError(-2039, "Client order ID is not correct for this order ID.",
                                 invalid=False)
        return found
    return exchange.order(order_id, client_order_id=client_id, pair=spec.pair)


def cancel(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    order = _find(parsed, exchange, spec)
    if order is None or not order.is_open:
        raise e.CANCEL_UNKNOWN
    restriction = parsed.get("cancelRestrictions")
    if restriction is not None and restriction != f"ONLY_{order.status.value}":
        raise e.BinanceError(-2011, "Order was not canceled due to cancel restrictions.",
                             invalid=False)
    cancel_id = parsed.get("newClientOrderId") or ctx.new_client_id()
    ctx.cancel_ids[order_key(order)] = cancel_id
    result = exchange.cancel(order.order_id, pair=spec.pair)
    if isinstance(result, Rejection):
        raise e.CANCEL_UNKNOWN
    return render.cancel_report(result, spec.symbol, cancel_id, result.updated_ms)


def cancel_all(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    open_orders = exchange.open_orders(spec.pair)
    if not open_orders:
        raise e.CANCEL_UNKNOWN
    for order in open_orders:
        ctx.cancel_ids[order_key(order)] = ctx.new_client_id()
    return [render.cancel_report(order, spec.symbol, ctx.cancel_ids[order_key(order)],
                                 order.updated_ms)
            for order in exchange.cancel_all(spec.pair)]


def status(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    order = _find(parsed, exchange, spec)
    if order is None:
        raise e.NO_SUCH_ORDER
    return render.order_query(order, spec.symbol)


def trades(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    spec = market(exchange, parsed.get("symbol"))
    order_id, start, end = parsed.get("orderId"), parsed.get("startTime"), parsed.get("endTime")
    from_id, limit = parsed.get("fromId"), parsed.get("limit") or 500
    if order_id is not None and (start is not None or end is not None):
        raise e.bad_combination()
    if from_id is not None and (start is not None or end is not None):
        raise e.bad_combination()
    if not 1 <= limit <= 1000:
        raise e.not_valid("limit")
    found = exchange.trades(order_id) if order_id is not None else exchange.trades(pair=spec.pair)
    chosen = [t for t in found if t.pair == spec.pair
              and (from_id is None or t.trade_id >= from_id)
              and (start is None or t.time_ms >= start) and (end is None or t.time_ms <= end)]
    return [render.my_trade(t, spec.symbol) for t in chosen[:limit]]


def balances(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    every = exchange.balances().values()
    shown = [b for b in every if b.total] if parsed.get("omitZeroBalances") else list(every)
    specs = exchange.markets()
    maker = specs[0].maker_fee if specs else Decimal(0)
    taker = specs[0].taker_fee if specs else Decimal(0)
    return render.account(shown, maker, taker, exchange.now())


HANDLERS: dict[str, Handler] = {
    "ping": ping, "time": server_time, "exchange_info": exchange_info, "depth": depth,
    "prices": prices, "ticker_24hr": ticker_24hr, "place": place, "cancel": cancel,
    "cancel_all": cancel_all, "status": status, "trades": trades, "balances": balances,
}
