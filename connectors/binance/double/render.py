"""The exchange's state and events in Binance's JSON shapes (rest-api.md, user-data-stream.md,
web-socket-streams.md): decimals as strings with 8 places, ids and times as numbers."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from connectors.binance.double.errors import REJECT_REASONS
from connectors.binance.double.markets import notional_filter
from harness.double import (
    AssetBalance,
    BalanceDelta,
    BalancesChanged,
    BookDelta,
    MarketSpec,
    MarketStatus,
    Order,
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderRejected,
    OrderTraded,
    PublicTrade,
    TimeInForce,
    Trade,
)
from harness.standard.enums import OrderType
from harness.standard.order_book import OrderBookSnapshot

Json = dict[str, Any]
_PLACES = Decimal("0.00000001")
ZERO = "0.00000000"
STP_MODE = "NONE"
"""The double's self-trade prevention: none (our own orders may trade with each other)."""


def dec(value: Decimal | None) -> str:
    """Binance's decimal string: 8 places ("0.10000000"), more only if the value needs them."""
    if value is None:
        return ZERO
    if value == value.quantize(_PLACES):
        return format(value.quantize(_PLACES), "f")
    return format(value.normalize(), "f")


def levels(pairs: Iterable[tuple[Decimal, Decimal]]) -> list[list[str]]:
    return [[dec(price), dec(qty)] for price, qty in pairs]


# -- exchangeInfo --------------------------------------------------------------------------------
RATE_LIMITS: list[Json] = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
    {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 300000},
]
_STATUS = {MarketStatus.TRADING: "TRADING", MarketStatus.HALTED: "HALT"}


def symbol_status(spec: MarketSpec) -> str:
    return _STATUS.get(spec.status, "BREAK")


def _notional_filter(spec: MarketSpec) -> Json:
    """filters.md: NOTIONAL (min and max, each applied to MARKET orders or not), or the older
    MIN_NOTIONAL (a minimum only) that some symbols are still listed with."""
    if notional_filter(spec.symbol) == "MIN_NOTIONAL":
        return {"filterType": "MIN_NOTIONAL", "minNotional": dec(spec.min_notional),
                "applyToMarket": True, "avgPriceMins": 5}
    return {"filterType": "NOTIONAL", "minNotional": dec(spec.min_notional),
            "applyMinToMarket": True, "maxNotional": "9000000.00000000",
            "applyMaxToMarket": False, "avgPriceMins": 5}


def exchange_symbol(spec: MarketSpec) -> Json:
    """One `symbols[]` entry of GET /api/v3/exchangeInfo, filters from the market's spec."""
    return {
        "symbol": spec.symbol, "status": symbol_status(spec), "baseAsset": spec.base,
        "baseAssetPrecision": 8, "quoteAsset": spec.quote, "quotePrecision": 8,
        "quoteAssetPrecision": 8, "baseCommissionPrecision": 8, "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
        "icebergAllowed": False, "ocoAllowed": False, "otoAllowed": False, "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": True, "allowTrailingStop": False,
        "cancelReplaceAllowed": False, "amendAllowed": False, "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True, "isMarginTradingAllowed": False,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": dec(spec.min_price),
             "maxPrice": dec(spec.max_price), "tickSize": dec(spec.tick_size)},
            {"filterType": "LOT_SIZE", "minQty": dec(spec.min_qty), "maxQty": dec(spec.max_qty),
             "stepSize": dec(spec.step_size)},
            _notional_filter(spec),
        ],
        "permissions": [], "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": STP_MODE, "allowedSelfTradePreventionModes": [STP_MODE],
    }


# -- orders over REST ----------------------------------------------------------------------------
def _tif(order: Order) -> str:
    return (order.time_in_force or TimeInForce.GTC).value


def order_ack(order: Order, symbol: str, transact_ms: int) -> Json:
    return {"symbol": symbol, "orderId": order.order_id, "orderListId": -1,
            "clientOrderId": order.client_order_id, "transactTime": transact_ms}


def order_result(order: Order, symbol: str, transact_ms: int) -> Json:
    """newOrderRespType RESULT (and the body of FULL without its fills)."""
    return {**order_ack(order, symbol, transact_ms), "price": dec(order.price),
            "origQty": dec(order.qty), "executedQty": dec(order.executed_qty),
            "origQuoteOrderQty": dec(order.quote_qty), "cummulativeQuoteQty":
            dec(order.executed_quote), "status": order.status.value, "timeInForce": _tif(order),
            "type": order.order_type.value, "side": order.side.value,
            "workingTime": order.created_ms, "selfTradePreventionMode": STP_MODE}


