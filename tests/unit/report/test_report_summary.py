"""summary.md: the table and the details of red and yellow connectors."""

from __future__ import annotations

from dataclasses import replace

from report_factory import check, run_info, three_runs

from harness.report.summary_md import MAX_LISTED, cell, render_summary
from harness.results import ConnectorRun, Outcome
from harness.status import compute_statuses


def summary(runs: list[ConnectorRun], **kwargs: object) -> str:
    info = kwargs.pop("info", run_info())
    return render_summary(runs, compute_statuses(runs), info, **kwargs)  # type: ignore[arg-type]


def test_table_has_a_row_per_connector_with_emoji_counts_and_coverage() -> None:
    text = summary(three_runs())
    assert "| Connector | Status | Checks passed/failed/known | Coverage | Reasons |" in text
    assert "| alpha | 🟢 green | 4/0/0 of 4 | 91.5 % | — |" in text
    assert "| beta | 🟡 yellow | 2/0/1 of 3 | 74.2 % | 1 known failure: SPOT-OB-4" in text
    assert "| gamma | 🔴 red | 2/1/0 of 3 | 88.0 % | SPOT-ORD-3 failed unexpectedly" in text
    assert "commit `0123456789ab`" in text


def test_details_only_for_red_and_yellow_with_reproduce_commands() -> None:
    text = summary(three_runs())
    assert "### 🟢 alpha" not in text
    assert "### 🟡 beta" in text and "### 🔴 gamma" in text
    assert "  harness run gamma -k SPOT-ORD-3" in text
    assert "- 🟡 **SPOT-OB-4** test_spot_ob_4 (known failure, expires 2027-01-31)" in text
    assert "Minimal failing sequence (seed 12345):" in text
    assert text.index("### 🟡 beta") < text.index("### 🔴 gamma")


def test_incomplete_run_and_failed_gates_are_announced() -> None:
    text = summary(
        three_runs(), info=run_info(complete=False), gate_failures=["gamma: diff coverage 5 %"]
    )
    assert "**Run incomplete**" in text
    assert "> ❌ Gate failed: gamma: diff coverage 5 %" in text


def test_cells_escape_pipes_and_long_lists_are_cut() -> None:
    assert cell("a|b\nc") == "a\\|b c"
    failures = [
        check(f"X-{i}", connector="x", outcome=Outcome.FAIL, message="m|n") for i in range(30)
    ]
    run = ConnectorRun("x", results=failures)
    text = summary([run])
    assert text.count("**X-") == MAX_LISTED
    assert f"… and {30 - MAX_LISTED} more" in text
    assert "m\\|n" in text  # inside the table


def test_diff_coverage_is_shown_next_to_coverage() -> None:
    runs = three_runs()
    assert runs[0].coverage is not None
    runs[0].coverage = replace(runs[0].coverage, diff_percent=85.0)
    assert "| 91.5 % (diff 85.0 %) |" in summary(runs)
