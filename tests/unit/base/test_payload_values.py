"""Exchange payload values: decimals never through float, ms -> s, levels, named words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.base.payload_values import decimal, mapped, parse_levels, seconds


def test_decimal_keeps_the_exact_value_of_a_decimal_string() -> None:
    assert decimal("0.1") + decimal("0.2") == Decimal("0.3")
    assert decimal(5) == Decimal(5)


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", "-inf", None])
def test_decimal_refuses_what_is_not_a_finite_decimal(bad: object) -> None:
    with pytest.raises(ValueError, match="decimal"):
        decimal(bad)


def test_seconds_reads_milliseconds_as_numbers_or_strings() -> None:
    assert seconds(1_700_000_000_123) == 1_700_000_000.123
    assert seconds("1500") == 1.5


def test_parse_levels_makes_decimal_pairs_and_refuses_a_bad_price() -> None:
    assert parse_levels([["30000.10", "0.5"], ["29999", "1"]]) == (
        (Decimal("30000.10"), Decimal("0.5")), (Decimal("29999"), Decimal("1")))
    with pytest.raises(ValueError):
        parse_levels([["x", "1"]])


def test_mapped_names_what_the_unknown_word_was_meant_to_be() -> None:
    assert mapped({"NEW": 1}, "NEW", "order status") == 1
    with pytest.raises(ValueError, match="unknown Binance order status 'OLD'"):
        mapped({"NEW": 1}, "OLD", "Binance order status")
