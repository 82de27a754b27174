"""Trading rules and the quantization every order goes through before it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from harness.standard.pair import TradingPair


@dataclass(frozen=True)
class TradingRule:
    """What the exchange accepts for one pair. Increments and bounds of 0 mean "no
    constraint" (as Binance's filters say it)."""

    pair: TradingPair
    min_order_size: Decimal
    max_order_size: Decimal
    min_price_increment: Decimal
    min_base_increment: Decimal
    min_notional: Decimal = Decimal(0)
    min_price: Decimal = Decimal(0)
    max_price: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("min_order_size", "max_order_size", "min_price_increment",
                     "min_base_increment", "min_notional", "min_price", "max_price"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise TypeError(f"TradingRule.{name} must be a Decimal, got {type(value).__name__}")
            if value < 0 or not value.is_finite():
                raise ValueError(f"TradingRule.{name} must be finite and >= 0, got {value}")

    def quantize_price(self, price: Decimal) -> Decimal:
        return round_down_to(price, self.min_price_increment)

    def quantize_amount(self, amount: Decimal) -> Decimal:
        return round_down_to(amount, self.min_base_increment)

    def violation(self, amount: Decimal, price: Decimal | None, *,
                  reference: bool = False) -> str | None:
        """Why an already-quantized order breaks this rule, or None if it does not.
        `reference`: `price` is not the order's own (a MARKET order's estimate, for the
        notional), so the price bounds do not apply to it."""
        if amount <= 0:
            return f"amount {amount} is not positive"
        if amount < self.min_order_size:
            return f"amount {amount} is below the minimum order size {self.min_order_size}"
        if self.max_order_size and amount > self.max_order_size:
            return f"amount {amount} is above the maximum order size {self.max_order_size}"
        if price is not None and price <= 0:
            return f"price {price} is not positive"
        if price is not None and not reference and price < self.min_price:
            return f"price {price} is below the minimum price {self.min_price}"
        if price is not None and not reference and self.max_price and price > self.max_price:
            return f"price {price} is above the maximum price {self.max_price}"
        if price is not None and amount * price < self.min_notional:
            return f"notional {amount * price} is below the minimum notional {self.min_notional}"
        return None


def round_down_to(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` down to a multiple of `step`; never up, so an order never grows.

    >>> round_down_to(Decimal("1.2345"), Decimal("0.01"))
    Decimal('1.23')
    """
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step
