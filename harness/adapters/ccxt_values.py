"""ccxt's unified structures (markets, orders, trades, balances, books) as the standard's values.

ccxt hands out floats (and sometimes strings); the standard counts money in Decimal. A float
is converted through its shortest repr (`Decimal(str(x))`), which gives back the decimal the
exchange sent for every value a float can hold exactly enough to round-trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.standard.enums import OrderState, TradeSide
from harness.standard.model import Balance, Fill, OrderUpdate, TradeFee
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

# ccxt's precision modes (ccxt.base.decimal_to_precision): what `market["precision"]` holds.
DECIMAL_PLACES = 2
TICK_SIZE = 4

# ccxt's unified order statuses, as the standard's states.
ORDER_STATES: Mapping[str, OrderState] = {
    "open": OrderState.OPEN,
    "closed": OrderState.FILLED,
    "canceled": OrderState.CANCELED,
    "expired": OrderState.CANCELED,
    "rejected": OrderState.FAILED,
}


def dec(value: Any) -> Decimal | None:
    """A ccxt number (float, int or string) as a Decimal; None stays None.

    >>> dec(0.1), dec("29999.50"), dec(None)
    (Decimal('0.1'), Decimal('29999.50'), None)
    """
    if value is None or value == "":
        return None
    return Decimal(str(value))


def dec0(value: Any) -> Decimal:
    """Like `dec`, with 0 for a missing value (ccxt leaves absent limits as None)."""
    return dec(value) or Decimal(0)


def pair_of(market: Mapping[str, Any]) -> TradingPair:
    return TradingPair(str(market["base"]), str(market["quote"]))


def step(precision: Any, mode: int) -> Decimal:
    """A ccxt precision as an increment: a tick size already, or a number of decimals."""
    value = dec(precision)
    if value is None:
        return Decimal(0)
    if mode == DECIMAL_PLACES:
        return Decimal(1).scaleb(-int(value))
    return value


def trading_rule(market: Mapping[str, Any], precision_mode: int) -> TradingRule:
    """The standard's rule for one ccxt market."""
    limits = market.get("limits") or {}
    precision = market.get("precision") or {}
    amount, price, cost = (limits.get(k) or {} for k in ("amount", "price", "cost"))
    return TradingRule(
        pair=pair_of(market),
        min_order_size=dec0(amount.get("min")), max_order_size=dec0(amount.get("max")),
        min_price_increment=step(precision.get("price"), precision_mode),
        min_base_increment=step(precision.get("amount"), precision_mode),
        min_notional=dec0(cost.get("min")),
        min_price=dec0(price.get("min")), max_price=dec0(price.get("max")))


def order_state(order: Mapping[str, Any]) -> OrderState:
    status = order.get("status")
    return ORDER_STATES.get(str(status), OrderState.OPEN)


def order_update(order: Mapping[str, Any], now: float) -> OrderUpdate:
    timestamp = order.get("lastUpdateTimestamp") or order.get("timestamp")
    return OrderUpdate(
        client_order_id=order.get("clientOrderId"), exchange_order_id=text(order.get("id")),
        state=order_state(order), timestamp=timestamp / 1000 if timestamp else now,
        executed_amount=dec(order.get("filled")),
        reason=text((order.get("info") or {}).get("r")) if order_state(order)
        is OrderState.FAILED else None)


def fill(trade: Mapping[str, Any], client_order_id: str, pair: TradingPair, now: float
         ) -> Fill:
    """One of ccxt's trades (of our order) as the standard's fill."""
    fee = trade.get("fee") or {}
    maker = trade.get("takerOrMaker")
    timestamp = trade.get("timestamp")
    return Fill(
        trade_id=str(trade["id"]), client_order_id=client_order_id,
        exchange_order_id=text(trade.get("order")), pair=pair,
        side=TradeSide(str(trade["side"]).upper()),
        price=dec0(trade.get("price")), amount=dec0(trade.get("amount")),
        fee=TradeFee(str(fee.get("currency") or pair.quote), dec0(fee.get("cost"))),
        timestamp=timestamp / 1000 if timestamp else now,
        is_maker=None if maker is None else maker == "maker")


def balances(balance: Mapping[str, Any]) -> dict[str, Balance]:
    """ccxt's balance structure (total / free per currency) as the standard's balances."""
    totals = balance.get("total") or {}
    free = balance.get("free") or {}
    return {asset: Balance(dec0(total), dec0(free.get(asset)))
            for asset, total in totals.items() if total is not None}


def book_snapshot(book: Mapping[str, Any], pair: TradingPair) -> OrderBookSnapshot:
    """ccxt's order book (sorted [price, amount] lists, `nonce` = the last update id)."""
    def levels(rows: Sequence[Sequence[Any]]) -> tuple[tuple[Decimal, Decimal], ...]:
        return tuple((dec0(row[0]), dec0(row[1])) for row in rows)

    nonce = book.get("nonce")
    timestamp = book.get("timestamp")
    return OrderBookSnapshot(pair, int(nonce) if nonce is not None else 0,
                             levels(book.get("bids") or ()), levels(book.get("asks") or ()),
                             timestamp / 1000 if timestamp else 0.0)


def text(value: Any) -> str | None:
    """An id as a string; None stays None."""
    return None if value is None else str(value)
