"""Since when a connector or a check has been failing, and the diff between runs."""

from __future__ import annotations

from harness.report.history import ConnectorPoint, HistoryEntry
from harness.report.site_html import since_text
from harness.report.timeline import check_streak, last_runs, red_streak, run_diff
from harness.status import Status


def point(status: Status, **checks: str) -> ConnectorPoint:
    return ConnectorPoint(status, 0, 0, 0, len(checks), checks=dict(checks))


def entry(index: int, **connectors: ConnectorPoint) -> HistoryEntry:
    return HistoryEntry(f"r{index}", f"2026-11-0{index + 1}T10:00:00Z", "c", True, connectors)


GREEN, RED = Status.GREEN, Status.RED


def test_red_streak_just_broke_broken_since_and_at_least() -> None:
    history = [
        entry(0, a=point(GREEN), b=point(RED)),
        entry(1, a=point(RED), b=point(RED)),
        entry(2, b=point(RED)),  # a did not run: its streak skips the run
        entry(3, a=point(RED), b=point(GREEN)),
    ]
    a = red_streak(history, "a")
    assert a is not None and (a.since, a.runs, a.from_start) == ("2026-11-02T10:00:00Z", 2, False)
    assert since_text(a) == "broken since 2026-11-02 10:00:00 UTC (2 runs)"
    assert red_streak(history, "b") is None and red_streak(history, "nobody") is None
    just = red_streak(history[:2], "a")
    assert just is not None and just.just_began and since_text(just) == "just broke"
    always = red_streak(history[:3], "b")
    assert always is not None and always.from_start and not always.just_began
    assert since_text(always) == "broken at least since 2026-11-01 10:00:00 UTC (3 runs)"
    assert since_text(None) == ""


def test_check_streak_counts_red_and_yellow_and_stops_at_unrecorded_runs() -> None:
    history = [
        entry(0, a=point(GREEN, X="green")),
        entry(1, a=point(RED)),  # an old line: checks not recorded
        entry(2, a=point(RED, X="red")),
        entry(3, a=point(RED, X="yellow", Y="green")),
    ]
    streak = check_streak(history, "a", "X")
    assert streak is not None and (streak.since, streak.runs) == ("2026-11-03T10:00:00Z", 2)
    assert since_text(streak, "failing") == "failing since 2026-11-03 10:00:00 UTC (2 runs)"
    assert check_streak(history, "a", "Y") is None
    only = check_streak(history[:3], "a", "X")
    assert only is not None and only.just_began
    assert since_text(only, "failing") == "failing since this run"


def test_run_diff_new_failures_fixes_new_and_removed_checks() -> None:
    before = point(RED, A="red", B="green", C="green", D="skip")
    now = point(RED, A="green", B="red", C="yellow", E="red")
    diff = run_diff(before, now)
    assert diff is not None
    assert diff.new_failures == ("B", "C", "E")
    assert diff.fixes == ("A",)
    assert diff.new_checks == ("E",) and diff.removed_checks == ("D",)
    assert not diff.empty
    same = run_diff(now, now)
    assert same is not None and same.empty
    assert run_diff(point(GREEN), now) is None  # checks not recorded: no diff, not "no change"


def test_last_runs_newest_first_with_diffs() -> None:
    history = [entry(i, a=point(GREEN, X="green" if i < 4 else "red")) for i in range(6)]
    rows = last_runs(history, "a", last=3)
    assert [row.entry.run_id for row in rows] == ["r5", "r4", "r3"]
    assert not any(row.first for row in rows)  # older runs exist beyond the window
    assert rows[1].diff is not None and rows[1].diff.new_failures == ("X",)
    assert rows[0].diff is not None and rows[0].diff.empty
    assert last_runs(history, "a")[-1].first and last_runs(history, "b") == []
