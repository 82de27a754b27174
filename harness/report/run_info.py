"""What every report says about the run itself: when, which commit, which versions, complete."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from harness.report.atomic import write_text
from harness.standard.version import STANDARD_VERSION

# Written next to the raw results so that `harness report` can rebuild the reports later.
RUN_INFO_NAME = "run-info.json"


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken as local time, as Python does."""
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z: 2026-11-05T10:15:00Z, or 2026-11-05T10:15:00.250Z."""
    moment = utc(moment)
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def harness_version() -> str:
    """The installed version of connector-harness, or "0+unknown" when it is not installed."""
    try:
        return metadata.version("connector-harness")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def git_commit(cwd: Path | None = None) -> str:
    """HEAD's commit, else $GITHUB_SHA (CI without git), else "unknown"."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is not None and done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    return os.environ.get("GITHUB_SHA", "") or "unknown"


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    started: datetime
    finished: datetime
    complete: bool
    commit: str
    harness_version: str
    standard_version: str
    seed: str = ""  # hypothesis seed of the run, when one was fixed
    hypothesis_profile: str = ""

    @property
    def duration(self) -> float:
        return max(0.0, (self.finished - self.started).total_seconds())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.run_id,
            "started": iso(self.started),
            "finished": iso(self.finished),
            "duration": round(self.duration, 3),
            "complete": self.complete,
            "commit": self.commit,
            "harness_version": self.harness_version,
            "standard_version": self.standard_version,
            "seed": self.seed,
            "hypothesis_profile": self.hypothesis_profile,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunInfo:
        return cls(
            run_id=str(data["id"]),
            started=parse_iso(data["started"]),
            finished=parse_iso(data["finished"]),
            complete=bool(data["complete"]),
            commit=str(data.get("commit", "unknown")),
            harness_version=str(data.get("harness_version", "0+unknown")),
            standard_version=str(data.get("standard_version", STANDARD_VERSION)),
            seed=str(data.get("seed", "")),
            hypothesis_profile=str(data.get("hypothesis_profile", "")),
        )


def make_run_info(
    *,
    started: datetime,
    finished: datetime,
    complete: bool,
    run_id: str | None = None,
    commit: str | None = None,
    seed: str = "",
    hypothesis_profile: str = "",
    cwd: Path | None = None,
) -> RunInfo:
    """A RunInfo with the commit and versions looked up; the run id is made when not given."""
    commit = commit or git_commit(cwd)
    started = utc(started)
    if run_id is None:
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{commit[:7]}-{secrets.token_hex(2)}"
    return RunInfo(
        run_id=run_id,
        started=started,
        finished=utc(finished),
        complete=complete,
        commit=commit,
        harness_version=harness_version(),
        standard_version=STANDARD_VERSION,
        seed=seed,
        hypothesis_profile=hypothesis_profile,
    )


def render_run_info(info: RunInfo) -> str:
    return json.dumps(info.to_json(), indent=1) + "\n"


def write_run_info(path: Path, info: RunInfo) -> None:
    """Write run-info.json (e.g. next to raw results, so reports can be rebuilt later)."""
    write_text(path, render_run_info(info))


def read_run_info(path: Path) -> RunInfo:
    return RunInfo.from_json(json.loads(path.read_text(encoding="utf-8")))
