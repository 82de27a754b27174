"""The client's own ids in a conformance replay: learned from its requests, echoed back.

A scenario was recorded with some client's order ids (`CH-Bt1`). Another client names its
orders its own way; once its placement matched the recorded one, every response and stream
frame that echoes the recorded id echoes the client's instead, and requests naming the
client's id are read as naming the recorded order. The scenario also tells which exchange
order id each recorded client id has, so a client may name an order by either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from harness.cassette.exchange import ExchangeProfile
from harness.cassette.format import Cassette
from harness.cassette.matchers import RequestView
from harness.cassette.meaning import meaning_params


class ClientIds:
    """Recorded client order id <-> the id this client sent, and recorded id -> order id."""

    def __init__(self, profile: ExchangeProfile, cassette: Cassette) -> None:
        self.profile = profile
        self.to_client: dict[str, str] = {}
        self.to_recorded: dict[str, str] = {}
        self.order_ids: dict[str, str] = dict(_recorded_order_ids(profile, cassette))

    @property
    def aliased(self) -> bool:
        """True once this client used an id other than the recorded one."""
        return any(k != v for k, v in self.to_client.items())

    def learn(self, request: RequestView, recorded: RequestView) -> None:
        """After a request matched `recorded`: remember the ids the client chose."""
        mine, theirs = meaning_params(request), meaning_params(recorded)
        for name in self.profile.client_order_id_sent_as:
            if name in mine and name in theirs:
                self.to_client[theirs[name][0]] = mine[name][0]
                self.to_recorded[mine[name][0]] = theirs[name][0]

    def order_ref(self, value: str, from_client: bool) -> tuple[str | None, str]:
        """The exchange order id a client order id names (None if the scenario lacks it),
        and the recorded client order id it stands for."""
        recorded = self.to_recorded.get(value, value) if from_client else value
        return self.order_ids.get(recorded), recorded

    def echo(self, value: Any) -> Any:
        """`value` with every echoed client order id replaced by the one this client sent."""
        if not self.aliased:
            return value
        return _replace(value, self.profile.client_order_id_echoed_as, self.to_client)


def _objects(values: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    for value in values:
        if isinstance(value, Mapping):
            yield value
            yield from _objects(value.values())
        elif isinstance(value, list):
            yield from _objects(value)


def _replace(value: Any, fields: frozenset[str], mapping: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        return {k: (mapping.get(v, v) if k in fields and isinstance(v, str)
                    else _replace(v, fields, mapping)) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, fields, mapping) for v in value]
    return value


# The loader hands every check of a suite the same Cassette object for a scenario (and the
# profile is loaded once): the scan is done once per pair, not once per check.
_SCANNED: dict[tuple[int, int], tuple[ExchangeProfile, Cassette, dict[str, str]]] = {}


def _recorded_order_ids(profile: ExchangeProfile, cassette: Cassette) -> dict[str, str]:
    """Each recorded client order id with its exchange order id, from every JSON object of
    the scenario that carries both."""
    key = (id(profile), id(cassette))
    kept = _SCANNED.get(key)
    if kept is not None and kept[0] is profile and kept[1] is cassette:
        return kept[2]
    id_fields = profile.client_order_id_echoed_as
    order_fields = set(profile.exchange_order_id_fields) | {"i"}
    bodies: list[Any] = []
    for interaction in cassette.interactions:
        try:
            bodies.append(json.loads(interaction.response.body or b"null"))
        except ValueError:
            continue
    bodies += [frame.value for conn in cassette.ws for frame in conn.frames]
    found: dict[str, str] = {}
    for obj in _objects(bodies):
        client = next((obj[k] for k in ("clientOrderId", "c") if k in id_fields
                       and isinstance(obj.get(k), str) and obj[k]), None)
        order = next((obj[k] for k in order_fields if isinstance(obj.get(k), int)), None)
        if client is not None and order is not None:
            found.setdefault(client, str(order))
    if len(_SCANNED) >= 64:
        _SCANNED.pop(next(iter(_SCANNED)))
    _SCANNED[key] = (profile, cassette, found)
    return found

