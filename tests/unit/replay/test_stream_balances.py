"""exchange.yaml `stream_balances`: parsing (one clear line for a bad declaration) and the
recorded answer brought up to the balances the stream reported."""

from __future__ import annotations

from typing import Any

from harness.cassette.stream_balances import StreamBalances, parse_stream_balances
from harness.replay.stream_balances import brought_up_to_date, reported_since

RULE: dict[str, Any] = {"records": ["event", "."], "match": {"e": "balances"}, "entries": "B",
                        "items": "result.list", "key": {"coin": "a"},
                        "fields": {"free": "f", "locked": "l"}}


def parsed(raw: Any) -> tuple[StreamBalances | None, list[str]]:
    problems: list[str] = []
    rule = parse_stream_balances(raw, "read_only[0].stream_balances",
                                 lambda where, what: problems.append(f"{where}: {what}"))
    return rule, problems


def test_a_declaration_missing_its_key_is_one_clear_problem() -> None:
    assert parsed(None) == (None, [])
    for bad in ("yes", {**RULE, "key": {"coin": "a", "asset": "a"}},
                {k: v for k, v in RULE.items() if k != "entries"}):
        rule, problems = parsed(bad)
        assert rule is None and len(problems) == 1
        assert problems[0].startswith("read_only[0].stream_balances: needs match:")


def test_the_latest_report_of_each_asset_is_written_over_the_answer() -> None:
    rule, problems = parsed(RULE)
    assert rule is not None and not problems
    frames = [{"event": {"e": "balances", "B": [{"a": "BTC", "f": "1", "l": "0"}]}},
              {"e": "other", "B": [{"a": "BTC", "f": "9", "l": "9"}]},
              "not a frame",
              {"e": "balances", "B": [{"a": "BTC", "f": "2", "l": "0.5"},
                                      {"a": "ETH", "f": "3", "l": "0"}, "junk"]}]
    latest = reported_since(rule, frames)
    assert latest == {"BTC": {"free": "2", "locked": "0.5"}, "ETH": {"free": "3", "locked": "0"}}
    body = {"result": {"list": [{"coin": "BTC", "free": "0", "locked": "0", "x": 1},
                                {"coin": "USDT", "free": "5", "locked": "0"}]}}
    assert brought_up_to_date(rule, body, latest) == {"result": {"list": [
        {"coin": "BTC", "free": "2", "locked": "0.5", "x": 1},
        {"coin": "USDT", "free": "5", "locked": "0"},
        {"coin": "ETH", "free": "3", "locked": "0"}]}}
    assert brought_up_to_date(rule, body, {}) is body
    assert brought_up_to_date(rule, {"other": []}, latest) == {"other": []}
