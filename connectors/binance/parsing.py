"""Binance REST and market-stream payloads -> the standard's values.

Pure functions. Binance sends prices, quantities, commissions and balances as decimal strings;
they become Decimals without ever passing through float. Ids are numbers and become strings,
times are epoch milliseconds and become seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from harness.base import MarketInfo
from harness.base.hooks import MarketMessage
from harness.base.payload_values import PairLookup, decimal, mapped, parse_levels, seconds
from harness.standard.enums import OrderState, TradeSide
from harness.standard.model import (
    Balance,
    Fill,
    OrderUpdate,
    PlacementOutcome,
    PublicTrade,
    TradeFee,
)
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

_S = OrderState
ORDER_STATES: Mapping[str, OrderState] = {
    "NEW": _S.OPEN,
    "PENDING_NEW": _S.OPEN,  # waiting for its order list's first leg: accepted, not yet working
    "PARTIALLY_FILLED": _S.PARTIALLY_FILLED,
    "FILLED": _S.FILLED,
    "CANCELED": _S.CANCELED,
    "EXPIRED": _S.CANCELED,  # by the order type (IOC/MARKET remainder) or by the exchange
    "EXPIRED_IN_MATCH": _S.CANCELED,  # self-trade prevention expired it
    "PENDING_CANCEL": _S.PENDING_CANCEL,  # documented as unused
    "REJECTED": _S.FAILED,
}


def order_state(status: str) -> OrderState:
    return mapped(ORDER_STATES, status, "Binance order status")


# exchangeInfo ------------------------------------------------------------------------------
def parse_market(record: Mapping[str, Any]) -> MarketInfo | None:
    """An exchangeInfo `symbols[]` entry; None unless it trades spot now. Raises if malformed."""
    if record["status"] != "TRADING" or record["isSpotTradingAllowed"] is not True:
        return None
    symbol = str(record["symbol"])
    filters = {entry["filterType"]: entry for entry in record["filters"]}
    price_filter = _filter(symbol, filters, "PRICE_FILTER")
    lot_size = _filter(symbol, filters, "LOT_SIZE")
    # NOTIONAL replaced MIN_NOTIONAL; a symbol carries one or the other (or neither).
    notional = filters.get("NOTIONAL") or filters.get("MIN_NOTIONAL")
    pair = TradingPair(str(record["baseAsset"]), str(record["quoteAsset"]))
    rule = TradingRule(
        pair,
        min_order_size=decimal(lot_size["minQty"]),
        max_order_size=decimal(lot_size["maxQty"]),
        min_price_increment=decimal(price_filter["tickSize"]),
        min_base_increment=decimal(lot_size["stepSize"]),
        min_notional=decimal(notional["minNotional"]) if notional else Decimal(0),
        # PRICE_FILTER: a minPrice or maxPrice of 0 disables that bound (Binance's filters doc)
        min_price=decimal(price_filter.get("minPrice", "0")),
        max_price=decimal(price_filter.get("maxPrice", "0")),
    )
    return MarketInfo(symbol, pair, rule)


def _filter(symbol: str, filters: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    if name not in filters:
        raise ValueError(f"{symbol} has no {name} filter")
    entry: Mapping[str, Any] = filters[name]
    return entry


# market data --------------------------------------------------------------------------------
def parse_snapshot(pair: TradingPair, payload: Mapping[str, Any], timestamp: float
                   ) -> OrderBookSnapshot:
    """GET /api/v3/depth."""
    return OrderBookSnapshot(pair, int(payload["lastUpdateId"]), parse_levels(payload["bids"]),
                             parse_levels(payload["asks"]), timestamp)


def parse_last_prices(payload: Any, wanted: Mapping[str, TradingPair]
                      ) -> dict[TradingPair, Decimal]:
    """GET /api/v3/ticker/price: one object, or an array of them, filtered to `wanted` symbols."""
    entries = payload if isinstance(payload, list) else [payload]
    return {wanted[entry["symbol"]]: decimal(entry["price"])
            for entry in entries if entry["symbol"] in wanted}


def parse_market_message(message: Any, pair_of: PairLookup) -> list[MarketMessage]:
    """A raw-stream frame: depthUpdate and trade events; acks and other streams give nothing."""
    if not isinstance(message, dict):
        return []
    event = message.get("e")
    if event == "serverShutdown":
        raise ConnectionError("Binance announced a market stream server shutdown")
    if event not in ("depthUpdate", "trade"):
        if "code" in message and "msg" in message:
            raise ConnectionError(f"Binance refused a stream request: {message}")
        return []  # {"result": null, "id": n} acknowledges our SUBSCRIBE
    pair = pair_of(message["s"])
    if pair is None:
        return []
    if event == "depthUpdate":
        return [OrderBookDiff(pair, int(message["U"]), int(message["u"]),
                              parse_levels(message["b"]), parse_levels(message["a"]),
                              seconds(message["E"]))]
    # `m`: the buyer was the maker, so the taker (the side that traded) sold.
    return [PublicTrade(pair, str(message["t"]), decimal(message["p"]), decimal(message["q"]),
                        TradeSide.SELL if message["m"] else TradeSide.BUY,
                        seconds(message["T"]))]


# orders -------------------------------------------------------------------------------------
def parse_placement(order: TrackedOrder, payload: Mapping[str, Any]) -> PlacementOutcome:
    """POST /api/v3/order with newOrderRespType=FULL (an ACK response works too)."""
    exchange_id = str(payload["orderId"])
    timestamp = seconds(payload["transactTime"])
    # Fills in the placement response matched on arrival, so the order was the taker.
    fills = tuple(
        Fill(str(fill["tradeId"]), order.client_order_id, exchange_id, order.pair, order.side,
             decimal(fill["price"]), decimal(fill["qty"]),
             TradeFee(str(fill["commissionAsset"]), decimal(fill["commission"])),
             timestamp, is_maker=False)
        for fill in payload.get("fills", ()))
    state = order_state(payload["status"]) if "status" in payload else OrderState.OPEN
    return PlacementOutcome(exchange_id, timestamp, state, fills)


def parse_order(payload: Mapping[str, Any], client_order_id: str) -> OrderUpdate:
    """GET /api/v3/order or DELETE /api/v3/order, about the order we asked for by its id.

    The caller's id is used because a cancel response's `clientOrderId` is the cancel's own.
    """
    stamp = payload.get("updateTime") or payload.get("transactTime") or payload.get("time") or 0
    return OrderUpdate(client_order_id, str(payload["orderId"]), order_state(payload["status"]),
                       seconds(stamp), executed_amount=decimal(payload["executedQty"]))


def parse_cancel_all(payload: Iterable[Mapping[str, Any]]) -> list[OrderUpdate]:
    """DELETE /api/v3/openOrders: cancel reports, with order lists' legs in `orderReports`."""
    updates: list[OrderUpdate] = []
    for entry in payload:
        for report in entry.get("orderReports", [entry]):
            updates.append(parse_order(report, str(report["origClientOrderId"])))
    return updates


def parse_trades(order: TrackedOrder, payload: Iterable[Mapping[str, Any]]) -> list[Fill]:
    """GET /api/v3/myTrades?orderId=...: the order's fills."""
    return [Fill(str(trade["id"]), order.client_order_id, str(trade["orderId"]), order.pair,
                 TradeSide.BUY if trade["isBuyer"] else TradeSide.SELL,
                 decimal(trade["price"]), decimal(trade["qty"]),
                 TradeFee(str(trade["commissionAsset"]), decimal(trade["commission"])),
                 seconds(trade["time"]), is_maker=bool(trade["isMaker"]))
            for trade in payload]


def parse_balances(payload: Mapping[str, Any]) -> dict[str, Balance]:
    """GET /api/v3/account: total = free + locked, available = free."""
    balances: dict[str, Balance] = {}
    for entry in payload["balances"]:
        free, locked = decimal(entry["free"]), decimal(entry["locked"])
        balances[str(entry["asset"])] = Balance(free + locked, free)
    return balances
