"""Comparing payload shapes: what a fidelity test asks of an exchange double.

A double renders the same kinds of payloads the exchange sent in its cassettes; "the same"
means the same keys (recursively), the same JSON types (string, number, bool, null, and
decimal strings apart from other strings), and list elements of the same shapes. Values may
differ. Every exchange's fidelity test pairs recorded payloads with rendered ones its own way
and compares them with `shape_diff`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any


def json_type(value: Any, *, dotless_decimals: bool = False) -> str:
    """The JSON type of a value, decimal strings told apart from other strings.

    A decimal string has a dot ('0.01000000', as Binance writes every decimal, while its
    ids and enum values have none); with `dotless_decimals` any number written as a string
    is one ('0', '30000', as Bybit writes them).

    >>> json_type("0.01000000"), json_type("BTCUSDT"), json_type(3), json_type(None)
    ('decimal string', 'string', 'number', 'null')
    >>> json_type("30000"), json_type("30000", dotless_decimals=True)
    ('string', 'decimal string')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "decimal string" if _is_decimal(value, dotless_decimals) else "string"
    return "object" if isinstance(value, dict) else "array"


def _is_decimal(text: str, dotless: bool) -> bool:
    if "." not in text and not dotless:
        return False
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def shape_diff(recorded: Any, rendered: Any, where: str = "$",
               tolerated: frozenset[str] = frozenset(),
               discriminators: Sequence[str] = (), *, dotless_decimals: bool = False
               ) -> list[str]:
    """How `rendered` differs from `recorded` in keys and JSON types ([] if in shape).

    Object keys in `tolerated` may be missing on either side. List elements are compared
    with the rendered element of the same discriminator value (e.g. a Binance filter with the
    same `filterType`; none if the double renders no such element), else with the first.
    `dotless_decimals` is json_type's.
    """
    kinds = (json_type(recorded, dotless_decimals=dotless_decimals),
             json_type(rendered, dotless_decimals=dotless_decimals))
    if kinds[0] != kinds[1]:
        return [f"{where}: recorded {kinds[0]} {recorded!r:.40}, double {kinds[1]} "
                f"{rendered!r:.40}"]
    if isinstance(recorded, dict):
        problems = [f"{where}: the double lacks key {k!r}" for k in recorded
                    if k not in rendered and k not in tolerated]
        problems += [f"{where}: the double adds key {k!r}" for k in rendered
                     if k not in recorded and k not in tolerated]
        for name in sorted(recorded.keys() & rendered.keys()):
            problems += shape_diff(recorded[name], rendered[name], f"{where}.{name}", tolerated,
                                   discriminators, dotless_decimals=dotless_decimals)
        return problems
    if isinstance(recorded, list) and recorded and rendered:
        problems = []
        for index, item in enumerate(recorded):
            counterpart = _element_like(item, rendered, discriminators)
            if counterpart is not None:
                problems += shape_diff(item, counterpart, f"{where}[{index}]", tolerated,
                                       discriminators, dotless_decimals=dotless_decimals)
        return problems
    return []


def _element_like(item: Any, rendered: list[Any], discriminators: Sequence[str]) -> Any:
    for field in discriminators:
        if isinstance(item, dict) and field in item:
            return next((r for r in rendered if isinstance(r, dict)
                         and r.get(field) == item[field]), None)
    return rendered[0]
