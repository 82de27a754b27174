"""Bybit v5 REST and public-stream payloads -> the standard's values.

Pure functions. Every answer is `{"retCode": 0, "retMsg": "OK", "result": {...}, "time": ms}`;
these read `result`. Prices, quantities, fees and balances are decimal strings and become
Decimals without passing through float; times are epoch milliseconds (often as strings) and
become seconds; sides are `Buy` / `Sell`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from harness.base import MarketInfo
from harness.base.hooks import MarketMessage
from harness.base.payload_values import PairLookup, decimal, mapped, parse_levels, seconds
from harness.standard.enums import OrderState, TradeSide
from harness.standard.model import Balance, Fill, OrderUpdate, PublicTrade, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

_S = OrderState
ORDER_STATES: Mapping[str, OrderState] = {
    "New": _S.OPEN,
    "PartiallyFilled": _S.PARTIALLY_FILLED,
    "Untriggered": _S.OPEN,  # a conditional order waiting for its trigger
    "Triggered": _S.OPEN,
    "Filled": _S.FILLED,
    "Cancelled": _S.CANCELED,
    "PartiallyFilledCanceled": _S.CANCELED,  # spot: partly filled, rest cancelled
    "Deactivated": _S.CANCELED,  # a conditional order cancelled before its trigger
    "Rejected": _S.FAILED,
}
SIDES: Mapping[str, TradeSide] = {"Buy": TradeSide.BUY, "Sell": TradeSide.SELL}


def side(text: str) -> TradeSide:
    return mapped(SIDES, text, "Bybit side")


def side_text(trade_side: TradeSide) -> str:
    return "Buy" if trade_side is TradeSide.BUY else "Sell"


def order_state(status: str) -> OrderState:
    return mapped(ORDER_STATES, status, "Bybit order status")


def result_list(payload: Mapping[str, Any]) -> list[Any]:
    """`result.list` of an answer."""
    return list(payload["result"]["list"])


# instruments-info ------------------------------------------------------------------------------
def parse_spot_market(record: Mapping[str, Any]) -> MarketInfo | None:
    """A spot instruments-info entry; None unless it trades now. Raises if malformed.

    minOrderQty and maxOrderAmt are documented as no longer checked: the smallest amount is
    one basePrecision step, the minimum notional is minOrderAmt, and a limit order's largest
    amount is maxLimitOrderQty. Spot has no price bounds (only a tick size).
    """
    if record["status"] != "Trading":
        return None
    lot, price = record["lotSizeFilter"], record["priceFilter"]
    step = decimal(lot["basePrecision"])
    pair = TradingPair(str(record["baseCoin"]), str(record["quoteCoin"]))
    rule = TradingRule(pair, min_order_size=step,
                       max_order_size=decimal(lot.get("maxLimitOrderQty") or lot["maxOrderQty"]),
                       min_price_increment=decimal(price["tickSize"]), min_base_increment=step,
                       min_notional=decimal(lot["minOrderAmt"]))
    return MarketInfo(str(record["symbol"]), pair, rule)


# market data ---------------------------------------------------------------------------------
def parse_snapshot(pair: TradingPair, payload: Mapping[str, Any]) -> OrderBookSnapshot:
    """GET /v5/market/orderbook: `u` is the update id the stream's deltas continue."""
    book = payload["result"]
    return OrderBookSnapshot(pair, int(book["u"]), parse_levels(book["b"]),
                             parse_levels(book["a"]), seconds(book["ts"]))


def parse_last_prices(payload: Mapping[str, Any], wanted: Mapping[str, TradingPair]
                      ) -> dict[TradingPair, Decimal]:
    """GET /v5/market/tickers: lastPrice of each wanted symbol."""
    return {wanted[entry["symbol"]]: decimal(entry["lastPrice"])
            for entry in result_list(payload) if entry["symbol"] in wanted}


