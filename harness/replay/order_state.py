"""An order's status and trades from what the exchange already told the client (conformance
replay, exchange.yaml `order_state`; the declaration is harness/cassette/order_state.py).

A scenario records the polls its recording client made. Another correct client polls an
order on its own timer (Hummingbot: `GET /api/v3/myTrades?orderId=62` while the user stream
is being re-established), and where the scenario holds no answer for that order the replay
would refuse it. Yet the exchange's answer is known: it is what the exchange has already
said of the order, in this replay, to this client:

- the stream frames about the order that were sent, on any connection: the latest says its
  status, the trade frames are its trades;
- before the stream said anything, the placement answer the client got (Binance's FULL
  answer holds the status and the fills).

Sources are tried in their declared order: the first that knows the order (holds a record of
it) answers, with its latest entry or all of them. None knows it: the request is refused, as
before. Recorded answers for the order keep priority (this answers only what the replay
would otherwise refuse); a frame not yet sent has not happened yet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from harness.cassette.exchange import ExchangeProfile
from harness.cassette.meaning import same_value
from harness.cassette.order_state import NOTHING, Derived, OrderSource, OrderState
from harness.replay.client_ids import ClientIds
from harness.replay.http import PreparedInteraction
from harness.replay.items import WHOLE_BODY, with_items


class OrderAnswers:
    """Answers `order_state` routes from the frames sent so far (`sent`, appended to by the
    WebSocket replay as it sends) and the answers served (the HTTP replay's interactions)."""

    def __init__(self, profile: ExchangeProfile, ids: ClientIds, sent: Sequence[Any]) -> None:
        self.profile = profile
        self.ids = ids
        self.sent = sent

    def answer(self, rule: OrderState, params: Mapping[str, tuple[str, ...]],
               recorded: Sequence[PreparedInteraction]) -> Any:
        """The answer to a request naming an order (`params`), or NOTHING when no source
        knows the order (or the request names none)."""
        naming = {name: values[0] for name, values in params.items()
                  if name in rule.params and values}
        if not naming:
            return NOTHING
        for source in rule.sources:
            tests = self._tests(source, naming)
            if not tests:
                continue
            records = [(body, record) for body in self._bodies(source, recorded)
                       for record in _records(source, body)
                       if _holds({**body, **record}, source.match)
                       and all(key in record and same_value(str(record[key]), value)
                               for key, value in tests)]
            if not records:
                continue  # this source knows nothing of the order
            entries = [entry for body, record in records for entry in _entries(source, record)
                       if _holds({**body, **entry}, source.where)]
            made = _chosen(rule, [_made(source, entry) for entry in entries])
            if made is None:
                continue
            return made[0] if rule.unwrap else with_items(rule.template, rule.items, made)
        return NOTHING

    def _tests(self, source: OrderSource, naming: Mapping[str, str]) -> list[tuple[str, str]]:
        """(record field, value) pairs a record of the named order holds. A client order id
        is read as the recorded one, and as the exchange order id where the scenario knows
        it (a cancel's frame may carry another client id, never another order id)."""
        profile = self.profile
        main = profile.exchange_order_id_fields[0] if profile.exchange_order_id_fields else ""
        tests: list[tuple[str, str]] = []
        for name, value in naming.items():
            if name in profile.client_order_id_referenced_as:
                order_id, value = self.ids.order_ref(value, True)
                if order_id is not None and main in source.order:
                    tests.append((source.order[main], order_id))
                    continue
            if name in source.order:
                tests.append((source.order[name], value))
        return tests

    def _bodies(self, source: OrderSource, recorded: Sequence[PreparedInteraction]
                ) -> list[Mapping[str, Any]]:
        if source.stream:
            return [frame for frame in self.sent if isinstance(frame, Mapping)]
        bodies: list[Mapping[str, Any]] = []
        for item in recorded:
            response = item.interaction.response
            if ((item.view.method, item.view.path) != source.answer or not item.uses
                    or item.interaction.fault is not None or not 200 <= response.status < 300):
                continue  # not an answer the client got (a fault: it never arrived)
            try:
                body = json.loads(response.body)
            except ValueError:
                continue
            if isinstance(body, Mapping):
                bodies.append(body)
        return bodies


def _chosen(rule: OrderState, made: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The latest answer entry (None: there is none), or all of them: one per `unique`
    value (a repeated report is one trade), newest first where the exchange lists so."""
    if rule.keep == "latest":
        return made[-1:] or None
    if rule.unique:
        seen: dict[str, dict[str, Any]] = {}
        for entry in made:
            seen.setdefault(str(entry.get(rule.unique)), entry)
        made = list(seen.values())
    return made[::-1] if rule.newest_first else made


def _path(body: Any, path: str) -> Any:
    if path == WHOLE_BODY:
        return body
    found = body
    for key in path.split("."):
        if not isinstance(found, Mapping) or key not in found:
            return None
        found = found[key]
    return found


def _records(source: OrderSource, body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The records of a frame or answer: at the first of `source.records` it has."""
    for path in source.records:
        found = _path(body, path)
        if isinstance(found, Mapping):
            return [found]
        if isinstance(found, list):
            return [item for item in found if isinstance(item, Mapping)]
    return []


def _entries(source: OrderSource, record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record itself, or the items of its `entries` list, each read over the record."""
    if not source.entries:
        return [record]
    items = record.get(source.entries)
    if not isinstance(items, list):
        return []
    return [{**record, **item} for item in items if isinstance(item, Mapping)]


def _holds(view: Mapping[str, Any], condition: Mapping[str, tuple[Any, ...]] | None) -> bool:
    if not condition:
        return True
    return all(key in view and any(_same(view[key], want) for want in wanted)
               for key, wanted in condition.items())


def _same(have: Any, want: Any) -> bool:
    if isinstance(have, bool) or isinstance(want, bool) or have is None or want is None:
        return bool(have == want)
    return same_value(str(have), str(want))


def _made(source: OrderSource, entry: Mapping[str, Any]) -> dict[str, Any]:
    """One answer entry: the entry's fields (copy_all, less `drop`), then `fields` over them."""
    made = {k: v for k, v in entry.items() if k not in source.drop} if source.copy_all else {}
    for name, how in (source.fields or {}).items():
        value = _derive(how, entry)
        if value is not NOTHING:
            made[name] = value
    return made


def _derive(how: Derived, entry: Mapping[str, Any]) -> Any:
    if how.value is not NOTHING:
        return how.value
    if how.product is not None:
        return _product(entry.get(how.product[0]), entry.get(how.product[1]))
    if how.is_test:
        return how.first[0] in entry and any(_same(entry[how.first[0]], want)
                                             for want in how.equals)
    for name in how.first:
        value = entry.get(name)
        if value is not None and value != "":
            return value
    return how.default


def _product(left: Any, right: Any) -> Any:
    """`left` x `right` as a decimal string, to the finer of their precisions
    ("30000.00000000" x "0.01000000" = "300.00000000")."""
    try:
        a, b = Decimal(str(left)), Decimal(str(right))
    except (InvalidOperation, ValueError):
        return NOTHING
    if not (a.is_finite() and b.is_finite()):
        return NOTHING
    exponent = min(int(a.as_tuple().exponent), int(b.as_tuple().exponent))
    return str((a * b).quantize(Decimal(1).scaleb(exponent)))