def fill(trade: Trade) -> Json:
    return {"price": dec(trade.price), "qty": dec(trade.qty), "commission": dec(trade.fee),
            "commissionAsset": trade.fee_asset, "tradeId": trade.trade_id}


def cancel_report(order: Order, symbol: str, cancel_client_id: str, transact_ms: int) -> Json:
    """DELETE /api/v3/order (and each entry of DELETE /api/v3/openOrders)."""
    return {"symbol": symbol, "origClientOrderId": order.client_order_id,
            "orderId": order.order_id, "orderListId": -1, "clientOrderId": cancel_client_id,
            "transactTime": transact_ms, "price": dec(order.price), "origQty": dec(order.qty),
            "executedQty": dec(order.executed_qty), "origQuoteOrderQty": dec(order.quote_qty),
            "cummulativeQuoteQty": dec(order.executed_quote), "status": order.status.value,
            "timeInForce": _tif(order), "type": order.order_type.value,
            "side": order.side.value, "selfTradePreventionMode": STP_MODE}


def order_query(order: Order, symbol: str) -> Json:
    """GET /api/v3/order."""
    return {"symbol": symbol, "orderId": order.order_id, "orderListId": -1,
            "clientOrderId": order.client_order_id, "price": dec(order.price),
            "origQty": dec(order.qty), "executedQty": dec(order.executed_qty),
            "cummulativeQuoteQty": dec(order.executed_quote), "status": order.status.value,
            "timeInForce": _tif(order), "type": order.order_type.value,
            "side": order.side.value, "stopPrice": ZERO, "icebergQty": ZERO,
            "time": order.created_ms, "updateTime": order.updated_ms, "isWorking": True,
            "workingTime": order.created_ms, "origQuoteOrderQty": dec(order.quote_qty),
            "selfTradePreventionMode": STP_MODE}


def my_trade(trade: Trade, symbol: str) -> Json:
    """One entry of GET /api/v3/myTrades."""
    return {"symbol": symbol, "id": trade.trade_id, "orderId": trade.order_id,
            "orderListId": -1, "price": dec(trade.price), "qty": dec(trade.qty),
            "quoteQty": dec(trade.quote_qty), "commission": dec(trade.fee),
            "commissionAsset": trade.fee_asset, "time": trade.time_ms,
            "isBuyer": trade.side.value == "BUY", "isMaker": trade.is_maker,
            "isBestMatch": True}


def ticker_24hr(symbol: str, trades: list[Trade], last: Decimal | None,
                top: OrderBookSnapshot, open_ms: int, close_ms: int, *, mini: bool) -> Json:
    """One entry of GET /api/v3/ticker/24hr (FULL, or MINI without the book and averages);
    a market without a trade in the window has zero statistics and ids -1, as on Binance."""
    first = trades[0].price if trades else Decimal(0)
    volume = sum((t.qty for t in trades), Decimal(0))
    quote = sum((t.quote_qty for t in trades), Decimal(0))
    entry: Json = {"symbol": symbol, "openPrice": dec(first), "highPrice": dec(
        max((t.price for t in trades), default=Decimal(0))), "lowPrice": dec(
        min((t.price for t in trades), default=Decimal(0))), "lastPrice": dec(last),
        "volume": dec(volume), "quoteVolume": dec(quote), "openTime": open_ms,
        "closeTime": close_ms, "firstId": trades[0].trade_id if trades else -1,
        "lastId": trades[-1].trade_id if trades else -1, "count": len(trades)}
    if mini:
        return entry
    change = (last or Decimal(0)) - first if trades else Decimal(0)
    bid = top.bids[0] if top.bids else (Decimal(0), Decimal(0))
    ask = top.asks[0] if top.asks else (Decimal(0), Decimal(0))
    return {**entry, "priceChange": dec(change) if change >= 0 else "-" + dec(-change),
            "priceChangePercent": format((change / first * 100).quantize(Decimal("0.001")), "f")
            if first else "0.000",
            "weightedAvgPrice": dec(quote / volume if volume else Decimal(0)),
            "prevClosePrice": dec(first), "lastQty": dec(trades[-1].qty if trades else None),
            "bidPrice": dec(bid[0]), "bidQty": dec(bid[1]), "askPrice": dec(ask[0]),
            "askQty": dec(ask[1])}