def parse_market_message(message: Any, pair_of: PairLookup) -> list[MarketMessage]:
    """A public-stream frame: orderbook snapshot / delta and publicTrade; acks give nothing.

    A delta's `u` follows the previous message's by one; a snapshot (sent on subscription,
    and with u = 1 after Bybit's service restarts) replaces the book.
    """
    if not isinstance(message, dict):
        return []
    if message.get("op") == "subscribe" and message.get("success") is False:
        raise ConnectionError(f"Bybit refused a stream subscription: {message.get('ret_msg')}")
    topic = str(message.get("topic", ""))
    if topic.startswith("orderbook."):
        data = message["data"]
        pair = pair_of(data["s"])
        if pair is None:
            return []
        update_id, stamp = int(data["u"]), seconds(message["ts"])
        bids, asks = parse_levels(data["b"]), parse_levels(data["a"])
        if message["type"] == "snapshot":
            return [OrderBookSnapshot(pair, update_id, bids, asks, stamp)]
        return [OrderBookDiff(pair, update_id, update_id, bids, asks, stamp)]
    if topic.startswith("publicTrade."):
        trades: list[MarketMessage] = []
        for trade in message["data"]:
            pair = pair_of(trade["s"])
            if pair is not None:  # `S` is the taker's side
                trades.append(PublicTrade(pair, str(trade["i"]), decimal(trade["p"]),
                                          decimal(trade["v"]), side(trade["S"]),
                                          seconds(trade["T"])))
        return trades
    return []


# orders ---------------------------------------------------------------------------------------
def parse_order(entry: Mapping[str, Any], client_order_id: str | None = None) -> OrderUpdate:
    """One order of GET /v5/order/realtime or of the private `order` topic."""
    stamp = entry.get("updatedTime") or entry.get("createdTime") or 0
    state = order_state(str(entry["orderStatus"]))
    reason = entry.get("rejectReason") if state is OrderState.FAILED else None
    return OrderUpdate(client_order_id or str(entry["orderLinkId"]), str(entry["orderId"]),
                       state, seconds(stamp), executed_amount=decimal(entry["cumExecQty"]),
                       reason=str(reason) if reason else None)


def parse_execution(entry: Mapping[str, Any], pair: TradingPair, order: TrackedOrder | None = None
                    ) -> Fill:
    """One execution of GET /v5/execution/list or of the private `execution` topic.

    The fee is in `feeCurrency`; where that is empty (derivatives) it is the quote coin.
    """
    client_order_id = order.client_order_id if order else str(entry["orderLinkId"])
    fee_asset = str(entry.get("feeCurrency") or pair.quote)
    return Fill(str(entry["execId"]), client_order_id, str(entry["orderId"]), pair,
                side(entry["side"]), decimal(entry["execPrice"]), decimal(entry["execQty"]),
                TradeFee(fee_asset, decimal(entry["execFee"])), seconds(entry["execTime"]),
                is_maker=bool(entry["isMaker"]))


def parse_executions(order: TrackedOrder, payload: Mapping[str, Any]) -> list[Fill]:
    """GET /v5/execution/list?orderId=...: the order's trades (newest first), oldest first."""
    trades = [entry for entry in result_list(payload)
              if entry.get("execType", "Trade") == "Trade"]
    return sorted((parse_execution(entry, order.pair, order) for entry in trades),
                  key=lambda fill: (fill.timestamp, fill.trade_id))


def parse_coin_balances(coins: Iterable[Mapping[str, Any]]) -> dict[str, Balance]:
    """`coin[]` of a unified wallet: total = walletBalance, available = total - locked.

    `locked` is what open spot orders hold; `free` and `availableToWithdraw` are deprecated
    for unified accounts.
    """
    balances: dict[str, Balance] = {}
    for coin in coins:
        total, locked = decimal(coin["walletBalance"]), decimal(coin.get("locked") or "0")
        balances[str(coin["coin"])] = Balance(total, total - locked)
    return balances


def parse_wallet(payload: Mapping[str, Any]) -> dict[str, Balance]:
    """GET /v5/account/wallet-balance?accountType=UNIFIED."""
    balances: dict[str, Balance] = {}
    for account in result_list(payload):
        balances.update(parse_coin_balances(account["coin"]))
    return balances
