"""What the history says about change: since when a connector (or one of its checks) has been
failing, and what changed between one run of a connector and the one before.

Pure functions over history entries (oldest first), for the dashboard. A streak that reaches
back to the oldest kept entry is reported as "at least" that old: the history may have
forgotten when it began.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.report.history import ConnectorPoint, HistoryEntry
from harness.status import Status

FAILING = frozenset({Status.RED.value, Status.YELLOW.value})


@dataclass(frozen=True)
class Streak:
    """The latest runs in a row that share a condition, ending with the newest run."""

    since: str  # timestamp of the first run of the streak
    runs: int
    from_start: bool  # it reaches the oldest kept entry: it may have begun earlier

    @property
    def just_began(self) -> bool:
        """True when only the newest run has the condition and an earlier run did not."""
        return self.runs == 1 and not self.from_start


def _streak(
    entries: Sequence[HistoryEntry], connector: str, holds: Callable[[ConnectorPoint], bool]
) -> Streak | None:
    points = [(e, e.connectors[connector]) for e in entries if connector in e.connectors]
    count = 0
    for _, point in reversed(points):
        if not holds(point):
            break
        count += 1
    if count == 0:
        return None
    return Streak(points[-count][0].timestamp, count, from_start=count == len(points))


def red_streak(entries: Sequence[HistoryEntry], connector: str) -> Streak | None:
    """How long the connector has been red, or None when its newest run is not red."""
    return _streak(entries, connector, lambda point: point.status is Status.RED)


def check_streak(
    entries: Sequence[HistoryEntry], connector: str, check_id: str
) -> Streak | None:
    """How long one check of a connector has been failing (red or yellow), or None.

    A run that did not record its checks (an old history line) ends the streak there, and
    the streak then counts as reaching back to the start of what is known.
    """
    known = [e for e in entries if connector in e.connectors and e.connectors[connector].checks]
    return _streak(known, connector, lambda point: point.checks.get(check_id) in FAILING)


@dataclass(frozen=True)
class RunDiff:
    """What changed in one connector's checks since its previous run."""

    new_failures: tuple[str, ...]  # failing now, not failing (or absent) before
    fixes: tuple[str, ...]  # failing before, passing now
    new_checks: tuple[str, ...]  # not run before at all
    removed_checks: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.new_failures or self.fixes or self.new_checks or self.removed_checks)


def run_diff(previous: ConnectorPoint, current: ConnectorPoint) -> RunDiff | None:
    """The diff between two runs of a connector; None when either did not record checks."""
    if not previous.checks or not current.checks:
        return None
    before, now = previous.checks, current.checks
    return RunDiff(
        new_failures=tuple(
            sorted(k for k, v in now.items() if v in FAILING and before.get(k) not in FAILING)
        ),
        fixes=tuple(
            sorted(
                k
                for k, v in now.items()
                if v not in FAILING and before.get(k) in FAILING
            )
        ),
        new_checks=tuple(sorted(set(now) - set(before))),
        removed_checks=tuple(sorted(set(before) - set(now))),
    )


@dataclass(frozen=True)
class RunRow:
    """One run of a connector, for the per-connector page's run table."""

    entry: HistoryEntry
    point: ConnectorPoint
    diff: RunDiff | None  # None: the first kept run, or checks not recorded
    first: bool  # no earlier run of this connector is kept


def last_runs(entries: Sequence[HistoryEntry], connector: str, last: int = 20) -> list[RunRow]:
    """The connector's last `last` runs, newest first, each with its diff to the run before."""
    points = [(e, e.connectors[connector]) for e in entries if connector in e.connectors]
    rows = []
    for index in range(max(0, len(points) - last), len(points)):
        entry, point = points[index]
        previous = points[index - 1][1] if index > 0 else None
        diff = run_diff(previous, point) if previous is not None else None
        rows.append(RunRow(entry, point, diff, first=previous is None))
    return rows[::-1]
