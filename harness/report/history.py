"""history.jsonl: one line per run (id, time, commit, versions, and per connector its
status, counts, exchange, standard, version and the status of each check).

The per-check statuses are what "broken since", the diff between runs and "who fails this
check since when" are computed from (harness.report.timeline). Lines written before a field
existed read with it empty.

The file keeps the last HISTORY_LIMIT runs; rebuilding the reports of a run replaces its line
instead of adding a second one. The dashboard embeds it when it is built.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from harness.report.atomic import write_text
from harness.report.run_info import RunInfo, iso
from harness.report.status_json import check_status_value
from harness.results import ConnectorRun
from harness.status import ConnectorStatus, Status

HISTORY_LIMIT = 100
HISTORY_NAME = "history.jsonl"


@dataclass(frozen=True)
class ConnectorPoint:
    status: Status
    passed: int
    failed: int
    known: int
    total: int
    exchange: str = ""
    standard: str = ""
    version: str = ""  # the connector's version (harness.identity)
    # check id -> green, yellow, red or skip; empty in lines written before it was recorded
    checks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    run_id: str
    timestamp: str  # ISO 8601 UTC, the run's start
    commit: str
    complete: bool
    connectors: dict[str, ConnectorPoint]
    harness_version: str = ""
    standard_version: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "complete": self.complete,
            "harness_version": self.harness_version,
            "standard_version": self.standard_version,
            "connectors": {
                name: {
                    "status": point.status.value,
                    "passed": point.passed,
                    "failed": point.failed,
                    "known": point.known,
                    "total": point.total,
                    "exchange": point.exchange,
                    "standard": point.standard,
                    "version": point.version,
                    "checks": dict(sorted(point.checks.items())),
                }
                for name, point in sorted(self.connectors.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryEntry:
        return cls(
            run_id=str(data["run_id"]),
            timestamp=str(data["timestamp"]),
            commit=str(data.get("commit", "unknown")),
            complete=bool(data.get("complete", True)),
            harness_version=str(data.get("harness_version", "")),
            standard_version=str(data.get("standard_version", "")),
            connectors={
                name: ConnectorPoint(
                    status=Status(point["status"]),
                    passed=int(point.get("passed", 0)),
                    failed=int(point.get("failed", 0)),
                    known=int(point.get("known", 0)),
                    total=int(point.get("total", 0)),
                    exchange=str(point.get("exchange", "")),
                    standard=str(point.get("standard", "")),
                    version=str(point.get("version", "")),
                    checks={str(k): str(v) for k, v in point.get("checks", {}).items()},
                )
                for name, point in data.get("connectors", {}).items()
            },
        )


def _point(status: ConnectorStatus, run: ConnectorRun | None) -> ConnectorPoint:
    if run is None:
        return ConnectorPoint(status.status, status.passed, status.failed, status.known,
                              status.total)
    return ConnectorPoint(
        status.status,
        status.passed,
        status.failed,
        status.known,
        status.total,
        exchange=run.exchange_name,
        standard=run.standard,
        version=run.version,
        checks={result.check_id: check_status_value(result) for result in run.results},
    )


def entry_for(
    info: RunInfo, statuses: Sequence[ConnectorStatus], runs: Sequence[ConnectorRun] = ()
) -> HistoryEntry:
    """The history line of one run (with each check's status for the connectors in `runs`)."""
    by_name = {run.connector: run for run in runs}
    return HistoryEntry(
        run_id=info.run_id,
        timestamp=iso(info.started),
        commit=info.commit,
        complete=info.complete,
        connectors={s.connector: _point(s, by_name.get(s.connector)) for s in statuses},
        harness_version=info.harness_version,
        standard_version=info.standard_version,
    )


def read_history(path: Path, *, warn: TextIO | None = None) -> list[HistoryEntry]:
    """Every readable entry, oldest first; a damaged line is skipped with a warning."""
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(HistoryEntry.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            print(
                f"warning: {path}:{number}: skipped a damaged history line ({exc!r}); "
                "delete the line to silence this",
                file=warn or sys.stderr,
            )
    return entries


def render_history(entries: Sequence[HistoryEntry]) -> str:
    return "".join(json.dumps(entry.to_json(), sort_keys=True) + "\n" for entry in entries)


def appended(
    entries: Sequence[HistoryEntry], entry: HistoryEntry, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """`entries` plus `entry` (replacing one with the same run id), the last `limit` kept."""
    kept = [old for old in entries if old.run_id != entry.run_id]
    kept.append(entry)
    return kept[-limit:] if limit > 0 else []


def append_history(
    path: Path, entry: HistoryEntry, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """Append one run to the history file (rewritten atomically), keep the last `limit`."""
    entries = appended(read_history(path), entry, limit)
    write_text(path, render_history(entries))
    return entries


def connector_strip(
    entries: Sequence[HistoryEntry], connector: str, last: int = 20
) -> list[tuple[HistoryEntry, ConnectorPoint]]:
    """The connector's points in the last `last` runs that included it, oldest first."""
    points = [(e, e.connectors[connector]) for e in entries if connector in e.connectors]
    return points[-last:]
