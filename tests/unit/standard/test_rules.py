"""Trading rules: quantization always rounds down, and violations are explained."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule, round_down_to

PAIR = TradingPair("BTC", "USDT")


def rule(**overrides: Decimal) -> TradingRule:
    values = dict(min_order_size=Decimal("0.001"), max_order_size=Decimal("100"),
                  min_price_increment=Decimal("0.01"), min_base_increment=Decimal("0.001"),
                  min_notional=Decimal("10"))
    values.update(overrides)
    return TradingRule(PAIR, **values)


@pytest.mark.parametrize(("value", "step", "expected"), [
    ("1.2345", "0.01", "1.23"),
    ("1.2399", "0.01", "1.23"),
    ("1.23", "0.01", "1.23"),
    ("0.009", "0.01", "0.00"),
    ("17", "5", "15"),
    ("100.5", "0.5", "100.5"),
    ("3.14159", "0.0025", "3.1400"),
    ("1.5", "0", "1.5"),
])
def test_round_down_to_never_rounds_up(value: str, step: str, expected: str) -> None:
    assert round_down_to(Decimal(value), Decimal(step)) == Decimal(expected)


def test_rule_quantizes_price_and_amount_to_its_increments() -> None:
    r = rule()
    assert r.quantize_price(Decimal("27123.456")) == Decimal("27123.45")
    assert r.quantize_amount(Decimal("0.123456")) == Decimal("0.123")


def test_zero_increment_means_no_constraint() -> None:
    r = rule(min_price_increment=Decimal(0), min_base_increment=Decimal(0))
    assert r.quantize_price(Decimal("1.23456789")) == Decimal("1.23456789")
    assert r.quantize_amount(Decimal("0.000000001")) == Decimal("0.000000001")


steps = st.sampled_from([Decimal(s) for s in ("0.00000001", "0.0001", "0.001", "0.01", "0.05",
                                              "0.1", "0.25", "1", "5", "10", "0.0025")])
values = st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), places=10,
                     allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=values, step=steps)
def test_quantized_is_a_multiple_of_the_step_at_most_one_step_below(value: Decimal,
                                                                    step: Decimal) -> None:
    quantized = round_down_to(value, step)
    assert quantized <= value
    assert quantized % step == 0
    assert value - quantized < step


@pytest.mark.parametrize(("amount", "price", "problem"), [
    ("0", "100", "amount 0 is not positive"),
    ("-1", "100", "is not positive"),
    ("0.0001", "100000", "below the minimum order size 0.001"),
    ("101", "100", "above the maximum order size 100"),
    ("1", "0", "price 0 is not positive"),
    ("0.01", "100", "notional 1.00 is below the minimum notional 10"),
])
def test_violation_names_the_broken_rule(amount: str, price: str, problem: str) -> None:
    found = rule().violation(Decimal(amount), Decimal(price))
    assert found is not None and problem in found


def test_order_within_the_rules_has_no_violation() -> None:
    assert rule().violation(Decimal("0.1"), Decimal("200")) is None
    # A market order (no price) is judged on amounts only.
    assert rule().violation(Decimal("0.002"), None) is None


def test_max_order_size_zero_means_unbounded() -> None:
    assert rule(max_order_size=Decimal(0)).violation(Decimal("1e6"), Decimal(1)) is None


def test_rule_refuses_floats_and_negative_or_infinite_values() -> None:
    with pytest.raises(TypeError, match=r"min_notional must be a Decimal, got float"):
        rule(min_notional=10.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"min_order_size must be finite and >= 0"):
        rule(min_order_size=Decimal("-1"))
    with pytest.raises(ValueError, match=r"max_order_size must be finite"):
        rule(max_order_size=Decimal("Infinity"))
