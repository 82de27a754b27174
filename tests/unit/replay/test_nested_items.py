"""Filters and overlays on a list nested in the answer (`items: result.list`), as Bybit v5
wraps its answers, and subscriptions named by another field than Binance's `method`.

The exchange here is made up in Bybit's shape: nothing in the code knows Bybit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict

from harness.cassette.exchange import ReadOnlyRoute, ResponseFilter, profile_from_document
from harness.cassette.loader import cassette_from_document
from harness.cassette.matchers import view_of_recorded
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import NotInScenario, _filtered
from harness.replay.http import PreparedInteraction
from harness.replay.items import items_at, with_items
from harness.replay.read_state import overlaid
from harness.replay.ws_conformance import WsConformance


def wrapped(*entries: tuple[str, str]) -> dict[str, Any]:
    return {"retCode": 0, "result": {"category": "spot",
                                     "list": [{"symbol": s, "lastPrice": p} for s, p in entries]}}


BY_SYMBOL = ResponseFilter("symbol", "==", items="result.list", field="symbol", required=True,
                           overlay=True)
ROUTE = ReadOnlyRoute("/v5/market/tickers", filters=(
    BY_SYMBOL, ResponseFilter("limit", "first", items="result.list")))


def test_items_at_and_with_items_reach_a_nested_list_and_copy() -> None:
    body = wrapped(("A", "1"), ("B", "2"))
    assert items_at(body, "result.list") == body["result"]["list"]
    assert items_at(body, "result.none") is None and items_at(body, "retCode.x") is None
    assert items_at([1], ".") == [1] and items_at({"a": 1}, ".") is None
    narrowed = with_items(body, "result.list", [])
    assert narrowed == {"retCode": 0, "result": {"category": "spot", "list": []}}
    assert len(body["result"]["list"]) == 2  # the recorded answer is never changed
    assert with_items(body, "result.other", []) is body


def test_filters_apply_to_the_nested_list_and_keep_the_envelope() -> None:
    body = wrapped(("A", "1"), ("B", "2"))
    assert _filtered(ROUTE, body, {"symbol": ("B",)}) == wrapped(("B", "2"))
    assert _filtered(ROUTE, body, {"limit": ("1",)}) == wrapped(("A", "1"))
    with pytest.raises(NotInScenario, match="symbol=Z names nothing"):
        _filtered(ROUTE, body, {"symbol": ("Z",)})


def test_a_later_narrowed_answer_is_written_into_the_nested_list() -> None:
    doc = {"version": 1, "meta": {"connector": "x", "scenario": "s", "standard_version": "1",
                                  "source": "generated", "date": "2026-01-01"},
           "http": {"version": 1, "interactions": [
               {"request": {"method": "GET", "uri": "https://x.test/v5/market/tickers?symbol=A"},
                "response": {"status": {"code": 200}, "body": {"string": "{}"}}}]}}
    cassette = cassette_from_document(doc)
    item = PreparedInteraction(0, cassette.interactions[0],
                               view_of_recorded(cassette.interactions[0].request, ()),
                               CIMultiDict())
    body = overlaid(BY_SYMBOL, wrapped(("A", "1"), ("B", "2")), [item],
                    lambda _: wrapped(("A", "3")))
    assert body == wrapped(("A", "3"), ("B", "2"))


def test_subscriptions_may_be_named_by_op_with_args() -> None:
    profile = profile_from_document(
        {"version": 1, "exchange": "x",
         "ws": {"subscribe": {"key": "op", "method": "subscribe", "streams": "args"}}},
        Path("e.yaml"))
    cassette = cassette_from_document({"version": 1, "meta": {
        "connector": "x", "scenario": "s", "standard_version": "1", "source": "generated",
        "date": "2026-01-01"}, "http": {"version": 1, "interactions": []}})
    policy = WsConformance(profile, ClientIds(profile, cassette))
    assert policy.streams_of({"op": "subscribe", "args": ["orderbook.50.A"]}) == \
        frozenset({"orderbook.50.A"})
    assert policy.streams_of({"op": "ping"}) is None
    assert policy.streams_of({"method": "subscribe", "args": ["x"]}) is None
