"""write_scenarios: every generator's main loop (build, name check, dump, filter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cassette.builder import (
    MAINTENANCE_HTML,
    SERVICE_UNAVAILABLE_HTML,
    Cassette,
    unavailable_three_ways,
    write_scenarios,
)


def network_ok() -> Cassette:
    c = Cassette("toy", "network_ok", "the server time answers")
    c.http("GET", "http://127.0.0.1:1", "/time", body={"serverTime": 1}, id="ping")
    return c


def symbols() -> Cassette:
    return Cassette("toy", "symbols", "no symbols")


def misnamed() -> Cassette:
    return Cassette("toy", "something_else", "a builder not named after its scenario")


def test_every_scenario_is_written_under_its_name(tmp_path: Path) -> None:
    written = write_scenarios([network_ok, symbols], tmp_path)
    assert [c.scenario for c in written] == ["network_ok", "symbols"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network_ok.yaml", "symbols.yaml"]
    assert "/time" in (tmp_path / "network_ok.yaml").read_text()


def test_only_the_wanted_scenarios_are_written(tmp_path: Path) -> None:
    assert [c.scenario for c in write_scenarios([network_ok, symbols], tmp_path,
                                                {"symbols"})] == ["symbols"]
    assert [p.name for p in tmp_path.iterdir()] == ["symbols.yaml"]


def test_a_builder_not_named_after_its_scenario_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"misnamed\(\) builds scenario 'something_else'"):
        write_scenarios([misnamed], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unavailable_three_ways_records_a_503_page_then_a_page_then_a_reset() -> None:
    answers: list[dict[str, object]] = []
    unavailable_three_ways(lambda **answer: answers.append(answer))
    assert answers == [{"status": 503, "body": SERVICE_UNAVAILABLE_HTML},
                       {"body": MAINTENANCE_HTML}, {"fault": "reset", "repeat": True}]
    c = Cassette("toy", "symbols_unavailable", "three failures")
    unavailable_three_ways(lambda **answer: c.http("GET", "http://127.0.0.1:1", "/info",
                                                   **answer))
    assert [i["response"]["status"]["code"] for i in c.interactions] == [503, 200, 200]
