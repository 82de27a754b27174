"""An order's status and trades answered from what the exchange already told the client
(harness/replay/order_state.py, exchange.yaml `order_state`).

The exchange here is made up: orders are placed with POST /place (answer {ref, cid, state,
qty, fills: [...]}), its stream sends {kind: report, body: {...}} frames, GET /status?ref=
and GET /fills?ref= read one order. Nothing in the rule knows Binance or Bybit.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from multidict import CIMultiDict

from harness.cassette.exchange import ExchangeProfileError, profile_from_document
from harness.cassette.format import Fault
from harness.cassette.loader import cassette_from_document
from harness.cassette.matchers import RequestView, view_of_recorded
from harness.cassette.order_state import NOTHING, OrderSource
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance
from harness.replay.http import PreparedInteraction
from harness.replay.order_state import _entries, _product, _records

EXCHANGE = """
version: 1
exchange: made-up
http:
  client_chosen: [cid]
  client_order_id: {sent_as: [cid], referenced_as: [cid], echoed_as: [cid, c]}
  exchange_order_id: {referenced_as: [ref]}
  read_only:
  - path: /status
    order_state:
      unwrap: true
      sources:
      - stream: true
        records: [body, .]
        match: {kind: report}
        order: {ref: id, cid: c}
        fields: {ref: id, cid: {first: [orig, c]}, state: st, open: {field: st, in: [OPEN, PART]},
                 venue: {field: venue, default: main}, flag: {value: true}}
      - answer: {method: POST, path: /place}
        order: {ref: ref, cid: cid}
        copy_all: true
        drop: [fills]
  - path: /fills
    filters:
    - {param: since, keep: ">=", items: result.list, field: tid}
    default: {result: {list: []}}
    default_unless: [ref, cid]
    order_state:
      keep: all
      unique: tid
      newest_first: true
      template: {result: {list: []}, code: 0}
      items: result.list
      sources:
      - stream: true
        records: [body]
        match: {kind: [report, status]}
        where: {exec: FILL}
        order: {ref: id, cid: c}
        fields: {tid: t, ref: id, quote: {product: [px, q]}, buyer: {field: side, equals: B}}
      - answer: {method: POST, path: /place}
        order: {ref: ref}
        entries: fills
        fields: {tid: t, ref: ref, quote: {product: [px, q]}, buyer: {field: side, equals: B}}
