"""Bybit v5's JSON shapes for the double's answers and pushes (spot, unified account)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.double import AssetBalance, MarketSpec, Order, OrderStatus, Trade
from harness.standard.enums import OrderType, TradeSide

Json = dict[str, Any]
# Bybit's spot order and execution ids are long numbers written as strings.
ORDER_ID_BASE = 1_900_000_000_000_000_000
EXEC_ID_BASE = 2_100_000_000_000_000_000


def ok(result: Any, now_ms: int) -> Json:
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": now_ms}


def failure(code: int, message: str, now_ms: int) -> Json:
    return {"retCode": code, "retMsg": message, "result": {}, "retExtInfo": {}, "time": now_ms}


def dec(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value else "0"


def order_id(order: Order) -> str:
    return str(ORDER_ID_BASE + order.order_id)


def exchange_order_id(text: str) -> int | None:
    """The exchange's order id from Bybit's string form; None if it is not one."""
    try:
        number = int(text) - ORDER_ID_BASE
    except ValueError:
        return None
    return number if number > 0 else None


def side(value: TradeSide) -> str:
    return "Buy" if value is TradeSide.BUY else "Sell"


def status(order: Order) -> str:
    if order.status is OrderStatus.NEW:
        return "New"
    if order.status is OrderStatus.PARTIALLY_FILLED:
        return "PartiallyFilled"
    if order.status is OrderStatus.FILLED:
        return "Filled"
    if order.status is OrderStatus.REJECTED:
        return "Rejected"
    # Cancelled by the user or expired (an IOC / market remainder): Bybit spot says
    # PartiallyFilledCanceled when something had traded.
    return "PartiallyFilledCanceled" if order.executed_qty else "Cancelled"


def time_in_force(order: Order, post_only: bool) -> str:
    if post_only:
        return "PostOnly"
    if order.order_type is OrderType.MARKET:
        return "IOC"
    return order.time_in_force.value if order.time_in_force is not None else "GTC"


@dataclass(frozen=True)
class OrderFacts:
    """What Bybit shows of an order that the exchange's Order does not hold."""

    post_only: bool = False
    last_price_on_created: Decimal | None = None


def order(order: Order, symbol: str, facts: OrderFacts = OrderFacts(), *,
          category: str | None = None) -> Json:
    """An order as realtime and the private `order` topic show it."""
    leaves = order.remaining if order.is_open else Decimal(0)
    average = order.average_price
    entry: Json = {} if category is None else {"category": category}
    market = order.order_type is OrderType.MARKET
    entry.update({
        "orderId": order_id(order), "orderLinkId": order.client_order_id, "blockTradeId": "",
        "symbol": symbol, "price": dec(order.price) if order.price is not None else "0",
        "qty": dec(order.qty if order.quote_qty is None else order.quote_qty),
        "side": side(order.side), "isLeverage": "0", "positionIdx": 0,
        "orderStatus": status(order),
        "cancelType": "CancelByUser" if order.status is OrderStatus.CANCELED else "UNKNOWN",
        "rejectReason": "EC_NoError", "avgPrice": dec(average) if average else "",
        "leavesQty": dec(leaves),
        "leavesValue": dec(leaves * order.price) if order.price is not None else "0",
        "cumExecQty": dec(order.executed_qty), "cumExecValue": dec(order.executed_quote),
        "cumExecFee": "0", "timeInForce": time_in_force(order, facts.post_only),
        "orderType": "Market" if market else "Limit", "stopOrderType": "", "orderIv": "",
        "marketUnit": ("quoteCoin" if order.quote_qty is not None else "baseCoin")
        if market else "",
        "triggerPrice": "0", "takeProfit": "0", "stopLoss": "0", "tpslMode": "",
        "ocoTriggerBy": "", "tpLimitPrice": "0", "slLimitPrice": "0", "tpTriggerBy": "",
        "slTriggerBy": "", "triggerDirection": 0, "triggerBy": "",
        "lastPriceOnCreated": dec(facts.last_price_on_created),
        "reduceOnly": False, "closeOnTrigger": False, "placeType": "", "smpType": "None",
        "smpGroup": 0, "smpOrderId": "", "createdTime": str(order.created_ms),
        "updatedTime": str(order.updated_ms)})
    return entry


