"""Money moves of one fill or one placement: what an order locks, spends, receives and pays."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from harness.double.accounts import Account
from harness.double.market import MarketSpec
from harness.double.orders import Order, OrderStatus
from harness.standard.enums import OrderType, TradeSide


@dataclass(frozen=True)
class Settled:
    order: Order
    fee: Decimal
    fee_asset: str


def locked_asset(spec: MarketSpec, side: TradeSide) -> str:
    """Buys lock (and pay in) quote, sells lock base."""
    return spec.quote if side is TradeSide.BUY else spec.base


def fee_for(spec: MarketSpec, received: Decimal, is_maker: bool) -> Decimal:
    """The fee on `received` (charged in the asset received), rounded to the fee quantum."""
    rate = spec.maker_fee if is_maker else spec.taker_fee
    if not rate:
        return Decimal(0)
    fee = (received * rate).quantize(spec.fee_quantum, rounding=ROUND_HALF_UP)
    return min(fee, received)


def settle_fill(account: Account, spec: MarketSpec, order: Order, price: Decimal,
                qty: Decimal, is_maker: bool, now_ms: int, *,
                may_complete: bool = True) -> Settled:
    """Move the money of one fill of `order` and return the order after it.

    The order gives up the lock of the filled part (all of what is left when this fill
    completes it), the account pays `price * qty` (buy: quote) or `qty` (sell: base) out of
    it, the unspent rest of that lock returns to free (a buy limit filled below its limit),
    and the asset received is credited net of the fee. With `may_complete` False the order
    stays PARTIALLY_FILLED even at its quantity (a quote-quantity order the book could not
    satisfy: it expires afterwards).
    """
    quote = price * qty
    executed = order.executed_qty + qty
    completes = may_complete and executed >= order.qty
    if order.side is TradeSide.BUY:
        spent, received, paid_in, got_in = quote, qty, spec.quote, spec.base
        # A limit buy locked its own price per unit; a market buy locked what it would pay.
        limit = order.price if order.order_type is not OrderType.MARKET else None
        step_release = limit * qty if limit is not None else quote
    else:
        spent, received, paid_in, got_in = qty, quote, spec.base, spec.quote
        step_release = qty
    release = order.locked if completes else min(step_release, order.locked)
    account.spend_locked(paid_in, spent)
    account.unlock(paid_in, release - spent)
    fee = fee_for(spec, received, is_maker)
    account.credit(got_in, received - fee)
    updated = replace(
        order,
        executed_qty=executed,
        executed_quote=order.executed_quote + quote,
        locked=order.locked - release,
        status=OrderStatus.FILLED if completes else OrderStatus.PARTIALLY_FILLED,
        updated_ms=now_ms,
    )
    return Settled(updated, fee, got_in)


def release_all(account: Account, spec: MarketSpec, order: Order, status: OrderStatus,
                now_ms: int) -> Order:
    """End an order (cancel, expire): whatever it still locks returns to free."""
    if order.locked:
        account.unlock(locked_asset(spec, order.side), order.locked)
    return replace(order, status=status, locked=Decimal(0), updated_ms=now_ms)


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Largest multiple of `step` not above `value` (value itself when step is 0)."""
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step