"""
PLACED = {"ref": 7, "cid": "rec-1", "state": "OPEN", "qty": "2", "side": "B",
          "fills": [{"t": 1, "px": "10.5", "q": "0.50"}]}


def report(st: str, **more: Any) -> dict[str, Any]:
    return {"kind": "report", "body": {"id": 7, "c": "rec-1", "st": st, **more}}


def fill(tid: int, **more: Any) -> dict[str, Any]:
    return report("PART", exec="FILL", t=tid, px="10.00", q="0.2", side="B", **more)


class Replay:
    """The conformance policy of a scenario that placed order 7 (client id rec-1)."""

    def __init__(self, *, placed: Any = PLACED, status: int = 200, recorded: str = "") -> None:
        self.profile = profile_from_document(yaml.safe_load(EXCHANGE), Path("exchange.yaml"))
        interactions = [_interaction("POST", "https://x.test/place?cid=rec-1", placed, status)]
        if recorded:
            interactions.append(_interaction("GET", f"https://x.test/status?{recorded}",
                                             {"recorded": True}, 200))
        cassette = cassette_from_document({
            "version": 1, "meta": {"connector": "x", "scenario": "s", "standard_version": "1",
                                   "source": "generated", "date": "2026-01-01"},
            "http": {"version": 1, "interactions": interactions}})
        self.sent: list[Any] = []
        self.policy = HttpConformance(self.profile, cassette, ClientIds(self.profile, cassette),
                                      self.sent)
        self.items = [PreparedInteraction(i, interaction,
                                          view_of_recorded(interaction.request, ()), CIMultiDict())
                      for i, interaction in enumerate(cassette.interactions)]

    def place(self, cid: str = "rec-1") -> None:
        """The client's placement, answered (it learns the client's own id)."""
        view = RequestView("POST", "/place", query_string=f"cid={cid}")
        self.policy.learn(view, self.items[0])
        self.items[0].uses += 1

    def ask(self, path: str, query: str) -> Any:
        view = RequestView("GET", path, query_string=query)
        chosen = self.policy.pick(view, [i for i in self.items if i.view.path == path],
                                  self.policy.matchers)
        if chosen is not None:
            return json.loads(self.policy.body_for(view, chosen))
        answer = self.policy.default_answer(view, self.items)
        return None if answer is None else json.loads(answer)


def _interaction(method: str, uri: str, answer: Any, status: int) -> dict[str, Any]:
    return {"request": {"method": method, "uri": uri},
            "response": {"status": {"code": status}, "body": {"string": json.dumps(answer)}}}


def tids(body: Any) -> list[int]:
    return [entry["tid"] for entry in body["result"]["list"]]


def test_nothing_told_of_the_order_is_refused_as_before() -> None:
    replay = Replay()
    replay.sent.append({"kind": "report", "body": {"id": 8, "c": "other", "st": "OPEN"}})
    assert replay.ask("/status", "ref=7") is None
    assert replay.ask("/fills", "ref=7") is None
    assert replay.ask("/fills", "") == {"result": {"list": []}}  # the default, as before
    assert replay.ask("/status", "") is None  # a status naming no order: nothing to say


def test_the_latest_report_sent_is_the_status_with_its_derived_fields() -> None:
    replay = Replay()
    replay.place()
    replay.sent += [report("OPEN"), {"kind": "other", "body": {"id": 7, "st": "GONE"}},
                    report("DONE", orig="rec-0", venue="dark")]
    assert replay.ask("/status", "ref=7") == {"ref": 7, "cid": "rec-0", "state": "DONE",
                                              "open": False, "venue": "dark", "flag": True}
    replay.sent.pop()
    assert replay.ask("/status", "ref=7") == {"ref": 7, "cid": "rec-1", "state": "OPEN",
                                              "open": True, "venue": "main", "flag": True}


def test_before_the_stream_said_anything_the_placement_answer_the_client_got_is_the_state() -> None:
    replay = Replay()
    assert replay.ask("/status", "ref=7") is None  # not placed yet: never told
    replay.place()
    assert replay.ask("/status", "ref=7") == {k: v for k, v in PLACED.items() if k != "fills"}
    # its fills are the trades, each read over the answer (the quote a decimal product)
    assert replay.ask("/fills", "ref=7") == {
        "result": {"list": [{"tid": 1, "ref": 7, "quote": "5.25", "buyer": True}]}, "code": 0}


@pytest.mark.parametrize("status", [500, 200])
def test_an_answer_the_client_did_not_get_says_nothing(status: int) -> None:
    # a 500 (no state), or a 200 recorded as a reset connection (the client never read it)
    replay = Replay(status=status, placed=PLACED if status == 200 else {"error": 1})
    if status == 200:
        replay.items[0].interaction = replace(replay.items[0].interaction, fault=Fault.RESET)
    replay.items[0].uses += 1
    assert replay.ask("/status", "ref=7") is None


def test_the_trades_are_the_fill_reports_sent_once_each_newest_first_then_filtered() -> None:
    replay = Replay()
    replay.place()
    replay.sent.append(report("OPEN"))
    assert tids(replay.ask("/fills", "ref=7")) == []  # the stream said: no trade yet
    replay.sent += [fill(11), {"kind": "status", "body": {"id": 7, "c": "rec-1"}}, fill(12),
                    fill(12)]
    body = replay.ask("/fills", "ref=7")
    assert tids(body) == [12, 11] and body["code"] == 0
    assert body["result"]["list"][0] == {"tid": 12, "ref": 7, "quote": "2.00", "buyer": True}
    assert tids(replay.ask("/fills", "ref=7&since=12")) == [12]  # the route's filters apply


def test_the_clients_own_id_names_the_order_and_is_echoed_back() -> None:
    replay = Replay()
    replay.place("mine-1")
    replay.sent += [fill(11), report("DONE")]
    assert replay.ask("/status", "cid=mine-1")["cid"] == "mine-1"
    assert tids(replay.ask("/fills", "cid=mine-1")) == [11]
    assert replay.ask("/status", "cid=unknown") is None


def test_a_recorded_answer_for_the_order_keeps_priority() -> None:
    replay = Replay(recorded="ref=7")
    replay.place()
    replay.sent.append(report("DONE"))
    assert replay.ask("/status", "ref=7") == {"recorded": True}
    assert replay.ask("/status", "ref=7")["recorded"] is True  # the latest state repeats


BAD = [
    ({"keep": "first", "sources": []}, "order_state.keep: must be one of latest, all"),
    ({"sources": []}, "order_state.sources: needs at least one source"),
    ({"sources": [{"order": {"ref": "id"}, "copy_all": True}]}, "needs either stream: true"),
    ({"sources": [{"stream": True, "order": "id", "copy_all": True}]},
     "sources[0].order: must map each request parameter"),
    ({"sources": [{"stream": True, "order": {"ref": "id"}}]}, "needs fields:"),
    ({"sources": [{"stream": True, "order": {"ref": "id"}, "fields": {"a": 3}}]},
     "fields.a: must be a field name"),
    ({"sources": [{"stream": True, "order": {"ref": "id"}, "match": "x", "copy_all": True}]},
     "sources[0].match: must map a field"),
    ({"keep": "all", "unwrap": True, "sources": [{"stream": True, "order": {"ref": "id"},
                                                  "copy_all": True}]}, "needs keep: latest"),
    ({"template": {"list": []}, "items": "result.list",
      "sources": [{"stream": True, "order": {"ref": "id"}, "copy_all": True}]},
     "order_state.template: must hold the list of entries at items (result.list)"),
    ("latest", "order_state: must be a mapping"),
]


@pytest.mark.parametrize(("spec", "problem"), BAD)
def test_a_bad_declaration_names_its_field_and_the_fix(spec: Any, problem: str) -> None:
    doc = {"version": 1, "exchange": "made-up",
           "http": {"read_only": [{"path": "/status", "order_state": spec}]}}
    with pytest.raises(ExchangeProfileError) as raised:
        profile_from_document(doc, Path("exchange.yaml"))
    assert problem in str(raised.value)
    assert str(raised.value).startswith("exchange.yaml: http.read_only[0].order_state")


def test_a_default_that_would_answer_first_must_leave_the_orders_to_the_rule() -> None:
    doc = {"version": 1, "exchange": "made-up", "http": {"read_only": [{
        "path": "/fills", "default": [], "default_unless": ["ref"],
        "order_state": {"sources": [{"stream": True, "order": {"ref": "id", "cid": "c"},
                                     "copy_all": True}]}}]}}
    with pytest.raises(ExchangeProfileError, match="default_unless: must name cid, ref"):
        profile_from_document(doc, Path("exchange.yaml"))


def test_odd_shapes_say_nothing_rather_than_something_wrong() -> None:
    source = OrderSource(order={"ref": "id"}, stream=True, records=("body",), entries="fills")
    assert _records(source, {"body": "text"}) == [] and _records(source, {}) == []
    assert _records(source, {"body": [{"id": 1}, "x"]}) == [{"id": 1}]
    assert _entries(source, {"fills": "none"}) == []
    assert _product("n/a", "1") is NOTHING and _product("Infinity", "2") is NOTHING
    assert _product(None, "2") is NOTHING
    replay = Replay(placed=["a list, not an order"])
    replay.place()
    replay.items[0].interaction = replace(
        replay.items[0].interaction,
        response=replace(replay.items[0].interaction.response, body=b"<html>busy</html>"))
    assert replay.ask("/status", "ref=7") is None


def test_a_source_that_is_no_mapping_is_named() -> None:
    doc = {"version": 1, "exchange": "made-up", "http": {"read_only": [{
        "path": "/status", "order_state": {"sources": ["stream"]}}]}}
    with pytest.raises(ExchangeProfileError, match=r"sources\[0\]: must be a mapping"):
        profile_from_document(doc, Path("exchange.yaml"))