def execution(trade: Trade, order: Order, symbol: str, *, category: str | None = None) -> Json:
    """An execution as execution/list and the private `execution` topic show it."""
    entry: Json = {} if category is None else {"category": category}
    entry.update({
        "symbol": symbol, "orderId": order_id(order), "orderLinkId": order.client_order_id,
        "side": side(trade.side), "orderPrice": dec(order.price) if order.price else "0",
        "orderQty": dec(order.qty), "leavesQty": dec(order.remaining),
        "orderType": "Market" if order.order_type is OrderType.MARKET else "Limit",
        "stopOrderType": "", "execFee": dec(trade.fee),
        "execId": str(EXEC_ID_BASE + trade.trade_id), "execPrice": dec(trade.price),
        "execQty": dec(trade.qty), "execType": "Trade", "execValue": dec(trade.quote_qty),
        "execTime": str(trade.time_ms), "feeCurrency": trade.fee_asset,
        "isMaker": trade.is_maker, "feeRate": "0.001", "tradeIv": "", "markIv": "",
        "markPrice": "", "indexPrice": "", "underlyingPrice": "", "blockTradeId": "",
        "closedSize": "", "seq": trade.trade_id, "extraFees": ""})
    return entry


def instrument(spec: MarketSpec, symbol_id: int) -> Json:
    status = "Trading" if spec.status.value == "TRADING" else "Closed"
    max_qty = dec(spec.max_qty) if spec.max_qty else "9000"
    return {"symbolId": symbol_id, "symbol": spec.symbol, "baseCoin": spec.pair.base,
            "quoteCoin": spec.pair.quote, "innovation": "0", "status": status,
            "marginTrading": "utaOnly", "stTag": "0",
            "lotSizeFilter": {"basePrecision": dec(spec.step_size),
                              "quotePrecision": "0.00000001", "minOrderQty": dec(spec.min_qty),
                              "maxOrderQty": max_qty, "minOrderAmt": dec(spec.min_notional),
                              "maxOrderAmt": "8000000", "maxLimitOrderQty": max_qty,
                              "maxMarketOrderQty": max_qty,
                              "postOnlyMaxLimitOrderSize": "60000"},
            "priceFilter": {"tickSize": dec(spec.tick_size)},
            "riskParameters": {"priceLimitRatioX": "0.005", "priceLimitRatioY": "0.01"},
            "symbolType": ""}


def levels(levels: Any) -> list[list[str]]:
    return [[dec(price), dec(qty)] for price, qty in levels]


def coin(balance: AssetBalance) -> Json:
    total = balance.free + balance.locked
    return {"coin": balance.asset, "equity": dec(total), "usdValue": "0",
            "walletBalance": dec(total), "availableToWithdraw": "", "availableToBorrow": "",
            "borrowAmount": "0", "accruedInterest": "0", "totalOrderIM": "0",
            "totalPositionIM": "0", "totalPositionMM": "0", "unrealisedPnl": "0",
            "cumRealisedPnl": "0", "bonus": "0", "collateralSwitch": True,
            "marginCollateral": True, "locked": dec(balance.locked), "spotHedgingQty": "0",
            "spotBorrow": "0"}


def wallet_account(balances: list[AssetBalance]) -> Json:
    return {"accountType": "UNIFIED", "accountLTV": "0", "accountIMRate": "0",
            "accountMMRate": "0", "totalEquity": "0", "totalWalletBalance": "0",
            "totalMarginBalance": "0", "totalAvailableBalance": "0", "totalPerpUPL": "0",
            "totalInitialMargin": "0", "totalMaintenanceMargin": "0",
            "coin": [coin(balance) for balance in balances]}
