"""Sizes and prices near the edges of a market's filters, from the exchange's own spec.

The machine draws a kind ("the minimum size", "one tick inside the spread"); these functions
turn it into the Decimal a trader would send, from the market's tick, step, minimums and the
book as it is at that moment. Some kinds are deliberately invalid (below the minimum, between
two ticks): the connector must quantize them, or refuse them without sending.

>>> from harness.double.market import MarketSpec
>>> from harness.standard.pair import TradingPair
>>> spec = MarketSpec(TradingPair("BTC", "USDT"), "BTCUSDT", Decimal("0.01"),
...                   Decimal("0.001"), min_qty=Decimal("0.002"), min_notional=Decimal("5"))
>>> amount_for(AmountKind.MIN, spec, Decimal("100"), Decimal("1000"))
Decimal('0.002')
>>> amount_for(AmountKind.MIN_NOTIONAL, spec, Decimal("100"), Decimal("1000"))
Decimal('0.05')
>>> price_for(PriceKind.INSIDE, TradeSide.BUY, spec, Decimal("99"), Decimal("101"))
Decimal('99.01')
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from harness.double.market import MarketSpec
from harness.scenarios.steps import AmountKind, PriceKind
from harness.standard.enums import TradeSide

_ZERO = Decimal(0)
FALLBACK_PRICE = Decimal(1000)


def _down(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def _up(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def _step(spec: MarketSpec) -> Decimal:
    return spec.step_size if spec.step_size > 0 else Decimal("0.00000001")


def _tick(spec: MarketSpec) -> Decimal:
    return spec.tick_size if spec.tick_size > 0 else Decimal("0.00000001")


def min_size(spec: MarketSpec) -> Decimal:
    """The smallest size the filters allow, ignoring the notional."""
    return max(spec.min_qty, _step(spec))


def amount_for(kind: AmountKind, spec: MarketSpec, price: Decimal, affordable: Decimal
               ) -> Decimal:
    """A base amount of `kind` at `price`; `affordable` is the most the balance covers."""
    step = _step(spec)
    least = min_size(spec)
    at_notional = _up(spec.min_notional / price, step) if price > 0 else least
    if kind is AmountKind.MIN:
        return least
    if kind is AmountKind.MIN_NOTIONAL:
        return max(least, at_notional)
    if kind is AmountKind.BELOW_MIN:
        return least - step if least > step else step / 2
    if kind is AmountKind.OFF_STEP:
        return max(least, at_notional) + step / 2
    if kind is AmountKind.FEW_STEPS:
        return max(least, at_notional) + 3 * step
    if kind is AmountKind.NORMAL:
        return max(least, at_notional) * 4
    if kind is AmountKind.HUGE:
        return _down(max(affordable, least) * 3, step) + step
    return step / 1000  # TINY


def price_for(kind: PriceKind, side: TradeSide, spec: MarketSpec, best_bid: Decimal | None,
              best_ask: Decimal | None) -> Decimal:
    """A limit price of `kind` for an order on `side`, given the book's best prices.

    Prices stay within the market's price bounds (min_price, max_price) but for BEYOND_MAX,
    one tick above the maximum: the trading rule carries the bounds, so the connector must
    refuse it without sending (a market without a maximum gets HUGE instead)."""
    tick = _tick(spec)
    bid, ask = _touches(best_bid, best_ask, tick)
    own, other = (bid, ask) if side is TradeSide.BUY else (ask, bid)
    away = -1 if side is TradeSide.BUY else 1  # direction of "deeper" for our side
    if kind is PriceKind.DEEP:
        return max(own + away * 20 * tick, tick)
    if kind is PriceKind.TOUCH:
        return own
    if kind is PriceKind.INSIDE:
        inside = own - away * tick
        return inside if (inside < ask if side is TradeSide.BUY else inside > bid) else own
    if kind is PriceKind.CROSS:
        return other
    if kind is PriceKind.THROUGH:
        return max(other - away * 3 * tick, tick)
    if kind is PriceKind.OFF_TICK:
        return max(own + away * 2 * tick, tick) + tick / 2
    if kind is PriceKind.ONE_TICK:
        return max(tick, _up(spec.min_price, tick))
    if kind is PriceKind.BEYOND_MAX and spec.max_price > 0:
        return _down(spec.max_price, tick) + tick
    huge = _down(other * 1000, tick)  # HUGE: as far as the price filter allows
    return min(huge, _down(spec.max_price, tick)) if spec.max_price > 0 else huge


def _touches(best_bid: Decimal | None, best_ask: Decimal | None, tick: Decimal
             ) -> tuple[Decimal, Decimal]:
    """Best bid and ask, inventing the missing side(s) a few ticks from the other."""
    if best_bid is not None and best_ask is not None:
        return best_bid, best_ask
    if best_bid is not None:
        return best_bid, best_bid + 5 * tick
    if best_ask is not None:
        return max(best_ask - 5 * tick, tick), best_ask
    base = _down(FALLBACK_PRICE, tick)
    return base, base + 5 * tick
