"""Merging raw results: workers of one run combine, shards merge with later-wins."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from report_factory import check, green_run, red_run, run_info, scen, yellow_run

from harness.report.merge import (
    RawError,
    combine_runs,
    load_shard,
    merge_shards,
    merged_info,
)
from harness.report.run_info import RUN_INFO_NAME, write_run_info
from harness.results import ConnectorRun, Outcome, write_raw


def shard(folder: Path, *files: list[ConnectorRun], info_id: str | None = None) -> Path:
    raw = folder / "raw"
    for index, runs in enumerate(files):
        write_raw(raw / f"gw{index}.json", runs)
    if info_id is not None:
        offset = int(info_id[-1]) * 10
        write_run_info(raw / RUN_INFO_NAME, run_info(info_id, offset_minutes=offset))
    return folder


def test_merge_of_two_shards_later_wins_with_a_warning(tmp_path: Path) -> None:
    first = shard(tmp_path / "s1", [green_run("alpha"), yellow_run("beta")], info_id="r1")
    second = shard(tmp_path / "s2", [red_run("beta"), red_run("gamma")], info_id="r2")
    shards = [load_shard(first), load_shard(second)]
    warn = io.StringIO()
    runs = merge_shards(shards, warn=warn)
    assert [run.connector for run in runs] == ["alpha", "beta", "gamma"]
    beta = runs[1]
    assert [r.check_id for r in beta.results] == ["SPOT-OB-1", "SPOT-ORD-3", "SPOT-BAL-1"]
    assert warn.getvalue() == (
        f"warning: connector beta is in {first / 'raw'} and {second / 'raw'}; "
        f"keeping {second / 'raw'}\n"
    )
    info = merged_info(shards, runs)
    assert info.started == run_info(offset_minutes=10).started
    assert info.finished == run_info(offset_minutes=20).finished
    assert info.complete and info.run_id.startswith("merged-")
    assert merged_info(shards, runs).run_id == info.run_id  # stable: rebuilding replaces


def test_workers_of_one_run_are_combined(tmp_path: Path) -> None:
    part1 = ConnectorRun("alpha", results=[check("A-1", connector="alpha")])
    part2 = ConnectorRun(
        "alpha",
        results=[
            check("A-2", connector="alpha"),
            check("A-1", connector="alpha", outcome=Outcome.FAIL),
        ],
        coverage=green_run().coverage,
        scenarios=scen("alpha", passed=False),
        incomplete=True,
    )
    part3 = ConnectorRun("alpha", scenarios=scen("alpha"), load_error="boom")
    loaded = load_shard(shard(tmp_path, [part1], [part2, part3]))
    assert len(loaded.runs) == 1 and loaded.info is None
    alpha = loaded.runs[0]
    # A-1 was recorded twice (a rerun): the later copy is kept.
    assert [(r.check_id, r.outcome) for r in alpha.results] == [
        ("A-2", Outcome.PASS),
        ("A-1", Outcome.FAIL),
    ]
    assert alpha.coverage is not None and alpha.scenarios is not None
    assert not alpha.scenarios.passed  # a failed scenario outcome is never hidden
    assert alpha.incomplete and alpha.load_error == "boom"


def test_combine_keeps_results_without_node_ids() -> None:
    anonymous = replace(check("A-1"), nodeid="")
    runs = combine_runs(
        [ConnectorRun("a", results=[anonymous]), ConnectorRun("a", results=[anonymous])]
    )
    assert len(runs[0].results) == 2


def test_a_shard_given_as_its_raw_folder_or_its_reports_folder(tmp_path: Path) -> None:
    folder = shard(tmp_path / "s", [green_run()])
    assert load_shard(folder).folder == load_shard(folder / "raw").folder == folder / "raw"


def test_info_without_run_info_comes_from_the_files(tmp_path: Path) -> None:
    shards = [load_shard(shard(tmp_path / "s", [green_run()]))]
    runs = merge_shards(shards)
    info = merged_info(shards, runs)
    assert info.complete and info.run_id.startswith("merged-")
    assert info.finished - info.started < timedelta(minutes=1)


def test_single_shard_keeps_its_run_id_and_incomplete_connectors_make_it_incomplete(
    tmp_path: Path,
) -> None:
    incomplete = replace(green_run(), incomplete=True)
    shards = [load_shard(shard(tmp_path / "s", [incomplete], info_id="r1"))]
    info = merged_info(shards, merge_shards(shards))
    assert info.run_id == "r1" and info.complete is False


def test_mixed_shards_with_and_without_run_info_are_not_complete(tmp_path: Path) -> None:
    shards = [
        load_shard(shard(tmp_path / "a", [green_run("a")], info_id="r1")),
        load_shard(shard(tmp_path / "b", [green_run("b")])),
    ]
    assert merged_info(shards, merge_shards(shards)).complete is False


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", r"gw0.json: not a raw results file \(JSONDecodeError"),
        ('[{"results": []}]', r"gw0.json: not a raw results file \(KeyError"),
        ('{"a": 1}', r"gw0.json: not a raw results file"),
    ],
)
def test_unreadable_raw_file_is_one_clear_line(tmp_path: Path, content: str, match: str) -> None:
    (tmp_path / "gw0.json").write_text(content)
    with pytest.raises(RawError, match=match):
        load_shard(tmp_path)


def test_missing_folder_empty_folder_and_bad_run_info(tmp_path: Path) -> None:
    with pytest.raises(RawError, match="no such folder"):
        load_shard(tmp_path / "missing")
    with pytest.raises(RawError, match=r"no raw results \(\*.json written by `harness run`\)"):
        load_shard(tmp_path)
    folder = shard(tmp_path / "s", [green_run()])
    (folder / "raw" / RUN_INFO_NAME).write_text("{}")
    with pytest.raises(RawError, match=r"run-info\.json: unreadable run info"):
        load_shard(folder)
