"""history.jsonl: one line per run (id, time, commit, per-connector status and counts).

The file keeps the last HISTORY_LIMIT runs; rebuilding the reports of a run replaces its line
instead of adding a second one. The dashboard embeds it when it is built.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from harness.report.atomic import write_text
from harness.report.run_info import RunInfo, iso
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


@dataclass(frozen=True)
class HistoryEntry:
    run_id: str
    timestamp: str  # ISO 8601 UTC, the run's start
    commit: str
    complete: bool
    connectors: dict[str, ConnectorPoint]

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "complete": self.complete,
            "connectors": {
                name: {
                    "status": point.status.value,
                    "passed": point.passed,
                    "failed": point.failed,
                    "known": point.known,
                    "total": point.total,
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
            connectors={
                name: ConnectorPoint(
                    status=Status(point["status"]),
                    passed=int(point.get("passed", 0)),
                    failed=int(point.get("failed", 0)),
                    known=int(point.get("known", 0)),
                    total=int(point.get("total", 0)),
                )
                for name, point in data.get("connectors", {}).items()
            },
        )


def entry_for(info: RunInfo, statuses: Sequence[ConnectorStatus]) -> HistoryEntry:
    """The history line of one run."""
    return HistoryEntry(
        run_id=info.run_id,
        timestamp=iso(info.started),
        commit=info.commit,
        complete=info.complete,
        connectors={
            s.connector: ConnectorPoint(s.status, s.passed, s.failed, s.known, s.total)
            for s in statuses
        },
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
