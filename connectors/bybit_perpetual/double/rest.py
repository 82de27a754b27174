"""Bybit v5's linear answers: the endpoints whose linear form differs from spot's
(instruments, tickers, order/create, the unified wallet) and the ones only derivatives have
(position/list, set-leverage, switch-mode, market/funding/history, account/transaction-log).
The rest (time, book, cancel, cancel-all, realtime, execution/list) is the spot double's,
answered in the linear shapes through `LinearContext`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from connectors.bybit.double import render as spot_render
from connectors.bybit.double import rest as spot
from connectors.bybit.double.render import dec
from connectors.bybit.double.rest import Context, market
from connectors.bybit.double.validate import BybitError, Parsed, decimal_param, on_grid
from connectors.bybit_perpetual.double import render
from harness.double import Order, Rejection, RejectReason, Trade
from harness.double.perpetual import PerpetualExchange, PositionMode
from harness.double.positions import LONG, ONE_WAY, SHORT

LINEAR_BOOK_LIMIT = 200
ONE_WAY_MODE, HEDGE_MODE = 0, 3  # switch-mode's `mode`: merged single, both sides


@dataclass
class LinearContext(Context):
    """The spot context with category=linear, rendering orders and executions with the
    position fields of the exchange it serves."""

    category: str = render.CATEGORY
    book_limit: int = LINEAR_BOOK_LIMIT
    exchange: PerpetualExchange | None = field(default=None)

    def order_json(self, order: Order, symbol: str, *, category: str | None = None) -> Any:
        assert self.exchange is not None
        return render.order(self.exchange, order, symbol, self.order_facts(order),
                            category=category)

    def execution_json(self, trade: Trade, order: Order, symbol: str, *,
                       category: str | None = None) -> Any:
        assert self.exchange is not None
        return render.execution(self.exchange, trade, order, symbol, category=category)


def _perpetual(exchange: Any) -> PerpetualExchange:
    if not isinstance(exchange, PerpetualExchange):
        raise BybitError(10001, "Illegal category", reason="the linear double needs a "
                                                           "PerpetualExchange")
    return exchange


def instruments(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    specs = ex.markets() if parsed.get("symbol") is None \
        else [market(ex, parsed.get("symbol"))]
    return {"category": render.CATEGORY, "nextPageCursor": "",
            "list": [render.instrument(spec, index, ex.max_leverage)
                     for index, spec in enumerate(specs, 1)]}


def tickers(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    specs = ex.markets() if parsed.get("symbol") is None \
        else [market(ex, parsed.get("symbol"))]
    return {"category": render.CATEGORY, "list": [render.ticker(ex, spec) for spec in specs]}


def funding_history(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    """market/funding/history: the market's settled rates, newest first."""
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    spec = market(ex, parsed.get("symbol"))
    times = sorted({e.time_ms: e.rate for e in ex.funding_log if e.position.pair == spec.pair}
                   .items(), reverse=True)
    return {"category": render.CATEGORY,
            "list": [{"symbol": spec.symbol, "fundingRate": dec(rate),
                      "fundingRateTimestamp": str(at)} for at, rate in times]}


# -- orders ------------------------------------------------------------------------------------
_LINEAR_REFUSALS: dict[RejectReason, tuple[int, str, bool]] = {
    RejectReason.INSUFFICIENT_BALANCE: (110007, "Available balance is insufficient", False),
    RejectReason.WOULD_TAKE: (170218, "The LIMIT-MAKER order is rejected due to invalid "
                                      "price.", False),
    RejectReason.MIN_NOTIONAL: (110094, "Order notional value below the lower limit", True),
    RejectReason.LOT_SIZE: (10001, "The number of contracts exceeds minimum limit allowed",
                            True),
    RejectReason.PRICE_FILTER: (110003, "Order price exceeds the allowable range.", True),
    RejectReason.MARKET_CLOSED: (110023, "Currently you can only reduce your position on this "
                                         "contract.", False),
    RejectReason.DUPLICATE_CLIENT_ID: (110072, "OrderLinkedID is duplicate", True),
    RejectReason.NO_LIQUIDITY: (110007, "Available balance is insufficient", False),
}


