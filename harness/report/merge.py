"""Merge raw results (reports/raw/*.json, from xdist workers or CI matrix shards) into one set.

Within one folder, files are parts of one run (xdist workers): results of the same connector
are combined. Across folders (shards), a connector should appear once; if it appears twice the
later folder wins, with a warning line.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from harness.report.run_info import RUN_INFO_NAME, RunInfo, make_run_info, read_run_info
from harness.results import CheckResult, ConnectorRun, read_raw

RAW_DIR_NAME = "raw"
MERGED_NAME = "merged.json"


class RawError(Exception):
    """Raw results that cannot be read; the message is one line naming the file and the fix."""


@dataclass
class Shard:
    folder: Path
    runs: list[ConnectorRun]
    info: RunInfo | None
    files: list[Path]


def raw_folder(folder: Path) -> Path:
    """The folder holding raw files: `folder` itself, or its raw/ (a whole reports folder)."""
    nested = folder / RAW_DIR_NAME
    if nested.is_dir() and not _raw_files(folder):
        return nested
    return folder


def _raw_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.json") if path.name != RUN_INFO_NAME)


def combine_runs(runs: Sequence[ConnectorRun]) -> list[ConnectorRun]:
    """Combine parts of one run: one ConnectorRun per connector, results concatenated.

    A result recorded twice (same node id) keeps its later copy; a failed scenario outcome
    wins over a passed one; coverage is the last one given.
    """
    combined: dict[str, ConnectorRun] = {}
    for run in runs:
        into = combined.get(run.connector)
        if into is None:
            combined[run.connector] = ConnectorRun(
                connector=run.connector,
                standard=run.standard,
                load_error=run.load_error,
                results=list(run.results),
                coverage=run.coverage,
                scenarios=run.scenarios,
                incomplete=run.incomplete,
                exchange=run.exchange,
                version=run.version,
                problems=list(run.problems),
                partial=run.partial,
                interrupted=run.interrupted,
                not_run=list(run.not_run),
            )
            continue
        into.load_error = into.load_error or run.load_error
        into.results = _dedupe([*into.results, *run.results])
        into.coverage = run.coverage or into.coverage
        if run.scenarios is not None and (into.scenarios is None or into.scenarios.passed):
            into.scenarios = run.scenarios
        into.incomplete = into.incomplete or run.incomplete
        into.exchange = into.exchange or run.exchange
        into.version = into.version or run.version
        into.problems = list(dict.fromkeys([*into.problems, *run.problems]))
        into.partial = into.partial or run.partial
        into.interrupted = into.interrupted or run.interrupted
        finished = {result.check_id for result in into.results}
        into.not_run = [c for c in dict.fromkeys([*into.not_run, *run.not_run])
                        if c not in finished]
    return [combined[name] for name in sorted(combined)]


def _dedupe(results: list[CheckResult]) -> list[CheckResult]:
    last = {result.nodeid: index for index, result in enumerate(results) if result.nodeid}
    return [r for index, r in enumerate(results) if not r.nodeid or last[r.nodeid] == index]


def load_shard(folder: Path) -> Shard:
    """Read every raw file of one folder (and its run-info.json if there is one)."""
    source = raw_folder(folder)
    if not source.is_dir():
        raise RawError(f"{folder}: no such folder; pass the folder holding raw/*.json")
    files = _raw_files(source)
    if not files:
        raise RawError(
            f"{source}: no raw results (*.json written by `harness run`); "
            "run `harness run` first or pass the right folder"
        )
    runs: list[ConnectorRun] = []
    for path in files:
        try:
            runs.extend(read_raw(path))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RawError(
                f"{path}: not a raw results file ({type(exc).__name__}: {exc}); "
                "regenerate it with `harness run` or remove it"
            ) from exc
    info_path = source / RUN_INFO_NAME
    info = None
    if info_path.exists():
        try:
            info = read_run_info(info_path)
        except (ValueError, KeyError, TypeError) as exc:
            raise RawError(
                f"{info_path}: unreadable run info ({type(exc).__name__}: {exc}); delete it "
                "and the run's times will be taken from the files"
            ) from exc
    return Shard(source, combine_runs(runs), info, files)


def merge_shards(shards: Sequence[Shard], *, warn: TextIO | None = None) -> list[ConnectorRun]:
    """One ConnectorRun per connector; a connector in two shards: the later one wins."""
    merged: dict[str, tuple[ConnectorRun, Path]] = {}
    for shard in shards:
        for run in shard.runs:
            if run.connector in merged:
                print(
                    f"warning: connector {run.connector} is in {merged[run.connector][1]} and "
                    f"{shard.folder}; keeping {shard.folder}",
                    file=warn or sys.stderr,
                )
            merged[run.connector] = (run, shard.folder)
    return [merged[name][0] for name in sorted(merged)]


def merged_info(shards: Sequence[Shard], runs: Sequence[ConnectorRun]) -> RunInfo:
    """Run info of the merged run: earliest start, latest finish, complete only if all were.

    The run id is stable for the same inputs, so rebuilding replaces the history line.
    """
    infos = [shard.info for shard in shards if shard.info is not None]
    incomplete = any(run.incomplete for run in runs)
    if len(infos) == len(shards) == 1:
        info = infos[0]
        return replace(info, complete=False) if incomplete else info
    digest = hashlib.sha256()
    for shard in shards:
        for path in shard.files:
            digest.update(path.read_bytes())
    if infos:
        started = min(info.started for info in infos)
        finished = max(info.finished for info in infos)
        complete = all(info.complete for info in infos) and len(infos) == len(shards)
        commit: str | None = infos[0].commit
        seeds = sorted({info.seed for info in infos if info.seed})
        seed = ",".join(seeds)
    else:
        times = [path.stat().st_mtime for shard in shards for path in shard.files]
        started = datetime.fromtimestamp(min(times), UTC)
        finished = datetime.fromtimestamp(max(times), UTC)
        complete, commit, seed = True, None, ""
    return make_run_info(
        started=started,
        finished=finished,
        complete=complete and not incomplete,
        run_id=f"merged-{digest.hexdigest()[:12]}",
        commit=commit,
        seed=seed,
    )


def merged_raw(runs: Sequence[ConnectorRun]) -> str:
    """The merged runs as one raw file, so that the merged reports can be rebuilt."""
    return json.dumps([run.to_json() for run in runs], indent=1, sort_keys=True)
