"""Read-only answers follow the scenario's state (harness/replay/read_state.py): a narrowed
answer recorded later updates the wide answer's entry; a narrowed request is served from the
latest wide answer; the state never goes back; what the scenario cannot say is refused.

The exchange here is made up (a `tickers` list inside an object, narrowed by `market`, keyed
by `name`): nothing in the overlay knows Binance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import CIMultiDict

from harness.cassette.exchange import ExchangeProfile, ReadOnlyRoute, ResponseFilter
from harness.cassette.loader import cassette_from_document
from harness.cassette.matchers import RequestView, host, method, path, view_of_recorded
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance, NotInScenario
from harness.replay.http import PreparedInteraction
from harness.replay.read_state import overlaid

NARROW = ResponseFilter("market", "==", items="tickers", field="name", required=True,
                        overlay=True)
ROUTE = ReadOnlyRoute("/tickers", filters=(NARROW, ResponseFilter("limit", "first",
                                                                  items="tickers")))


def wide(*prices: tuple[str, str]) -> dict[str, Any]:
    return {"tickers": [{"name": name, "last": last} for name, last in prices]}


def narrow(name: str, last: str) -> dict[str, Any]:
    return {"tickers": [{"name": name, "last": last}]}


def replay(*recorded: tuple[str, Any, int]) -> tuple[HttpConformance, list[PreparedInteraction]]:
    """The policy and the prepared interactions for (query, answer, status) in order."""
    doc = {"version": 1, "meta": {"connector": "x", "scenario": "s", "standard_version": "1",
                                  "source": "generated", "date": "2026-01-01"},
           "http": {"version": 1, "interactions": [
               {"request": {"method": "GET",
                            "uri": "https://x.test/tickers" + (f"?{q}" if q else "")},
                "response": {"status": {"code": status},
                             "body": {"string": json.dumps(answer)}}}
               for q, answer, status in recorded]}}
    cassette = cassette_from_document(doc)
    profile = ExchangeProfile("x", read_only=(ROUTE,))
    policy = HttpConformance(profile, cassette, ClientIds(profile, cassette))
    items = [PreparedInteraction(i, interaction, view_of_recorded(interaction.request, ()),
                                 CIMultiDict())
             for i, interaction in enumerate(cassette.interactions)]
    return policy, items


def ask(policy: HttpConformance, items: list[PreparedInteraction], query: str = "") -> Any:
    """One request through pick and body_for, as the HTTP server runs them."""
    view = RequestView("GET", "/tickers", query_string=query)
    chosen = policy.pick(view, items, (method, host, path, policy.meaning))
    if chosen is None:
        return None
    policy.learn(view, chosen)
    body = policy.body_for(view, chosen)
    chosen.uses += 1
    return json.loads(body)


def test_a_later_narrowed_answer_updates_the_wide_answer_asked_again() -> None:
    policy, items = replay(("", wide(("A", "1"), ("B", "5")), 200),
                           ("market=A", narrow("A", "2"), 200))
    assert ask(policy, items) == wide(("A", "1"), ("B", "5"))
    assert ask(policy, items) == wide(("A", "2"), ("B", "5"))
    assert ask(policy, items) == wide(("A", "2"), ("B", "5"))  # the latest state repeats
    assert ask(policy, items, "market=A") == narrow("A", "2")
    assert ask(policy, items, "market=B") == narrow("B", "5")  # from the wide answer
    # A client's other filters still apply to the overlaid answer.
    assert ask(policy, items, "limit=1") == wide(("A", "2"))


def test_the_recording_clients_order_is_served_as_recorded() -> None:
    policy, items = replay(("", wide(("A", "1"), ("B", "5")), 200),
                           ("market=A", narrow("A", "2"), 200))
    assert ask(policy, items) == wide(("A", "1"), ("B", "5"))
    assert ask(policy, items, "market=A") == narrow("A", "2")
    assert ask(policy, items) == wide(("A", "2"), ("B", "5"))


def test_a_narrowed_request_is_served_from_the_latest_wide_answer_never_an_older_one() -> None:
    policy, items = replay(("market=A", narrow("A", "1"), 200),
                           ("", wide(("A", "3"), ("B", "5")), 200))
    assert ask(policy, items) == wide(("A", "3"), ("B", "5"))
    # The narrowed answer was recorded before the wide one the client already saw.
    assert ask(policy, items, "market=A") == narrow("A", "3")


def test_an_error_answer_is_no_state_for_a_wide_request() -> None:
    policy, items = replay(("", wide(("A", "1")), 200),
                           ("market=A", {"code": -1, "msg": "busy"}, 503),
                           ("market=A", narrow("A", "4"), 200))
    assert ask(policy, items) == wide(("A", "1"))
    assert ask(policy, items) == wide(("A", "4"))


def test_a_new_entry_is_appended_and_a_foreign_shape_ignored() -> None:
    _, items = replay(("market=C", narrow("C", "9"), 200),
                           ("market=A", {"tickers": "not a list"}, 200))
    parse = {item.index: json.loads(item.interaction.response.body) for item in items}
    body = overlaid(NARROW, wide(("A", "1")), items, lambda item: parse[item.index])
    assert body == wide(("A", "1"), ("C", "9"))


def test_what_the_scenario_cannot_say_is_still_refused() -> None:
    # Only narrowed answers recorded: the whole list is nothing the scenario knows.
    policy, items = replay(("market=A", narrow("A", "1"), 200))
    assert ask(policy, items) is None
    # A market no recorded answer holds: the exchange would refuse it.
    policy, items = replay(("", wide(("A", "1")), 200))
    with pytest.raises(NotInScenario, match="market=Z names nothing"):
        ask(policy, items, "market=Z")
