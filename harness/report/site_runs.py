"""The per-connector page's run table: its last runs, newest first, each pinned to the
harness, standard and connector versions it ran with, and what changed since the run before
(new failures, fixes, new checks), as wpt.fyi diffs runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from harness.report.history import HistoryEntry
from harness.report.site_html import STRIP_LENGTH, check_page_name, mark, when
from harness.report.timeline import RunDiff, RunRow, last_runs


def _ids(label: str, check_ids: Sequence[str], kind: str, statuses: dict[str, str]) -> str:
    if not check_ids:
        return ""
    links = ", ".join(
        f'<a href="{escape(check_page_name(c))}">{escape(c)}</a>'
        + (f" ({escape(statuses[c])})" if kind == "new-failure" and c in statuses else "")
        for c in check_ids
    )
    return f'<div class="change {kind}"><b>{label}:</b> {links}</div>'


def _changes(row: RunRow) -> str:
    if row.first:
        return '<span class="muted">first run kept in the history</span>'
    diff: RunDiff | None = row.diff
    if diff is None:
        return '<span class="muted">checks not recorded for this or the previous run</span>'
    if diff.empty:
        return '<span class="muted">no change</span>'
    statuses = row.point.checks
    return (
        _ids("New failures", diff.new_failures, "new-failure", statuses)
        + _ids("Fixed", diff.fixes, "fix", statuses)
        + _ids("New checks", diff.new_checks, "new-check", statuses)
        + _ids("No longer run", diff.removed_checks, "removed", statuses)
    )


@dataclass(frozen=True)
class _Before:
    """The versions of the run before (None: there is none to compare with)."""

    harness_version: str | None = None
    standard_version: str | None = None
    version: str | None = None

    @classmethod
    def of(cls, row: RunRow | None) -> _Before:
        if row is None:
            return cls()
        return cls(row.entry.harness_version, row.entry.standard_version, row.point.version)


def _version(value: str, previous: str | None) -> str:
    text = escape(value or "unknown")
    if previous is not None and previous != value:
        return f'<code class="changed" title="changed since the run before">{text}</code>'
    return f"<code>{text}</code>"


def runs_table(history: Sequence[HistoryEntry], connector: str) -> str:
    """The "Last runs" section of a connector's page."""
    rows = last_runs(history, connector, STRIP_LENGTH)
    if not rows:
        return '<h2 id="runs">Last runs</h2><p class="muted">No run recorded yet.</p>'
    html = []
    for index, row in enumerate(rows):
        older = rows[index + 1] if index + 1 < len(rows) else None
        point, entry = row.point, row.entry
        before = _Before.of(older)
        incomplete = "" if entry.complete else ' <span class="muted">(incomplete)</span>'
        html.append(
            f'<tr class="run" data-run="{escape(entry.run_id)}" '
            f'data-status="{point.status.value}">'
            f'<td class="num">{escape(when(entry.timestamp))}{incomplete}</td>'
            f"<td>{mark(point.status.value)} {point.passed}/{point.total}</td>"
            f"<td>{_version(entry.harness_version, before.harness_version)}</td>"
            f"<td>{_version(entry.standard_version, before.standard_version)}</td>"
            f"<td>{_version(point.version, before.version)}</td>"
            f"<td><code>{escape(entry.commit[:7])}</code></td>"
            f'<td class="changes">{_changes(row)}</td></tr>'
        )
    return (
        f'<h2 id="runs">{"Last run" if len(rows) == 1 else f"Last {len(rows)} runs"}</h2>'
        '<div class="card"><table class="runs"><thead><tr><th class="num">Run (UTC)</th>'
        "<th>Status, checks passed</th><th>Harness</th><th>Standard</th><th>Connector</th>"
        "<th>Commit</th><th>Changes since the run before</th></tr></thead>"
        f"<tbody>{''.join(html)}</tbody></table></div>"
    )
