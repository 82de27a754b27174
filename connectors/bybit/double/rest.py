"""Answers to Bybit v5's REST endpoints from the in-memory exchange (category=spot).

Each handler takes the parsed request and returns the `result` object, or raises
`BybitError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.bybit.double import render
from connectors.bybit.double.validate import BybitError, Parsed, decimal_param, on_grid
from harness.double import (
    Exchange,
    MarketSpec,
    Order,
    Rejection,
    RejectReason,
    TimeInForce,
    Trade,
)
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

CATEGORY = "spot"
SIDES = {"Buy": TradeSide.BUY, "Sell": TradeSide.SELL}
SPOT_BOOK_LIMIT = 50
NOT_FOUND = BybitError(170213, "Order does not exist.", invalid=False)


@dataclass
class Context:
    """What the double remembers besides the exchange: post-only orders, and the book
    sequence numbers (`u`) it has given out per market."""

    post_only: set[int] = field(default_factory=set)
    last_on_created: dict[str, Decimal | None] = field(default_factory=dict)
    """The market's last price when each order was placed (lastPriceOnCreated), by
    orderLinkId (known before the exchange pushes the new order)."""
    books: dict[TradingPair, BookSequence] = field(default_factory=dict)
    category: str = CATEGORY
    """The product the double serves (spot here; the linear double says linear)."""
    book_limit: int = SPOT_BOOK_LIMIT

    def order_facts(self, order: Order) -> render.OrderFacts:
        return render.OrderFacts(order.order_id in self.post_only,
                                 self.last_on_created.get(order.client_order_id))

    def sequence(self, pair: TradingPair) -> BookSequence:
        return self.books.setdefault(pair, BookSequence())

    def order_json(self, order: Order, symbol: str, *, category: str | None = None) -> Any:
        """An order as realtime and the `order` topic show it (the linear double adds the
        position fields)."""
        return render.order(order, symbol, self.order_facts(order), category=category)

    def execution_json(self, trade: Trade, order: Order, symbol: str, *,
                       category: str | None = None) -> Any:
        """An execution as execution/list and the `execution` topic show it."""
        return render.execution(trade, order, symbol, category=category)


class BookSequence:
    """Bybit's `u` for a market: one per message, in sequence. The exchange numbers every
    changed level instead, so each of its update ids is mapped to a `u` the first time a
    delta or a snapshot shows it."""

    def __init__(self) -> None:
        self.last = 0
        self._by_update: dict[int, int] = {}
        self._highest = -1

    def u_for(self, update_id: int) -> int:
        if update_id < self._highest:  # the exchange was reset: its ids start again
            self._by_update.clear()
        self._highest = update_id
        if update_id not in self._by_update:
            self.last += 1
            self._by_update[update_id] = self.last
        return self._by_update[update_id]


Handler = Callable[[Parsed, Exchange, Context], Any]


def _category(parsed: Parsed, ctx: Context) -> None:
    if parsed.get("category") != ctx.category:
        raise BybitError(10001, "Illegal category",
                         reason=f"category {parsed.get('category')!r}: this double is "
                                f"{ctx.category}")


def market(exchange: Exchange, symbol: str | None) -> MarketSpec:
    spec = exchange.market_by_symbol(symbol or "")
    if spec is None:
        raise BybitError(170121, "Invalid symbol.")
    return spec


# -- public ------------------------------------------------------------------------------------
def server_time(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    now = exchange.now()
    return {"timeSecond": str(now // 1000), "timeNano": str(now * 1_000_000)}


def system_status(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    return {"list": []}


def instruments(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    specs = exchange.markets()
    if parsed.get("symbol") is not None:
        specs = [market(exchange, parsed.get("symbol"))]
    return {"category": ctx.category,
            "list": [render.instrument(spec, index) for index, spec in enumerate(specs, 1)
                     if spec.status.value == "TRADING"]}


def depth(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    spec = market(exchange, parsed.get("symbol"))
    limit = int(parsed.get("limit") or "1")
    if not 1 <= limit <= ctx.book_limit:
        raise BybitError(10001, f"params error: limit must be 1-{ctx.book_limit} for "
                                f"{ctx.category}")
    snapshot = exchange.snapshot(spec.pair, limit)
    now = exchange.now()
    return {"s": spec.symbol, "b": render.levels(snapshot.bids),
            "a": render.levels(snapshot.asks), "ts": now,
            "u": ctx.sequence(spec.pair).u_for(snapshot.update_id)}


def prices(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    specs = exchange.markets() if parsed.get("symbol") is None \
        else [market(exchange, parsed.get("symbol"))]
    entries = []
    for spec in specs:
        book = exchange.book(spec.pair)
        bid, ask = book.best(TradeSide.BUY), book.best(TradeSide.SELL)
        last = render.dec(exchange.last_price(spec.pair))
        entries.append({"symbol": spec.symbol, "bid1Price": render.dec(bid), "bid1Size": "0",
                        "ask1Price": render.dec(ask), "ask1Size": "0", "lastPrice": last,
                        "prevPrice24h": last, "price24hPcnt": "0", "highPrice24h": last,
                        "lowPrice24h": last, "turnover24h": "0", "volume24h": "0",
                        "usdIndexPrice": last})
    return {"category": ctx.category, "list": entries}


# -- orders ------------------------------------------------------------------------------------
def place(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    spec = market(exchange, parsed.get("symbol"))
    side = SIDES.get(parsed.get("side") or "")
    if side is None:
        raise BybitError(170117, "Invalid side.")
    kind, tif_text = parsed.get("orderType"), parsed.get("timeInForce")
    if kind not in ("Limit", "Market"):
        raise BybitError(170116, "Invalid orderType.")
    if tif_text not in (None, "GTC", "IOC", "FOK", "PostOnly"):
        raise BybitError(170115, "Invalid timeInForce.")
    qty, price = decimal_param(parsed, "qty"), decimal_param(parsed, "price")
    assert qty is not None  # required by the endpoint
    by_quote = kind == "Market" and side is TradeSide.BUY \
        and parsed.get("marketUnit") != "baseCoin"
    order_type, tif = _shape(kind, tif_text, price)
    if kind == "Limit" and price is not None and not on_grid(price, spec.tick_size):
        raise BybitError(170134, "Order price decimal too long.")
    if not by_quote and not on_grid(qty, spec.step_size):
        raise BybitError(170148 if kind == "Market" else 170137,
                         "Market order amount decimal too long" if kind == "Market"
                         else "Order volume decimal too long")
    link_id = parsed.get("orderLinkId") or f"dbl{exchange.now()}"
    ctx.last_on_created[link_id] = exchange.last_price(spec.pair)
    if exchange.order(client_order_id=link_id, pair=spec.pair) is not None:
        raise BybitError(170141, "Duplicate clientOrderId")
    result = exchange.place(link_id, spec.pair, side, order_type,
                            None if by_quote else qty, price,
                            quote_qty=qty if by_quote else None, time_in_force=tif)
    if isinstance(result, Rejection):
        raise _refusal(result, kind)
    if tif_text == "PostOnly":
        ctx.post_only.add(result.order_id)
    return {"orderId": render.order_id(result), "orderLinkId": result.client_order_id}


def _shape(kind: str | None, tif: str | None, price: Decimal | None
           ) -> tuple[OrderType, TimeInForce | None]:
    if kind == "Market":
        return OrderType.MARKET, None
    if price is None:
        raise BybitError(170105, "Parameter 'price' was empty.")
    if tif == "PostOnly":
        return OrderType.LIMIT_MAKER, None
    return OrderType.LIMIT, TimeInForce(tif or "GTC")


_REFUSALS: dict[RejectReason, tuple[int, str, bool]] = {
    RejectReason.INSUFFICIENT_BALANCE: (170131, "Balance insufficient", False),
    RejectReason.WOULD_TAKE: (170218, "The LIMIT-MAKER order is rejected due to invalid "
                                      "price.", False),
    RejectReason.MIN_NOTIONAL: (170140, "Order value exceeded lower limit", True),
    RejectReason.LOT_SIZE: (170136, "Order quantity lower than the minimum.", True),
    RejectReason.PRICE_FILTER: (170134, "Order price decimal too long.", True),
    RejectReason.MARKET_CLOSED: (170151, "The trading pair is not open yet", False),
    RejectReason.DUPLICATE_CLIENT_ID: (170141, "Duplicate clientOrderId", True),
    RejectReason.NO_LIQUIDITY: (170210, "New order rejected.", False),
}


def _refusal(result: Rejection, kind: str | None) -> BybitError:
    code, message, blame = _REFUSALS.get(result.reason, (170210, "New order rejected.", True))
    # A market order's value depends on the book at arrival, which the client may not have
    # seen yet: refused, not blamed.
    if kind == "Market" and result.reason is RejectReason.MIN_NOTIONAL:
        blame = False
    return BybitError(code, message, invalid=blame, reason=f"{message} ({result.message})")


def _find(parsed: Parsed, exchange: Exchange, spec: MarketSpec | None) -> Order | None:
    pair = spec.pair if spec is not None else None
    if parsed.get("orderId") is not None:
        number = render.exchange_order_id(parsed.get("orderId") or "")
        return exchange.order(number, pair=pair) if number is not None else None
    if parsed.get("orderLinkId") is not None:
        return exchange.order(client_order_id=parsed.get("orderLinkId"), pair=pair)
    raise BybitError(10001, "params error: orderId or orderLinkId is required")


def cancel(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    spec = market(exchange, parsed.get("symbol"))
    order = _find(parsed, exchange, spec)
    if order is None or not order.is_open:
        raise NOT_FOUND
    result = exchange.cancel(order.order_id, pair=spec.pair)
    if isinstance(result, Rejection):
        raise NOT_FOUND
    return {"orderId": render.order_id(result), "orderLinkId": result.client_order_id}


def cancel_all(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    specs = exchange.markets() if parsed.get("symbol") is None \
        else [market(exchange, parsed.get("symbol"))]
    done = [order for spec in specs for order in exchange.cancel_all(spec.pair)]
    return {"list": [{"orderId": render.order_id(o), "orderLinkId": o.client_order_id}
                     for o in done], "success": "1"}


def status(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    spec = market(exchange, parsed.get("symbol")) if parsed.get("symbol") else None
    if parsed.get("orderId") is None and parsed.get("orderLinkId") is None:
        found = exchange.open_orders(spec.pair if spec is not None else None)
    else:
        one = _find(parsed, exchange, spec)
        found = [one] if one is not None else []
    return {"list": [ctx.order_json(o, _symbol(exchange, o)) for o in reversed(found)],
            "nextPageCursor": "", "category": ctx.category}


def trades(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    spec = market(exchange, parsed.get("symbol")) if parsed.get("symbol") else None
    if parsed.get("orderId") is not None or parsed.get("orderLinkId") is not None:
        order = _find(parsed, exchange, spec)
        chosen = exchange.trades(order.order_id) if order is not None else []
    else:
        chosen = exchange.trades(pair=spec.pair if spec is not None else None)
    entries = []
    for trade in reversed(chosen):  # newest first
        order = exchange.order(trade.order_id)
        if order is not None:
            entries.append(ctx.execution_json(trade, order, _symbol(exchange, order)))
    return {"nextPageCursor": "", "category": ctx.category, "list": entries}


def balances(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    if parsed.get("accountType") != "UNIFIED":
        raise BybitError(10001, "accountType only support UNIFIED.")
    shown = [b for b in exchange.balances().values() if b.free or b.locked]
    return {"list": [render.wallet_account(shown)]}


def account_info(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    # The double's account is a unified trading account (wallet-balance accountType
    # UNIFIED): unifiedMarginStatus 5 is UTA 2.0 in account/info's enum.
    return {"marginMode": "REGULAR_MARGIN", "updatedTime": str(exchange.now()),
            "unifiedMarginStatus": 5, "dcpStatus": "OFF", "timeWindow": 10, "smpGroup": 0,
            "isMasterTrader": False, "spotHedgingStatus": "OFF"}


def fee_rate(parsed: Parsed, exchange: Exchange, ctx: Context) -> Any:
    _category(parsed, ctx)
    specs = exchange.markets()
    if parsed.get("symbol") is not None:
        specs = [market(exchange, parsed.get("symbol"))]
    return {"list": [{"symbol": spec.symbol, "baseCoin": spec.pair.base,
                      "takerFeeRate": render.dec(spec.taker_fee),
                      "makerFeeRate": render.dec(spec.maker_fee)} for spec in specs]}


def _symbol(exchange: Exchange, order: Order) -> str:
    spec = exchange.market(order.pair)
    return spec.symbol if spec is not None else order.pair.base + order.pair.quote


HANDLERS: dict[str, Handler] = {
    "time": server_time, "ping": system_status, "instruments": instruments, "depth": depth,
    "prices": prices, "place": place, "cancel": cancel, "cancel_all": cancel_all,
    "status": status, "trades": trades, "balances": balances,
    "account_info": account_info, "fee_rate": fee_rate,
}
