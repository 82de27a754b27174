"""`harness report` and `harness report merge`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from report_factory import cov, green_run, red_run, run_info, yellow_run

from harness.cli import build_parser, main
from harness.report.run_info import RUN_INFO_NAME, write_run_info
from harness.results import write_raw


def raw(folder: Path, runs: list, info_id: str | None = None) -> Path:  # type: ignore[type-arg]
    write_raw(folder / "raw" / "main.json", runs)
    if info_id:
        write_run_info(folder / "raw" / RUN_INFO_NAME, run_info(info_id))
    return folder


def test_report_rebuilds_from_raw_and_exits_one_when_red(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw(tmp_path, [green_run(), red_run()], info_id="r9")
    code = main(["report", "--from", str(tmp_path / "raw"), "--out", str(tmp_path)])
    assert code == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("alpha  GREEN")
    assert out.splitlines()[1].startswith("gamma  RED")
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["run"]["id"] == "r9"
    # Rebuilding again replaces the run's history line instead of adding one.
    main(["report", "--from", str(tmp_path / "raw"), "--out", str(tmp_path)])
    assert len((tmp_path / "history.jsonl").read_text().splitlines()) == 1


def test_report_exits_zero_when_nothing_is_red_and_no_gate_fails(tmp_path: Path) -> None:
    known_failures_only = dataclasses.replace(yellow_run(), coverage=cov("beta", percent=85.0))
    raw(tmp_path, [green_run(), known_failures_only])
    assert main(["report", "--from", str(tmp_path / "raw"), "--out", str(tmp_path / "o")]) == 0


def test_report_exits_non_zero_when_a_connector_fails_the_coverage_gate(tmp_path: Path) -> None:
    raw(tmp_path, [green_run(), yellow_run()])  # beta: 74.25 % of its code covered
    assert main(["report", "--from", str(tmp_path / "raw"), "--out", str(tmp_path / "o")]) == 1


def test_report_merge_of_two_shards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = raw(tmp_path / "shard-1", [green_run("alpha"), yellow_run("beta")])
    second = raw(tmp_path / "shard-2", [green_run("beta")])
    out = tmp_path / "merged"
    code = main(["report", "merge", str(first), str(second), "--out", str(out)])
    assert code == 0
    captured = capsys.readouterr()
    assert "warning: connector beta is in" in captured.err
    status = json.loads((out / "status.json").read_text())
    assert {n: c["status"] for n, c in status["connectors"].items()} == {
        "alpha": "green",
        "beta": "green",
    }
    # The merged raw results are kept, so the merged reports can be rebuilt.
    assert main(["report", "--from", str(out / "raw"), "--out", str(out)]) == 0
    assert len((out / "history.jsonl").read_text().splitlines()) == 1


def test_missing_raw_results_is_one_clear_line_and_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "--from", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"harness report: {tmp_path}: no raw results")


def test_merge_needs_shards_and_out() -> None:
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "merge", "--out", "x"])
    args = parser.parse_args(["report"])
    assert args.source == Path("reports/raw") and args.out == Path("reports")
