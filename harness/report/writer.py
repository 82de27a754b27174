"""Write every report of a run: status.json, junit.xml, summary.md, badges, the dashboard,
history.jsonl and the allure-results extras, each atomically.

Everything is rendered in memory first, so an error while rendering writes nothing; each file
then goes through a temporary file and `os.replace`, so no reader ever sees half a file.
status.json is written last: when it changes, the rest of the run's reports are in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from harness import coverage_gate
from harness.report.allure import allure_files
from harness.report.atomic import write_all
from harness.report.badges import badge_files, market_badge_files
from harness.report.exchange_table import exchange_rows, load_exchange_table
from harness.report.history import (
    HISTORY_LIMIT,
    HISTORY_NAME,
    appended,
    entry_for,
    read_history,
    render_history,
)
from harness.report.junit import render_junit
from harness.report.merge import RAW_DIR_NAME, combine_runs
from harness.report.run_info import RUN_INFO_NAME, RunInfo, make_run_info, render_run_info
from harness.report.site import site_files
from harness.report.status_json import build_status, render_status
from harness.report.summary_md import render_summary
from harness.results import ConnectorRun
from harness.status import ConnectorStatus, compute_statuses

STATUS_NAME = "status.json"
JUNIT_NAME = "junit.xml"
SUMMARY_NAME = "summary.md"
BADGES_DIR = "badges"
SITE_DIR = "site"
ALLURE_DIR = "allure-results"


def write_reports(
    runs: Sequence[ConnectorRun],
    out_dir: Path,
    *,
    started: datetime,
    finished: datetime,
    complete: bool,
    seed: str = "",
    hypothesis_profile: str = "",
    run_id: str | None = None,
    commit: str | None = None,
    gate_failures: Sequence[str] | None = None,
    history_limit: int = HISTORY_LIMIT,
) -> list[ConnectorStatus]:
    """Compute each connector's status and write all reports of one run under `out_dir`.

    The commit is looked up with git when not given; `gate_failures` default to the diff
    coverage gate over `runs`. Returns the statuses (for the exit code and the terminal).
    """
    info = make_run_info(
        started=started,
        finished=finished,
        complete=complete,
        run_id=run_id,
        commit=commit,
        seed=seed,
        hypothesis_profile=hypothesis_profile,
    )
    return write_reports_for(
        runs, out_dir, info, gate_failures=gate_failures, history_limit=history_limit
    )


def write_reports_for(
    runs: Sequence[ConnectorRun],
    out_dir: Path,
    info: RunInfo,
    *,
    gate_failures: Sequence[str] | None = None,
    history_limit: int = HISTORY_LIMIT,
) -> list[ConnectorStatus]:
    """`write_reports` for a run whose RunInfo is known (rebuilds and merges)."""
    runs = combine_runs(runs)
    statuses = compute_statuses(runs)
    gates = list(gate_failures) if gate_failures is not None else coverage_gate.gate_failures(runs)
    history = read_history(out_dir / HISTORY_NAME)
    exchanges = load_exchange_table()
    files: dict[Path, str | bytes] = {}
    # Badges and history are what is published: only a complete run replaces them, so an
    # interrupted or partial run never hides the last complete verdict.
    if info.complete:
        history = appended(history, entry_for(info, statuses, runs), history_limit)
        files.update(badge_files(out_dir / BADGES_DIR, statuses))
        files.update(market_badge_files(out_dir / BADGES_DIR, exchange_rows(exchanges, runs,
                                                                            statuses)))
        files[out_dir / HISTORY_NAME] = render_history(history)
    files[out_dir / JUNIT_NAME] = render_junit(runs, statuses, info)
    files[out_dir / SUMMARY_NAME] = render_summary(runs, statuses, info, gates)
    files.update(allure_files(out_dir / ALLURE_DIR, info, statuses))
    files.update(site_files(out_dir / SITE_DIR, runs, statuses, info, history, gates, exchanges))
    files[out_dir / RAW_DIR_NAME / RUN_INFO_NAME] = render_run_info(info)
    files[out_dir / STATUS_NAME] = render_status(build_status(runs, statuses, info, gates))
    write_all(files)
    return statuses
