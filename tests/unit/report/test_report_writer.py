"""write_reports: every file, each atomic; nothing half-written when something fails."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from report_factory import COMMIT, START, green_run, three_runs

from harness.report import writer
from harness.report.run_info import RUN_INFO_NAME, read_run_info
from harness.report.writer import write_reports
from harness.results import ConnectorRun
from harness.status import Status

EXPECTED = [
    "allure-results/categories.json",
    "allure-results/environment.properties",
    "badges/alpha-spot.json",
    "badges/alpha-spot.svg",
    "badges/alpha.json",
    "badges/alpha.svg",
    "badges/beta-spot.json",
    "badges/beta-spot.svg",
    "badges/beta.json",
    "badges/beta.svg",
    "badges/gamma-spot.json",
    "badges/gamma-spot.svg",
    "badges/gamma.json",
    "badges/gamma.svg",
    "history.jsonl",
    "junit.xml",
    f"raw/{RUN_INFO_NAME}",
    "site/alpha.html",
    "site/beta.html",
    "site/check-SPOT-BAL-1.html",
    "site/check-SPOT-OB-1.html",
    "site/check-SPOT-OB-2.html",
    "site/check-SPOT-OB-4.html",
    "site/check-SPOT-ORD-1.html",
    "site/check-SPOT-ORD-3.html",
    "site/check-SPOT-ORD-9.html",
    "site/checks.html",
    "site/gamma.html",
    "site/index.html",
    "status.json",
    "summary.md",
]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write(out: Path, runs: list[ConnectorRun] | None = None, **kwargs: object) -> list[object]:
    return write_reports(  # type: ignore[return-value]
        three_runs() if runs is None else runs,
        out,
        started=START,
        finished=START + timedelta(seconds=3),
        complete=True,
        commit=COMMIT,
        seed="7",
        **kwargs,  # type: ignore[arg-type]
    )


def test_writes_every_report_and_returns_the_statuses(tmp_path: Path) -> None:
    statuses = write(tmp_path, run_id="r1")
    assert [(s.connector, s.status) for s in statuses] == [  # type: ignore[attr-defined]
        ("alpha", Status.GREEN),
        ("beta", Status.YELLOW),
        ("gamma", Status.RED),
    ]
    assert files_under(tmp_path) == EXPECTED
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["run"]["id"] == "r1" and status["run"]["seed"] == "7"
    assert read_run_info(tmp_path / "raw" / RUN_INFO_NAME).run_id == "r1"
    properties = (tmp_path / "allure-results" / "environment.properties").read_text()
    assert f"git.commit={COMMIT}" in properties and "connector.gamma=red 2/3" in properties
    categories = json.loads((tmp_path / "allure-results" / "categories.json").read_text())
    names = [c["name"] for c in categories]
    assert {"Unexpected failures", "Known failures", "Flaky checks"} <= set(names)
    assert oct(os.stat(tmp_path / "status.json").st_mode & 0o777) == "0o644"


def test_a_generated_run_id_names_the_commit_and_history_grows(tmp_path: Path) -> None:
    write(tmp_path)
    write(tmp_path)
    lines = (tmp_path / "history.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["run_id"].startswith("20261105T100000Z-0123456") and first["commit"] == COMMIT
    assert json.loads(lines[0])["run_id"] != json.loads(lines[1])["run_id"]


def test_diff_coverage_gate_fails_through_status_json(tmp_path: Path) -> None:
    run = green_run()
    assert run.coverage is not None
    run.coverage = type(run.coverage)(**{**run.coverage.__dict__, "diff_percent": 50.0})
    write(tmp_path, [run])
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["gate_failures"] == ["alpha: diff coverage 50.0 % < 80 % of changed lines"]
    assert status["summary"]["exit_code"] == 1


def test_a_rendering_error_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, run_id="old")
    before = {name: (tmp_path / name).read_bytes() for name in EXPECTED}

    def broken(*args: object, **kwargs: object) -> dict[Path, str]:
        raise RuntimeError("template bug")

    monkeypatch.setattr(writer, "site_files", broken)
    with pytest.raises(RuntimeError, match="template bug"):
        write(tmp_path, run_id="new")
    assert {name: (tmp_path / name).read_bytes() for name in EXPECTED} == before


def test_a_failing_write_leaves_no_partial_or_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, run_id="old")
    old_status = (tmp_path / "status.json").read_text()
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError, match="No space left"):
        write(tmp_path, run_id="new")
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []
    assert files_under(tmp_path) == EXPECTED
    # status.json is written last: it still describes the old, complete set.
    assert (tmp_path / "status.json").read_text() == old_status
    for name in EXPECTED:
        if name.endswith(".json") and not name.endswith("categories.json"):
            json.loads((tmp_path / name).read_text())  # whole files only


def test_duplicate_connectors_in_one_run_are_combined(tmp_path: Path) -> None:
    part = green_run()
    other = ConnectorRun("alpha", results=part.results[:1])
    statuses = write(tmp_path, [ConnectorRun("alpha", results=part.results[1:]), other])
    assert len(statuses) == 1
    status = json.loads((tmp_path / "status.json").read_text())
    assert len(status["connectors"]["alpha"]["checks"]) == 4
