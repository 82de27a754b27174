"""Requests compared by meaning: what conformance replay matches (docs/cassettes.md).

Two requests mean the same when they name the same parameters with the same values,
wherever the parameters travel (query string, form body whatever its Content-Type claims,
JSON body), decimals by value (`0.01000000` == `0.01`), leaving out what the exchange lets
the client choose (its exchange.yaml), and naming an order by either of its ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from harness.cassette.exchange import ExchangeProfile, ReadOnlyRoute
from harness.cassette.matchers import Params, RequestView

# Keeps order references comparable: a client order id is mapped to (the exchange's order
# id when the scenario knows it, the recorded client order id it stands for).
OrderRef = Callable[[str, bool], "tuple[str | None, str]"]
RANGE_FILTERS = ("==", ">=", "<=")


def same_value(got: str, want: str) -> bool:
    """Equal as text, or as decimal numbers (`0.01000000` == `0.01`)."""
    if got == want:
        return True
    try:
        left, right = Decimal(got), Decimal(want)
    except (InvalidOperation, ValueError):
        return False
    return left.is_finite() and right.is_finite() and left == right


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def meaning_params(view: RequestView) -> Params:
    """Query, form and top-level JSON parameters together (the query wins on a clash)."""
    found: dict[str, tuple[str, ...]] = {}
    if view.has_json and isinstance(view.json, Mapping):
        found.update({str(k): (_text(v),) for k, v in view.json.items()})
    found.update(view.form)
    found.update(view.query)
    return found


def values_differ(got: tuple[str, ...], want: tuple[str, ...]) -> bool:
    if len(got) != len(want):
        return True
    return not all(same_value(a, b) for a, b in zip(sorted(got), sorted(want), strict=True))


class MeaningMatcher:
    """The `params` matcher of conformance replay: compares requests by meaning.

    order_ref(value, from_client) turns a client order id into the exchange order id the
    scenario knows it by, and the recorded client order id it stands for, so
    `origClientOrderId=X` and `orderId=28` name the same order.
    """

    __name__ = "params"

    def __init__(self, profile: ExchangeProfile, order_ref: OrderRef) -> None:
        self.profile = profile
        self.order_ref = order_ref
        self._recorded: dict[int, tuple[RequestView, Params]] = {}  # the scenario's side

    def normalized(self, view: RequestView, from_client: bool) -> Params:
        """The request's parameters as the exchange reads them (client choices left out)."""
        profile = self.profile
        params = {k: v for k, v in meaning_params(view).items()
                  if k not in profile.client_chosen}
        for name in profile.client_order_id_referenced_as:
            values = params.get(name)
            if not values:
                continue
            order_id, recorded = self.order_ref(values[0], from_client)
            if order_id is not None and profile.exchange_order_id_fields:
                del params[name]
                params.setdefault(profile.exchange_order_id_fields[0], (order_id,))
            else:
                params[name] = (recorded,)
        return params

    def __call__(self, request: RequestView, recorded: RequestView) -> str | None:
        got = self.normalized(request, True)
        cached = self._recorded.get(id(recorded))
        if cached is None or cached[0] is not recorded:  # (the view is kept: ids stay unique)
            cached = self._recorded[id(recorded)] = (recorded, self.normalized(recorded, False))
        want = cached[1]
        ignored = self.profile.ignored_in(recorded.method, recorded.path, want)
        if ignored:  # what the exchange ignores here is no part of the request's meaning
            got = {k: v for k, v in got.items() if k not in ignored}
            want = {k: v for k, v in want.items() if k not in ignored}
        route = self.profile.read_only_route(recorded.method, recorded.path)
        if route is not None:
            got, want = _read_only_view(route, got, want)
        unknown = self._unknown_order(got, want)
        if unknown is None:
            return _diff(got, want)
        rest = _diff(*unknown[1:])
        return unknown[0] + (f"; {rest}" if rest else "")

    def _unknown_order(self, got: Params, want: Params) -> tuple[str, Params, Params] | None:
        """A client order id the scenario does not know, where it names an order by id."""
        fields = self.profile.exchange_order_id_fields
        if not fields or fields[0] not in want or fields[0] in got:
            return None
        for name in self.profile.client_order_id_referenced_as:
            if name in got and name not in want:
                reason = (f"{name}={','.join(got[name])} names no order of this scenario"
                          f" (it has {fields[0]}={','.join(want[fields[0]])})")
                return (reason, {k: v for k, v in got.items() if k != name},
                        {k: v for k, v in want.items() if k != fields[0]})
        return None


def _read_only_view(route: ReadOnlyRoute, got: Params, want: Params) -> tuple[Params, Params]:
    """Leave out what a client may add to a read-only request: optional parameters always;
    a filter when only one side has it (the replay applies the client's to the answer), and
    a limit or a `nonzero` filter whatever its value."""
    got, want = dict(got), dict(want)
    for name in route.optional:
        got.pop(name, None)
        want.pop(name, None)
    for item in route.filters:
        name = item.param
        if name not in got or name not in want or item.keep not in RANGE_FILTERS:
            got.pop(name, None)
            want.pop(name, None)
    return got, want


def _diff(got: Params, want: Params) -> str | None:
    parts: list[str] = []
    for key in sorted(want.keys() - got.keys()):
        parts.append(f"missing {key}={','.join(want[key])}")
    for key in sorted(got.keys() - want.keys()):
        parts.append(f"unexpected {key}={','.join(got[key])}")
    for key in sorted(got.keys() & want.keys()):
        if values_differ(got[key], want[key]):
            parts.append(f"{key}={','.join(got[key])} but the scenario has"
                         f" {','.join(want[key])}")
    return "; ".join(parts) or None
