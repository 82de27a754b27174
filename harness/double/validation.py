"""Checks of an order against its market's filters, before the account or the book is read."""

from __future__ import annotations

from decimal import Decimal

from harness.double.market import MarketSpec, MarketStatus, is_multiple
from harness.double.orders import Rejection, RejectReason, TimeInForce
from harness.standard.enums import OrderType


def check_order(
    spec: MarketSpec,
    order_type: OrderType,
    qty: Decimal | None,
    quote_qty: Decimal | None,
    price: Decimal | None,
    time_in_force: TimeInForce | None,
    reference_price: Decimal | None = None,
) -> Rejection | None:
    """The first filter the order breaks, or None.

    `reference_price` stands in for the price of a MARKET order in the notional check (the
    best opposite price; exchanges use an average or reference price there).

    >>> from harness.standard.pair import TradingPair
    >>> spec = MarketSpec(TradingPair("BTC", "USDT"), "BTCUSDT", Decimal("0.1"), Decimal("0.1"))
    >>> check_order(spec, OrderType.LIMIT, Decimal("1"), None, Decimal("1.05"), None).reason
    <RejectReason.PRICE_FILTER: 'PRICE_FILTER'>
    """
    if spec.status is not MarketStatus.TRADING:
        return Rejection(RejectReason.MARKET_CLOSED, f"market {spec.symbol} is {spec.status.value}")
    shape = _check_shape(order_type, qty, quote_qty, price, time_in_force)
    if shape is not None:
        return Rejection(RejectReason.INVALID_PARAMETER, shape)
    if price is not None:
        problem = _check_price(spec, price)
        if problem is not None:
            return Rejection(RejectReason.PRICE_FILTER, problem)
    if qty is not None:
        problem = _check_qty(spec, qty)
        if problem is not None:
            return Rejection(RejectReason.LOT_SIZE, problem)
    notional = _notional(qty, quote_qty, price if price is not None else reference_price)
    if notional is not None and notional < spec.min_notional:
        return Rejection(RejectReason.MIN_NOTIONAL,
                         f"notional {notional} is below the minimum {spec.min_notional}")
    return None


def _check_shape(order_type: OrderType, qty: Decimal | None, quote_qty: Decimal | None,
                 price: Decimal | None, tif: TimeInForce | None) -> str | None:
    if order_type is OrderType.MARKET:
        if (qty is None) == (quote_qty is None):
            return "a MARKET order needs exactly one of qty and quote_qty"
        if price is not None:
            return "a MARKET order takes no price"
        if tif is not None:
            return "a MARKET order takes no time in force"
        if quote_qty is not None and quote_qty <= 0:
            return f"quote_qty {quote_qty} is not positive"
        return None
    if qty is None or price is None:
        return f"a {order_type.value} order needs qty and price"
    if quote_qty is not None:
        return f"a {order_type.value} order takes no quote_qty"
    if order_type is OrderType.LIMIT_MAKER and tif not in (None, TimeInForce.GTC):
        return f"a LIMIT_MAKER order cannot be {tif.value if tif else tif}"
    return None


def _check_price(spec: MarketSpec, price: Decimal) -> str | None:
    if not price.is_finite() or price <= 0:
        return f"price {price} is not positive"
    if spec.min_price and price < spec.min_price:
        return f"price {price} is below the minimum {spec.min_price}"
    if spec.max_price and price > spec.max_price:
        return f"price {price} is above the maximum {spec.max_price}"
    if not is_multiple(price, spec.tick_size):
        return f"price {price} is not a multiple of the tick size {spec.tick_size}"
    return None


def _check_qty(spec: MarketSpec, qty: Decimal) -> str | None:
    if not qty.is_finite() or qty <= 0:
        return f"quantity {qty} is not positive"
    if qty < spec.min_qty:
        return f"quantity {qty} is below the minimum {spec.min_qty}"
    if spec.max_qty and qty > spec.max_qty:
        return f"quantity {qty} is above the maximum {spec.max_qty}"
    if not is_multiple(qty, spec.step_size):
        return f"quantity {qty} is not a multiple of the step size {spec.step_size}"
    return None


def _notional(qty: Decimal | None, quote_qty: Decimal | None,
              price: Decimal | None) -> Decimal | None:
    if quote_qty is not None:
        return quote_qty
    if qty is not None and price is not None:
        return qty * price
    return None