def place(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    """order/create with category=linear: qty always in the base coin, a position index
    that must match the mode, reduce-only capped to the position (nothing to reduce:
    110017), margin checked against the available balance (110007)."""
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    spec = market(ex, parsed.get("symbol"))
    side = spot.SIDES.get(parsed.get("side") or "")
    if side is None:
        raise BybitError(10001, "params error: side invalid")
    kind, tif_text = parsed.get("orderType"), parsed.get("timeInForce")
    if kind not in ("Limit", "Market"):
        raise BybitError(10001, "params error: orderType invalid")
    if tif_text not in (None, "GTC", "IOC", "FOK", "PostOnly"):
        raise BybitError(10001, "params error: timeInForce invalid")
    if parsed.values.get("marketUnit") is not None:
        raise BybitError(10001, "params error: marketUnit is for spot only")
    qty, price = decimal_param(parsed, "qty"), decimal_param(parsed, "price")
    assert qty is not None
    order_type, tif = spot._shape(kind, tif_text, price)
    if kind == "Limit" and price is not None and not on_grid(price, spec.tick_size):
        raise BybitError(10001, "params error: price invalid (not a multiple of the tick size)")
    if not on_grid(qty, spec.step_size):
        raise BybitError(10001, "params error: Qty invalid (not a multiple of qtyStep)")
    index = _position_index(parsed, ex)
    reduce_only = _flag(parsed, "reduceOnly")
    close_on_trigger = _flag(parsed, "closeOnTrigger")
    link_id = parsed.get("orderLinkId") or f"dbl{ex.now()}"
    if ex.order(client_order_id=link_id, pair=spec.pair) is not None:
        raise BybitError(110072, "OrderLinkedID is duplicate")
    ctx.last_on_created[link_id] = ex.last_price(spec.pair)
    result = ex.place_perpetual(link_id, spec.pair, side, order_type, qty, price, index=index,
                                reduce_only=reduce_only, close_on_trigger=close_on_trigger,
                                time_in_force=tif)
    if isinstance(result, Rejection):
        raise _refusal(result, kind, reduce_only or close_on_trigger)
    if tif_text == "PostOnly":
        ctx.post_only.add(result.order_id)
    return {"orderId": spot_render.order_id(result), "orderLinkId": result.client_order_id}


def _position_index(parsed: Parsed, exchange: PerpetualExchange) -> int:
    raw = parsed.values.get("positionIdx", ONE_WAY)
    if not isinstance(raw, int) or isinstance(raw, bool) or raw not in (ONE_WAY, LONG, SHORT):
        raise BybitError(10001, "params error: positionIdx invalid")
    if (raw == ONE_WAY) != (exchange.mode is PositionMode.ONE_WAY):
        raise BybitError(10001, "position idx not match position mode",
                         reason=f"positionIdx {raw} in {exchange.mode.value.lower()} mode")
    return raw


def _flag(parsed: Parsed, name: str) -> bool:
    value = parsed.values.get(name, False)
    if not isinstance(value, bool):
        raise BybitError(10001, f"params error: {name} must be a boolean")
    return value


def _refusal(result: Rejection, kind: str | None, reducing: bool) -> BybitError:
    if result.reason is RejectReason.INVALID_PARAMETER and reducing:
        # Nothing to reduce: the reduce-only quantity truncates to zero. Not the client's
        # fault: a fill or a funding liquidation may have closed the position meanwhile.
        return BybitError(110017, "orderQty will be truncated to zero", invalid=False,
                          reason=f"orderQty will be truncated to zero ({result.message})")
    code, message, blame = _LINEAR_REFUSALS.get(result.reason,
                                                (10001, "Request parameter error", True))
    if kind == "Market" and result.reason is RejectReason.MIN_NOTIONAL:
        blame = False
    return BybitError(code, message, invalid=blame, reason=f"{message} ({result.message})")


# -- positions and settings ---------------------------------------------------------------------
def positions(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    """position/list: a symbol, or every position of a settle coin."""
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    if parsed.get("symbol") is None and parsed.get("settleCoin") is None:
        raise BybitError(10001, "params error: symbol or settleCoin is required")
    wanted = None if parsed.get("symbol") is None else market(ex, parsed.get("symbol")).pair
    entries = []
    for state in ex.positions.all():
        spec = ex.market(state.pair)
        if spec is not None and (wanted is None or state.pair == wanted) \
                and (state.signed or wanted is not None):
            entries.append(render.position(state, spec.symbol, ex.mark_price(state.pair)))
    return {"list": entries, "nextPageCursor": "", "category": render.CATEGORY}


def set_leverage(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    spec = market(ex, parsed.get("symbol"))
    buy, sell = parsed.get("buyLeverage"), parsed.get("sellLeverage")
    if buy != sell:
        raise BybitError(10001, "params error: buyLeverage must equal sellLeverage in "
                                "one-way mode and cross margin")
    try:
        leverage = Decimal(buy or "")
    except ArithmeticError:
        raise BybitError(10001, "params error: buyLeverage invalid") from None
    if leverage != leverage.to_integral_value() or not 1 <= leverage <= ex.max_leverage:
        raise BybitError(10001, f"leverage invalid: [1, {ex.max_leverage}]",
                         reason=f"leverage {buy} outside [1, {ex.max_leverage}]")
    if int(leverage) == ex.positions.leverage(spec.pair):
        raise BybitError(110043, "Set leverage has not been modified.", invalid=False)
    ex.set_leverage(spec.pair, int(leverage))
    return {}


def switch_mode(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    spot._category(parsed, ctx)
    ex = _perpetual(exchange)
    if parsed.get("symbol") is None and parsed.get("coin") is None:
        raise BybitError(10001, "params error: symbol or coin is required")
    code = parsed.values.get("mode")
    if code not in (ONE_WAY_MODE, HEDGE_MODE):
        raise BybitError(10001, "params error: mode invalid")
    mode = PositionMode.HEDGE if code == HEDGE_MODE else PositionMode.ONE_WAY
    if mode is ex.mode:
        raise BybitError(110025, "Position mode has not been modified.", invalid=False)
    if ex.open_positions():
        raise BybitError(110024, "You have an existing position, so the position mode cannot "
                                 "be switched.", invalid=False)
    if ex.open_orders():
        raise BybitError(110028, "You have existing open orders, so the position mode cannot "
                                 "be switched.", invalid=False)
    ex.set_mode(mode)
    return {}


def transaction_log(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    """account/transaction-log (UNIFIED): the funding settlements, newest first (the
    double keeps no trade entries: no client of it reads them)."""
    if parsed.get("accountType") not in (None, "UNIFIED"):
        raise BybitError(10001, "accountType only support UNIFIED.")
    ex = _perpetual(exchange)
    kind = parsed.get("type")
    if kind not in (None, "SETTLEMENT") or parsed.get("category") not in (None, "linear"):
        return {"list": [], "nextPageCursor": ""}
    entries = []
    for event in reversed(ex.funding_log):
        spec = ex.market(event.position.pair)
        if spec is not None:
            entries.append(render.settlement(event, spec.symbol))
    return {"list": entries, "nextPageCursor": ""}


DEFAULT_EXECUTIONS, MAX_EXECUTIONS = 50, 100  # execution.mdx: limit [1, 100], default 50


def executions(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    """execution/list (linear): the account's executions newest first: its orders' trades
    and what the exchange did on its positions itself (BustTrade, AdlTrade, Funding), so a
    client whose stream lost a liquidation can find it here. orderId / orderLinkId take
    priority over the other filters (execution.mdx); execType, startTime and endTime
    filter; limit cuts."""
    ex = _perpetual(exchange)
    if parsed.get("orderId") is not None or parsed.get("orderLinkId") is not None:
        return spot.trades(parsed, exchange, ctx)
    spot._category(parsed, ctx)
    symbol = parsed.get("symbol")
    entries = spot.trades(parsed, exchange, ctx)["list"]
    for event in ex.liquidations:
        spec = ex.market(event.position.pair)
        if spec is not None:
            entries.append(render.liquidation_execution(event, spec.symbol))
    for paid in ex.funding_log:
        spec = ex.market(paid.position.pair)
        if spec is not None:
            entries.append(render.funding_execution(paid, spec.symbol))
    kind, start, end = parsed.get("execType"), parsed.get("startTime"), parsed.get("endTime")
    chosen = [e for e in entries
              if (symbol is None or e["symbol"] == symbol)
              and (kind is None or e["execType"] == kind)
              and (start is None or int(e["execTime"]) >= int(start))
              and (end is None or int(e["execTime"]) <= int(end))]
    chosen.sort(key=lambda e: int(e["execTime"]), reverse=True)  # stable: ties keep order
    limit = min(int(parsed.get("limit") or DEFAULT_EXECUTIONS), MAX_EXECUTIONS)
    return {"nextPageCursor": "", "category": render.CATEGORY, "list": chosen[:limit]}


def balances(parsed: Parsed, exchange: Any, ctx: Context) -> Any:
    if parsed.get("accountType") != "UNIFIED":
        raise BybitError(10001, "accountType only support UNIFIED.")
    return {"list": [render.wallet_account(_perpetual(exchange))]}


HANDLERS: dict[str, spot.Handler] = {
    **spot.HANDLERS, "instruments": instruments, "prices": tickers, "place": place,
    "balances": balances, "positions": positions, "set_leverage": set_leverage,
    "switch_mode": switch_mode, "funding_history": funding_history,
    "transaction_log": transaction_log, "trades": executions,
}
