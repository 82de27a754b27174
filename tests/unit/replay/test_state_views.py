"""A read-only default answer shows the state the scenario recorded at another route
(harness/replay/state_views.py, exchange.yaml `view_of`).

The exchange here is made up (`/prices` answers {name, last}, `/stats` answers {name, close,
volume}, both narrowed by `market`): nothing in the view knows Binance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import CIMultiDict

from harness.cassette.exchange import ExchangeProfile, ReadOnlyRoute, ResponseFilter, StateView
from harness.cassette.loader import cassette_from_document
from harness.cassette.matchers import RequestView, view_of_recorded
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance, NotInScenario
from harness.replay.http import PreparedInteraction
from harness.replay.state_views import shown

NARROW = ResponseFilter("market", "==", field="name", unwrap=True, overlay=True)
PRICES = ReadOnlyRoute("/prices", filters=(NARROW,))
TEMPLATE = [{"name": "A", "close": "1.0", "volume": "7"},
            {"name": "B", "close": "5.0", "volume": "8"}]
VIEW = StateView(path="/prices", key="name", fields={"close": "last"}, params=("market",))
STATS = ReadOnlyRoute("/stats", optional=frozenset({"window"}),
                      filters=(ResponseFilter("market", "==", field="name", unwrap=True,
                                              required=True),),
                      default=TEMPLATE, view_of=VIEW)


def replay(*recorded: tuple[str, Any, int], view: bool = True
           ) -> tuple[HttpConformance, list[PreparedInteraction]]:
    """The policy and the prepared /prices interactions for (query, answer, status)."""
    doc = {"version": 1, "meta": {"connector": "x", "scenario": "s", "standard_version": "1",
                                  "source": "generated", "date": "2026-01-01"},
           "http": {"version": 1, "interactions": [
               {"request": {"method": "GET",
                            "uri": "https://x.test/prices" + (f"?{q}" if q else "")},
                "response": {"status": {"code": status},
                             "body": {"string": json.dumps(answer)}}}
               for q, answer, status in recorded]}}
    cassette = cassette_from_document(doc)
    stats = STATS if view else ReadOnlyRoute("/stats", filters=STATS.filters, default=TEMPLATE)
    profile = ExchangeProfile("x", read_only=(PRICES, stats))
    policy = HttpConformance(profile, cassette, ClientIds(profile, cassette))
    items = [PreparedInteraction(i, interaction, view_of_recorded(interaction.request, ()),
                                 CIMultiDict())
             for i, interaction in enumerate(cassette.interactions)]
    return policy, items


def stats(policy: HttpConformance, items: list[PreparedInteraction], query: str = "") -> Any:
    answer = policy.default_answer(RequestView("GET", "/stats", query_string=query), items)
    return None if answer is None else json.loads(answer)


def closes(body: Any) -> dict[str, str]:
    return {entry["name"]: entry["close"] for entry in body}


def test_stats_show_the_prices_the_scenario_recorded_and_keep_the_rest_declared() -> None:
    policy, items = replay(("", [{"name": "A", "last": "2.5"}, {"name": "B", "last": "6"},
                                 {"name": "Z", "last": "9"}], 200))
    body = stats(policy, items)
    assert body == [{"name": "A", "close": "2.5", "volume": "7"},
                    {"name": "B", "close": "6", "volume": "8"}]  # Z: nothing else to say
    assert stats(policy, items, "market=B&window=1d") == {"name": "B", "close": "6",
                                                          "volume": "8"}


def test_without_the_view_the_declared_default_answers_whatever_was_recorded() -> None:
    # What hummingbot_binance met at SPOT-SYM-4: the documented example, not the scenario.
    policy, items = replay(("", [{"name": "A", "last": "2.5"}], 200), view=False)
    assert closes(stats(policy, items)) == {"A": "1.0", "B": "5.0"}


def test_the_stats_follow_the_prices_timeline_as_a_prices_client_would() -> None:
    # A one-market price recorded after the all-markets one is the later state (overlay):
    # asked per market, A first sees 2.5, B the wide answer's 6, then A the later 3.
    policy, items = replay(("", [{"name": "A", "last": "2.5"}, {"name": "B", "last": "6"}], 200),
                           ("market=A", {"name": "A", "last": "3"}, 200))
    assert stats(policy, items, "market=A")["close"] == "2.5"
    assert stats(policy, items, "market=B")["close"] == "6"
    assert stats(policy, items, "market=A")["close"] == "3"
    assert closes(stats(policy, items)) == {"A": "3", "B": "6"}  # never an older state


def test_nothing_or_only_an_error_recorded_there_leaves_the_template() -> None:
    policy, items = replay()
    assert closes(stats(policy, items)) == {"A": "1.0", "B": "5.0"}
    policy, items = replay(("", {"code": -1, "msg": "busy"}, 503))
    assert closes(stats(policy, items)) == {"A": "1.0", "B": "5.0"}


def test_a_market_the_scenario_does_not_hold_is_still_refused() -> None:
    policy, items = replay(("", [{"name": "A", "last": "2.5"}], 200))
    with pytest.raises(NotInScenario, match="market=Q names nothing"):
        stats(policy, items, "market=Q")


def test_shown_matches_keys_by_value_and_ignores_foreign_shapes() -> None:
    view = StateView(path="/p", key="id", fields={"px": "price", "size": "qty"})
    template = {"id": "7", "px": "1", "size": "1"}
    assert shown(view, template, [{"id": 7.0, "price": "2"}]) == {"id": "7", "px": "2",
                                                                 "size": "1"}
    assert shown(view, template, "not json entries") == template
    assert shown(view, [template, "odd"], {"id": "7", "qty": "4"}) == [
        {"id": "7", "px": "1", "size": "4"}, "odd"]
