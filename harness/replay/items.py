"""Where a read-only answer keeps the list a filter narrows: `.` (the body is the list), a
key (`symbols`: Binance's exchangeInfo), or keys joined by dots (`result.list`: Bybit v5
wraps every answer in `{retCode, retMsg, result: {...}}`).

    items_at({"result": {"list": [1, 2]}}, "result.list")          # [1, 2]
    with_items({"result": {"list": [1, 2]}}, "result.list", [2])   # {"result": {"list": [2]}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WHOLE_BODY = "."


def items_at(body: Any, where: str) -> list[Any] | None:
    """The list at `where` in `body`; None when the body has none there."""
    if where == WHOLE_BODY:
        return body if isinstance(body, list) else None
    found: Any = body
    for key in where.split("."):
        if not isinstance(found, Mapping):
            return None
        found = found.get(key)
    return found if isinstance(found, list) else None


def with_items(body: Any, where: str, items: list[Any]) -> Any:
    """A copy of `body` with `items` at `where` (the rest shared, never changed in place);
    `body` itself when it has no list there."""
    if where == WHOLE_BODY:
        return items
    if items_at(body, where) is None:
        return body
    return _replaced(body, where.split("."), items)


def _replaced(body: Mapping[str, Any], keys: list[str], items: list[Any]) -> dict[str, Any]:
    head, rest = keys[0], keys[1:]
    return {**body, head: _replaced(body[head], rest, items) if rest else items}
