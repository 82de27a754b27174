"""Sizes and prices near the edges of a market's filters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.double.market import MarketSpec
from harness.scenarios.edges import amount_for, price_for
from harness.scenarios.steps import AmountKind, PriceKind
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair
from harness.standard.rules import round_down_to

D = Decimal
SPEC = MarketSpec(TradingPair("BTC", "USDT"), "BTCUSDT", tick_size=D("0.01"),
                  step_size=D("0.001"), min_qty=D("0.002"), min_notional=D("5"),
                  min_price=D("0.05"), max_price=D("50000"))
BID, ASK = D("99.00"), D("101.00")


@pytest.mark.parametrize(("kind", "expected"), [
    (AmountKind.MIN, D("0.002")),
    (AmountKind.MIN_NOTIONAL, D("0.050")),  # 0.05 * 100 = 5, the minimum notional
    (AmountKind.BELOW_MIN, D("0.001")),
    (AmountKind.FEW_STEPS, D("0.053")),
    (AmountKind.NORMAL, D("0.200")),
    (AmountKind.HUGE, D("30.001")),  # three times what the balance covers, plus a step
])
def test_amounts_sit_on_the_edges_of_the_filters(kind: AmountKind, expected: Decimal) -> None:
    assert amount_for(kind, SPEC, D("100"), D("10")) == expected


def test_off_step_and_tiny_amounts_are_what_a_connector_must_quantize() -> None:
    off = amount_for(AmountKind.OFF_STEP, SPEC, D("100"), D("10"))
    assert off % SPEC.step_size != 0 and round_down_to(off, SPEC.step_size) == D("0.050")
    assert round_down_to(amount_for(AmountKind.TINY, SPEC, D("100"), D("10")),
                         SPEC.step_size) == 0


@pytest.mark.parametrize(("kind", "side", "expected"), [
    (PriceKind.TOUCH, TradeSide.BUY, BID),
    (PriceKind.INSIDE, TradeSide.BUY, D("99.01")),
    (PriceKind.INSIDE, TradeSide.SELL, D("100.99")),
    (PriceKind.CROSS, TradeSide.BUY, ASK),
    (PriceKind.THROUGH, TradeSide.SELL, D("98.97")),
    (PriceKind.DEEP, TradeSide.BUY, D("98.80")),
    (PriceKind.DEEP, TradeSide.SELL, D("101.20")),
    (PriceKind.ONE_TICK, TradeSide.SELL, D("0.05")),  # the price filter's minimum
    (PriceKind.HUGE, TradeSide.SELL, D("50000")),  # capped by the price filter's maximum
])
def test_prices_sit_where_their_kind_says(kind: PriceKind, side: TradeSide,
                                          expected: Decimal) -> None:
    assert price_for(kind, side, SPEC, BID, ASK) == expected


def test_an_off_tick_price_lies_between_two_ticks() -> None:
    price = price_for(PriceKind.OFF_TICK, TradeSide.BUY, SPEC, BID, ASK)
    assert price % SPEC.tick_size != 0 and BID - D("0.03") < price < BID


def test_a_missing_side_of_the_book_is_invented_next_to_the_other() -> None:
    assert price_for(PriceKind.CROSS, TradeSide.BUY, SPEC, BID, None) == D("99.05")
    assert price_for(PriceKind.TOUCH, TradeSide.BUY, SPEC, None, None) == D("1000")
