"""Conformance replay's answers: filters a client adds to a read-only request are applied as
the exchange applies them; response types shape the answer; non-JSON answers pass as is."""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import CIMultiDict

from harness.cassette.exchange import ExchangeProfile, ReadOnlyRoute, ResponseFilter
from harness.cassette.loader import cassette_from_document
from harness.cassette.matchers import RequestView, view_of_recorded
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance, NotInScenario, _filtered
from harness.replay.http import PreparedInteraction

TRADES = [{"id": 1, "time": 100}, {"id": 2, "time": 200}, {"id": 3, "time": 300}]
ROUTE = ReadOnlyRoute("/trades", filters=(
    ResponseFilter("startTime", ">=", field="time"), ResponseFilter("endTime", "<=", field="time"),
    ResponseFilter("limit", "last"), ResponseFilter("head", "first"),
    ResponseFilter("id", "==", field="id", unwrap=True)))


def ids_of(body: Any) -> list[int]:
    return [t["id"] for t in body]


def test_range_and_count_filters() -> None:
    assert ids_of(_filtered(ROUTE, TRADES, {"startTime": ("200",)})) == [2, 3]
    assert ids_of(_filtered(ROUTE, TRADES, {"endTime": ("200",)})) == [1, 2]
    assert ids_of(_filtered(ROUTE, TRADES, {"limit": ("2",)})) == [2, 3]
    assert ids_of(_filtered(ROUTE, TRADES, {"head": ("1",)})) == [1]
    assert ids_of(_filtered(ROUTE, TRADES, {"limit": ("0",), "startTime": ("x",)})) == []
    assert _filtered(ROUTE, TRADES, {"id": ("2",)}) == {"id": 2, "time": 200}
    with pytest.raises(NotInScenario, match="id=9 names nothing"):
        _filtered(ROUTE, TRADES, {"id": ("9",)})
    assert _filtered(ROUTE, {"not": "a list"}, {"limit": ("1",)}) == {"not": "a list"}


def test_nonzero_drops_empty_balances_only_when_asked() -> None:
    route = ReadOnlyRoute("/account", filters=(
        ResponseFilter("omitZeroBalances", "nonzero", items="balances",
                       fields=("free", "locked")),))
    body = {"balances": [{"asset": "A", "free": "0.0", "locked": "0"},
                         {"asset": "B", "free": "0", "locked": "1.5"}]}
    assert _filtered(route, body, {"omitZeroBalances": ("true",)}) == {
        "balances": [{"asset": "B", "free": "0", "locked": "1.5"}]}
    assert _filtered(route, body, {"omitZeroBalances": ("false",)}) == body


def prepared(index: int, uri: str, answer: bytes, method: str = "GET") -> PreparedInteraction:
    doc = {"version": 1, "meta": {"connector": "x", "scenario": "s", "standard_version": "1",
                                  "source": "generated", "date": "2026-01-01"},
           "http": {"version": 1, "interactions": [
               {"request": {"method": method, "uri": uri},
                "response": {"status": {"code": 200}, "body": {"string": answer.decode()}}}]}}
    cassette = cassette_from_document(doc)
    interaction = cassette.interactions[0]
    return PreparedInteraction(index, interaction, view_of_recorded(interaction.request, ()),
                               CIMultiDict())


def test_answers_pass_unchanged_unless_the_client_asked_for_something_else() -> None:
    profile = ExchangeProfile("x", read_only=(ROUTE, ReadOnlyRoute("/time", default={"t": 1})))
    cassette = cassette_from_document({"version": 1, "meta": {
        "connector": "x", "scenario": "s", "standard_version": "1", "source": "generated",
        "date": "2026-01-01"}, "http": {"version": 1, "interactions": []}})
    policy = HttpConformance(profile, cassette, ClientIds(profile, cassette))
    trades = prepared(0, "https://x/trades", json.dumps(TRADES).encode())
    text = prepared(1, "https://x/trades", b"not json")
    plain = RequestView("GET", "/trades")
    assert policy.body_for(plain, trades) is trades.interaction.response.body
    asked = RequestView("GET", "/trades", query_string="limit=1")
    assert json.loads(policy.body_for(asked, trades)) == [TRADES[-1]]
    assert policy.body_for(asked, text) == b"not json"
    assert policy.default_answer(RequestView("GET", "/time")) == b'{"t":1}'
    assert policy.default_answer(RequestView("GET", "/trades")) is None
    assert policy.default_answer(RequestView("GET", "/other")) is None
