"""An incomplete run (interrupted or partial) never replaces the published badges or history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from report_factory import COMMIT, START, check, cov, red_run, three_runs

from harness.report.history import read_history
from harness.report.writer import write_reports
from harness.results import ConnectorRun, Expectation, Outcome
from harness.status import (
    NO_SCENARIOS_REASON,
    PARTIAL_REASON,
    Status,
    compute_status,
    one_line_per_connector,
)


def write(out: Path, runs: list, *, complete: bool, run_id: str) -> None:  # type: ignore[type-arg]
    write_reports(runs, out, started=START, finished=START + timedelta(seconds=3),
                  complete=complete, commit=COMMIT, run_id=run_id)


def test_badges_and_history_keep_the_last_complete_run(tmp_path: Path) -> None:
    write(tmp_path, three_runs(), complete=True, run_id="good")
    badge = (tmp_path / "badges" / "alpha.json").read_text()
    history = (tmp_path / "history.jsonl").read_text()
    write(tmp_path, [red_run("alpha")], complete=False, run_id="interrupted")
    assert (tmp_path / "badges" / "alpha.json").read_text() == badge
    assert (tmp_path / "history.jsonl").read_text() == history
    assert [e.run_id for e in read_history(tmp_path / "history.jsonl")] == ["good"]
    write(tmp_path, [red_run("alpha")], complete=True, run_id="next")
    assert (tmp_path / "badges" / "alpha.json").read_text() != badge
    assert [e.run_id for e in read_history(tmp_path / "history.jsonl")] == ["good", "next"]


def test_an_incomplete_run_alone_writes_no_badges_and_no_history(tmp_path: Path) -> None:
    write(tmp_path, three_runs(), complete=False, run_id="partial")
    assert not (tmp_path / "badges").exists()
    assert not (tmp_path / "history.jsonl").exists()
    assert (tmp_path / "status.json").is_file()


def test_a_partial_run_is_judged_on_its_checks_only() -> None:
    run = ConnectorRun("alpha", results=[check(connector="alpha")], coverage=cov("alpha", 12.0),
                       partial=True)
    status = compute_status(run)
    assert status.status is Status.GREEN
    assert status.reasons == (PARTIAL_REASON,)
    assert status.coverage_percent is None
    assert one_line_per_connector([status])[0].startswith("alpha  GREEN")


def test_a_connector_that_did_not_load_is_not_said_to_lack_a_double(tmp_path: Path) -> None:
    run = ConnectorRun("alpha", load_error="cannot import alpha.connector")
    status = compute_status(run)
    assert NO_SCENARIOS_REASON not in status.reasons
    write(tmp_path, [run], complete=True, run_id="r")
    page = (tmp_path / "site" / "alpha.html").read_text()
    assert "the connector did not load" in page and "no exchange double" not in page


def test_a_connector_without_a_double_is_said_so() -> None:
    skipped = check("PROP-LIFE-1", connector="alpha", outcome=Outcome.SKIP,
                    expected=Expectation.SKIP, message="alpha declares no exchange double")
    run = ConnectorRun("alpha", results=[check(connector="alpha"), skipped], coverage=cov("alpha"))
    assert compute_status(run).reasons == (NO_SCENARIOS_REASON,)
