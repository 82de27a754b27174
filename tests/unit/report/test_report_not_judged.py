"""What was not judged: checks skipped for an undeclared capability, in summary.md and on the
connector's page, for green connectors too."""

from __future__ import annotations

from pathlib import Path

from html_probe import broken_links, find, probe
from report_factory import check, green_run, run_info

from harness.report.not_judged import not_judged, not_judged_count
from harness.report.summary_md import render_summary
from harness.report.writer import write_reports_for
from harness.results import CheckResult, ConnectorRun, Expectation, Outcome
from harness.standard.capabilities import undeclared_reason
from harness.status import compute_statuses


def _skipped(check_id: str, *missing: str, connector: str = "alpha") -> CheckResult:
    return check(check_id, connector=connector, outcome=Outcome.SKIP,
                 expected=Expectation.SKIP, message=undeclared_reason(connector, list(missing)))


def _lean_run() -> ConnectorRun:
    """Green, but declares neither public_trades nor cancel_all (optional for spot)."""
    run = green_run()
    run.results += [_skipped("SPOT-OB-7", "public_trades"), _skipped("SPOT-CXL-4", "cancel_all"),
                    _skipped("SPOT-CXL-5", "cancel_all"),
                    check("SPOT-ORD-9", outcome=Outcome.SKIP, expected=Expectation.SKIP,
                          message="alpha declares no MARKET order type")]
    return run


def test_skips_are_grouped_by_the_capability_they_lack_required_ones_first() -> None:
    results = [_skipped("SPOT-OB-7", "public_trades"), _skipped("SPOT-FIL-3", "user_stream"),
               _skipped("SPOT-BAL-3", "user_stream", "public_trades"), check("SPOT-OB-1")]
    found = not_judged(results, "spot")
    assert [(u.capability, u.required, u.check_ids) for u in found] == [
        ("user_stream", True, ("SPOT-FIL-3", "SPOT-BAL-3")),
        ("public_trades", False, ("SPOT-OB-7", "SPOT-BAL-3"))]
    assert found[0].describe() == "user_stream (required): SPOT-FIL-3, SPOT-BAL-3"
    assert not_judged_count(found) == 3
    assert not_judged([check("SPOT-OB-1")], "spot") == []


def test_summary_lists_what_a_green_connector_did_not_judge() -> None:
    runs = [_lean_run()]
    statuses = compute_statuses(runs)
    assert statuses[0].status.value == "green"
    text = render_summary(runs, statuses, run_info())
    assert "Not judged (checks skipped because the connector declares no capability" in text
    assert "- **alpha**: cancel_all: SPOT-CXL-4, SPOT-CXL-5 · public_trades: SPOT-OB-7" in text
    assert "SPOT-ORD-9" not in text  # an order type it does not offer is not a capability


def test_summary_says_nothing_when_everything_was_judged() -> None:
    runs = [green_run()]
    assert "Not judged" not in render_summary(runs, compute_statuses(runs), run_info())


def test_connector_page_shows_a_table_of_what_was_not_judged(tmp_path: Path) -> None:
    write_reports_for([_lean_run()], tmp_path, run_info())
    page = (tmp_path / "site" / "alpha.html").read_text()
    assert "Not judged (3 checks)" in page
    rows = find(probe(page), "tr", **{"data-capability": "cancel_all"})
    assert len(rows) == 1
    links = [a.attrs["href"] for a in find(probe(page), "a") if a.text in ("SPOT-CXL-4",
                                                                         "SPOT-CXL-5")]
    assert len(links) >= 2  # each unjudged check links to its page
    assert broken_links(tmp_path / "site" / "alpha.html") == []


def test_connector_page_without_skips_has_no_such_section(tmp_path: Path) -> None:
    write_reports_for([green_run()], tmp_path, run_info())
    assert "Not judged" not in (tmp_path / "site" / "alpha.html").read_text()