def account(balances: Iterable[AssetBalance], maker_fee: Decimal, taker_fee: Decimal,
            now_ms: int) -> Json:
    """GET /api/v3/account; commissions in basis points as ints, rates as strings."""
    return {"makerCommission": int(maker_fee * 10000), "takerCommission": int(taker_fee * 10000),
            "buyerCommission": 0, "sellerCommission": 0,
            "commissionRates": {"maker": dec(maker_fee), "taker": dec(taker_fee),
                                "buyer": ZERO, "seller": ZERO},
            "canTrade": True, "canWithdraw": True, "canDeposit": True, "brokered": False,
            "requireSelfTradePrevention": False, "preventSor": False, "updateTime": now_ms,
            "accountType": "SPOT",
            "balances": [{"asset": b.asset, "free": dec(b.free), "locked": dec(b.locked)}
                         for b in balances],
            "permissions": ["SPOT"], "uid": 354937868}


# -- streams -------------------------------------------------------------------------------------
def depth_update(event: BookDelta, symbol: str) -> Json:
    return {"e": "depthUpdate", "E": event.time_ms, "s": symbol, "U": event.first_update_id,
            "u": event.last_update_id, "b": levels(event.bids), "a": levels(event.asks)}


def trade_event(event: PublicTrade, symbol: str) -> Json:
    return {"e": "trade", "E": event.time_ms, "s": symbol, "t": event.trade_id,
            "p": dec(event.price), "q": dec(event.qty), "T": event.time_ms,
            "m": event.buyer_is_maker, "M": True}


def account_position(event: BalancesChanged) -> Json:
    return {"e": "outboundAccountPosition", "E": event.time_ms, "u": event.time_ms,
            "B": [{"a": b.asset, "f": dec(b.free), "l": dec(b.locked)} for b in event.balances]}


def balance_update(event: BalanceDelta) -> Json:
    return {"e": "balanceUpdate", "E": event.time_ms, "a": event.asset, "d": dec(event.delta),
            "T": event.time_ms}


_EXECUTION = {OrderAccepted: "NEW", OrderTraded: "TRADE", OrderCanceled: "CANCELED",
              OrderExpired: "EXPIRED"}


def _on_book(order: Order) -> bool:
    return order.order_type is not OrderType.MARKET and order.time_in_force in (
        None, TimeInForce.GTC)


def execution_report(event: OrderEvent, symbol: str, cancel_client_id: str | None = None
                     ) -> Json:
    """executionReport for an order event; `cancel_client_id` is the id of the cancel request
    (Binance puts it in `c` and the order's own id in `C`). `I` is the exchange's event seq."""
    order = event.order
    trade = event.trade if isinstance(event, OrderTraded) else None
    canceled = isinstance(event, OrderCanceled) and cancel_client_id is not None
    report: Json = {
        "e": "executionReport", "E": event.time_ms, "s": symbol,
        "c": cancel_client_id if canceled else order.client_order_id,
        "S": order.side.value, "o": order.order_type.value, "f": _tif(order),
        "q": dec(order.qty), "p": dec(order.price), "P": ZERO, "F": ZERO, "g": -1,
        "C": order.client_order_id if canceled else "",
        "x": _EXECUTION[type(event)], "X": order.status.value, "r": "NONE",
        "i": order.order_id, "l": dec(trade.qty if trade else None),
        "z": dec(order.executed_qty), "L": dec(trade.price if trade else None),
        "n": dec(trade.fee) if trade else "0", "N": trade.fee_asset if trade else None,
        "T": event.time_ms, "t": trade.trade_id if trade else -1, "I": event.seq,
        "w": order.is_open and _on_book(order), "m": trade.is_maker if trade else False,
        "M": False, "O": order.created_ms, "Z": dec(order.executed_quote),
        "Y": dec(trade.quote_qty if trade else None), "Q": dec(order.quote_qty),
    }
    if _on_book(order):
        report["W"] = order.created_ms
    report["V"] = STP_MODE
    return report


def rejection_report(event: OrderRejected, symbol: str) -> Json:
    """executionReport REJECTED. Binance pushes these only for cancel-replace requests whose
    new order was refused, so the double sends them only when asked to (see BinanceDouble)."""
    return {
        "e": "executionReport", "E": event.time_ms, "s": symbol, "c": event.client_order_id,
        "S": event.side.value, "o": event.order_type.value, "f": "GTC",
        "q": dec(event.qty), "p": dec(event.price), "P": ZERO, "F": ZERO, "g": -1, "C": "",
        "x": "REJECTED", "X": "REJECTED", "r": REJECT_REASONS.get(event.reason, "NONE"),
        "i": -1, "l": ZERO, "z": ZERO, "L": ZERO, "n": "0", "N": None, "T": event.time_ms,
        "t": -1, "I": event.seq, "w": False, "m": False, "M": False, "O": event.time_ms,
        "Z": ZERO, "Y": ZERO, "Q": ZERO, "V": STP_MODE,
    }
