"""Hummingbot's structures read as the standard's values: pairs, rules, orders, fills, books.

Hummingbot writes pairs BASE-QUOTE and money as Decimal, like the standard, so these are
plain re-labellings; a value Hummingbot does not have stays at the standard's "unknown"
(a rule's min/max price: Hummingbot's TradingRule has no such field).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.model import Balance, Fill, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

# Hummingbot's OrderState names -> the standard's; its approval states (DEX) are "not yet
# acknowledged", its CREATED/COMPLETED aliases those of CLOB exchanges.
_STATES = {
    "PENDING_CREATE": OrderState.PENDING_CREATE, "PENDING_APPROVAL": OrderState.PENDING_CREATE,
    "APPROVED": OrderState.PENDING_CREATE, "CREATED": OrderState.OPEN, "OPEN": OrderState.OPEN,
    "PARTIALLY_FILLED": OrderState.PARTIALLY_FILLED, "PENDING_CANCEL": OrderState.PENDING_CANCEL,
    "CANCELED": OrderState.CANCELED, "FILLED": OrderState.FILLED,
    "COMPLETED": OrderState.FILLED, "FAILED": OrderState.FAILED,
}


def pair(text: str) -> TradingPair:
    return TradingPair.parse(str(text))


def decimal(value: Any) -> Decimal:
    """A Decimal from Hummingbot's number; NaN, None and infinities read as 0."""
    if value is None:
        return Decimal(0)
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number if number.is_finite() else Decimal(0)


def stamp(value: Any, fallback: float) -> float:
    """A Hummingbot timestamp; `fallback` where it has none (NaN before its clock ticked)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return fallback
    return fallback if math.isnan(number) or number <= 0 else number


def trading_rule(rule: Any) -> TradingRule:
    """Hummingbot's TradingRule; it keeps no price limits, so those stay 0 (none known)."""
    return TradingRule(pair(rule.trading_pair), decimal(rule.min_order_size),
                       decimal(rule.max_order_size), decimal(rule.min_price_increment),
                       decimal(rule.min_base_amount_increment),
                       min_notional=decimal(rule.min_notional_size))


def state(hb_state: Any) -> OrderState:
    return _STATES[str(getattr(hb_state, "name", hb_state))]


def side(trade_type: Any) -> TradeSide:
    return TradeSide(str(getattr(trade_type, "name", trade_type)))


def order_type(hb_type: Any) -> OrderType:
    return OrderType(str(getattr(hb_type, "name", hb_type)))


def fee(trade_fee: Any, quote: str) -> TradeFee:
    """The one fee of a fill: Hummingbot's first flat fee (Binance's commission), else none."""
    flat = list(getattr(trade_fee, "flat_fees", None) or ())
    if flat:
        return TradeFee(str(flat[0].token), decimal(flat[0].amount))
    return TradeFee(quote, Decimal(0))


def fill(update: Any, trading_pair: TradingPair, side_: TradeSide, fallback_time: float) -> Fill:
    """One of Hummingbot's TradeUpdates of an order on `trading_pair`. The order's pair, not
    the update's: Hummingbot's Binance connector puts the exchange symbol ("BTCUSDT") in the
    TradeUpdates it reads from myTrades (binance_exchange.py _all_trade_updates_for_order)."""
    return Fill(str(update.trade_id), str(update.client_order_id),
                None if update.exchange_order_id is None else str(update.exchange_order_id),
                trading_pair, side_, decimal(update.fill_price), decimal(update.fill_base_amount),
                fee(update.fee, trading_pair.quote), stamp(update.fill_timestamp, fallback_time),
                None if getattr(update, "is_taker", None) is None else not update.is_taker)


def tracked_order(order: Any, now: float) -> TrackedOrder:
    """A snapshot of one of Hummingbot's InFlightOrders."""
    side_ = side(order.trade_type)
    price = decimal(order.price)
    trading_pair = pair(order.trading_pair)
    tracked = TrackedOrder(
        str(order.client_order_id), trading_pair, side_, order_type(order.order_type),
        decimal(order.amount), price if price else None,
        stamp(order.creation_timestamp, now),
        exchange_order_id=None if order.exchange_order_id is None
        else str(order.exchange_order_id),
        state=state(order.current_state),
        last_update_timestamp=stamp(getattr(order, "last_update_timestamp", None), now))
    for update in dict(order.order_fills).values():
        made = fill(update, trading_pair, side_, now)
        tracked.fills[made.trade_id] = made
    return tracked


def book_snapshot(trading_pair: TradingPair, bids: Iterable[Any], asks: Iterable[Any],
                  update_id: int, timestamp: float) -> OrderBookSnapshot:
    """Hummingbot's book rows (price, amount, update_id) as a snapshot, best first."""
    def levels(rows: Iterable[Any], best_first_descending: bool) -> tuple[tuple[Decimal, Decimal],
                                                                          ...]:
        found = [(decimal(row.price), decimal(row.amount)) for row in rows if row.amount > 0]
        return tuple(sorted(found, key=lambda level: level[0], reverse=best_first_descending))
    return OrderBookSnapshot(trading_pair, int(update_id), levels(bids, True),
                             levels(asks, False), timestamp)


def balances(totals: Mapping[str, Any], available: Mapping[str, Any]) -> dict[str, Balance]:
    return {str(asset): Balance(decimal(total), decimal(available.get(asset, total)))
            for asset, total in totals.items()}
