"""history.jsonl: append, replace a rebuilt run, keep the last N, survive a damaged line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from report_factory import green_run, red_run, run_info, three_runs

from harness.report.history import (
    HISTORY_LIMIT,
    append_history,
    connector_strip,
    entry_for,
    read_history,
)
from harness.status import Status, compute_statuses


def test_each_run_appends_one_line(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    runs = three_runs()
    statuses = compute_statuses(runs)
    append_history(path, entry_for(run_info("r1"), statuses, runs))
    append_history(path, entry_for(run_info("r2", offset_minutes=5), statuses, runs))
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["run_id"] == "r1" and first["timestamp"] == "2026-11-05T10:00:00Z"
    assert first["connectors"]["gamma"] == {
        "status": "red",
        "passed": 2,
        "failed": 1,
        "known": 0,
        "total": 3,
        "exchange": "gamma",
        "standard": "spot",
        "version": "",
        "checks": {"SPOT-BAL-1": "green", "SPOT-OB-1": "green", "SPOT-ORD-3": "red"},
    }
    assert first["harness_version"] and first["standard_version"] == "1.0.0"
    assert [e.run_id for e in read_history(path)] == ["r1", "r2"]


def test_a_line_written_before_checks_were_recorded_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    old = {"run_id": "r0", "timestamp": "2026-11-01T10:00:00Z", "commit": "abc",
           "complete": True, "connectors": {"alpha": {"status": "green", "passed": 1,
                                                      "failed": 0, "known": 0, "total": 1}}}
    path.write_text(json.dumps(old) + "\n")
    (entry,) = read_history(path)
    point = entry.connectors["alpha"]
    assert point.checks == {} and point.version == "" and entry.harness_version == ""


def test_rebuilding_a_run_replaces_its_line(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append_history(path, entry_for(run_info("r1"), compute_statuses([red_run()])))
    append_history(path, entry_for(run_info("r1"), compute_statuses([green_run("gamma")])))
    entries = read_history(path)
    assert len(entries) == 1 and entries[0].connectors["gamma"].status is Status.GREEN


def test_history_keeps_the_last_n(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    statuses = compute_statuses([green_run()])
    for index in range(HISTORY_LIMIT + 5):
        append_history(path, entry_for(run_info(f"r{index}"), statuses))
    entries = read_history(path)
    assert len(entries) == HISTORY_LIMIT == 100
    assert entries[0].run_id == "r5" and entries[-1].run_id == f"r{HISTORY_LIMIT + 4}"
    assert len(append_history(path, entry_for(run_info("x"), statuses), limit=3)) == 3
    assert append_history(path, entry_for(run_info("y"), statuses), limit=0) == []


def test_a_damaged_line_is_skipped_with_a_warning_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append_history(path, entry_for(run_info("r1"), compute_statuses([green_run()])))
    path.write_text(path.read_text() + "{not json\n\n" + '{"run_id": "r3"}\n')
    warn = io.StringIO()
    entries = read_history(path, warn=warn)
    assert [e.run_id for e in entries] == ["r1"]
    assert f"{path}:2: skipped a damaged history line" in warn.getvalue()
    assert f"{path}:4:" in warn.getvalue()
    assert read_history(tmp_path / "missing.jsonl") == []


def test_connector_strip_is_the_last_runs_that_included_it(tmp_path: Path) -> None:
    entries = [
        entry_for(
            run_info(f"r{i}"),
            compute_statuses([green_run(), red_run()] if i % 2 else [green_run()]),
        )
        for i in range(30)
    ]
    strip = connector_strip(entries, "gamma", last=5)
    assert [entry.run_id for entry, _ in strip] == ["r21", "r23", "r25", "r27", "r29"]
    assert all(point.status is Status.RED for _, point in strip)
    assert len(connector_strip(entries, "alpha")) == 20
