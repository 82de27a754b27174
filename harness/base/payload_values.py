"""Values as exchanges send them -> the standard's values, for every connector's parser.

Exchanges send prices, quantities, fees and balances as decimal strings, times as epoch
milliseconds, and enumerations (order states, sides) as their own words. These turn them into
Decimals (never through float), seconds and the standard's enums, and raise ValueError on
anything else, so that a malformed payload fails where it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from harness.standard.order_book import Level
from harness.standard.pair import TradingPair

PairLookup = Callable[[str], TradingPair | None]
"""An exchange symbol -> the pair it trades, None for a symbol the connector does not trade."""

_T = TypeVar("_T")


def decimal(value: Any) -> Decimal:
    """A Decimal from a decimal string (or int); raises ValueError on anything else.

    >>> decimal("0.1") + decimal("0.2")
    Decimal('0.3')
    """
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal")
    return number


def seconds(milliseconds: Any) -> float:
    """Epoch seconds from epoch milliseconds (a number or a string of digits)."""
    return int(milliseconds) / 1000


def format_decimal(value: Decimal) -> str:
    """A decimal parameter as exchanges read it: plain notation, no exponent, no needless
    trailing zeros.

    >>> format_decimal(Decimal("1.2300E+3")), format_decimal(Decimal("0.000010"))
    ('1230', '0.00001')
    """
    return format(value.normalize(), "f")


def parse_levels(levels: Iterable[Any]) -> tuple[Level, ...]:
    """[[price, amount], ...] as decimal strings -> the standard's book levels."""
    return tuple((decimal(price), decimal(amount)) for price, amount in levels)


def mapped(table: Mapping[str, _T], word: str, what: str) -> _T:
    """`table[word]`, or ValueError naming `what` the word was meant to be.

    >>> mapped({"Buy": 1}, "Sell", "Bybit side")
    Traceback (most recent call last):
    ValueError: unknown Bybit side 'Sell'
    """
    try:
        return table[word]
    except KeyError:
        raise ValueError(f"unknown {what} {word!r}") from None
