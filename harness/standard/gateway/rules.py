"""The arithmetic every Gateway quote and swap obeys, shared by the double and the checks.

Gateway prices are quote-token per base-token whatever the side. A SELL spends `amount`
base (amountIn) for amountOut quote; a BUY receives `amount` base (amountOut) for amountIn
quote. Slippage widens the bound on the side the trader does not fix.
"""

from __future__ import annotations

from decimal import Decimal

from harness.standard.gateway.model import SwapSide

HUNDRED = Decimal(100)
# JSON numbers cross Gateway as floats: compare with a relative tolerance, never exactly.
DEFAULT_TOLERANCE = Decimal("0.000001")


def quote_price(side: SwapSide, amount_in: Decimal, amount_out: Decimal) -> Decimal:
    """Quote per base implied by a swap's amounts. `quote_price(SELL, 2, 6000) == 3000`."""
    if side is SwapSide.SELL:
        return amount_out / amount_in
    return amount_in / amount_out


def min_amount_out(amount_out: Decimal, slippage_pct: Decimal) -> Decimal:
    """The least a trader accepts: amountOut less slippagePct percent."""
    return amount_out * (HUNDRED - slippage_pct) / HUNDRED


def max_amount_in(amount_in: Decimal, slippage_pct: Decimal) -> Decimal:
    """The most a trader pays: amountIn plus slippagePct percent."""
    return amount_in * (HUNDRED + slippage_pct) / HUNDRED


def close_enough(actual: Decimal, expected: Decimal,
                 tolerance: Decimal = DEFAULT_TOLERANCE) -> bool:
    """Equal within a relative tolerance (and an absolute one near zero)."""
    scale = max(abs(actual), abs(expected), Decimal(1))
    return abs(actual - expected) <= tolerance * scale


def valid_slippage(slippage_pct: Decimal) -> bool:
    return Decimal(0) <= slippage_pct <= HUNDRED


def valid_percentage_to_remove(percentage: Decimal) -> bool:
    """Gateway's percentageToRemove is a percentage of the position: (0, 100]."""
    return Decimal(0) < percentage <= HUNDRED


def swap_bounds(side: SwapSide, amount_in: Decimal, amount_out: Decimal,
                slippage_pct: Decimal) -> tuple[Decimal, Decimal]:
    """(minAmountOut, maxAmountIn) of a quote. A SELL fixes its input, so slippage lowers
    the output it accepts; a BUY fixes its output, so slippage raises the input it pays."""
    if side is SwapSide.SELL:
        return min_amount_out(amount_out, slippage_pct), amount_in
    return amount_out, max_amount_in(amount_in, slippage_pct)
