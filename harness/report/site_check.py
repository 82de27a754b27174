"""check-<ID>.html: one check across every connector (who fails it, since when, its last
runs), and checks.html, the list of every check with who fails it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from harness.report.exchange_table import market_label
from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
from harness.report.site_connector import row_ids
from harness.report.site_html import (
    STATUS_ORDER,
    STRIP_LENGTH,
    SYMBOLS,
    area_label,
    check_page_name,
    mark,
    meta,
    page,
    page_name,
    since_text,
)
from harness.report.status_json import check_status_value
from harness.report.timeline import FAILING, check_streak
from harness.results import CheckResult, ConnectorRun


@dataclass(frozen=True)
class Sighting:
    """One connector's result for the check, and the anchor of its row on its page."""

    run: ConnectorRun
    result: CheckResult
    anchor: str

    @property
    def status(self) -> str:
        return check_status_value(self.result)


def sightings(runs: Sequence[ConnectorRun]) -> dict[str, list[Sighting]]:
    """Check id -> every connector's result for it, failing first, in the suites' order."""
    found: dict[str, list[Sighting]] = {}
    for run in sorted(runs, key=lambda run: run.connector):
        anchors = row_ids(run)
        for index, result in enumerate(run.results):
            found.setdefault(result.check_id, []).append(Sighting(run, result, anchors[index]))
    for seen in found.values():
        seen.sort(key=lambda s: STATUS_ORDER[s.status])
    return found


def _check_strip(history: Sequence[HistoryEntry], connector: str, check_id: str) -> str:
    ticks = []
    for entry in history:
        point = entry.connectors.get(connector)
        if point is None or not point.checks:
            continue
        value = point.checks.get(check_id, "none")
        title = f"{entry.timestamp} · {value}"
        ticks.append(
            f'<span class="tick" data-status="{value}" title="{escape(title)}">'
            f"{SYMBOLS.get(value, '?')}</span>"
        )
    ticks = ticks[-STRIP_LENGTH:]
    if not ticks:
        return '<span class="muted">—</span>'
    return f'<span class="strip">{"".join(ticks)}</span>'


def _row(seen: Sighting, history: Sequence[HistoryEntry]) -> str:
    run, result = seen.run, seen.result
    failing = seen.status in FAILING
    since = since_text(check_streak(history, run.connector, result.check_id), "failing")
    detail = ""
    if failing and result.message:
        detail += f'<pre class="msg">{escape(result.message)}</pre>'
    if failing and result.reproduce:
        detail += f'<code class="repro">{escape(result.reproduce)}</code>'
    href = f"{page_name(run.connector)}#{seen.anchor}"
    return (
        f'<tr data-connector="{escape(run.connector)}" data-status="{seen.status}">'
        f'<td class="name"><a href="{escape(href)}">{escape(run.connector)}</a></td>'
        f"<td>{escape(run.exchange_name)}</td><td>{escape(market_label(run.standard))}</td>"
        f"<td>{mark(seen.status)}</td><td>{result.outcome.value}</td>"
        f'<td class="since">{escape(since)}</td>'
        f"<td>{_check_strip(history, run.connector, result.check_id)}</td>"
        f'<td class="detail">{detail}</td></tr>'
    )


def render_check_page(
    check_id: str, seen: Sequence[Sighting], info: RunInfo, history: Sequence[HistoryEntry]
) -> str:
    first = seen[0].result
    failing = [s for s in seen if s.status in FAILING]
    markets = sorted({market_label(s.run.standard) for s in seen})
    summary = (
        f"{len(seen)} connector{'s' if len(seen) != 1 else ''} ran it; "
        f"{len(failing)} failing"
    )
    rows = "".join(_row(s, history) for s in seen)
    body = (
        '<p><a href="index.html">← All connectors</a> · <a href="checks.html">All checks</a></p>'
        f'<h2 class="title">{escape(check_id)} <span class="muted identity">'
        f"{escape(area_label(first.area))} · {escape(', '.join(markets))}</span></h2>"
        f'<p class="statement">{escape(first.title)}</p><p class="muted">{summary}</p>'
        '<div class="card"><table class="check-across"><thead><tr><th>Connector</th>'
        "<th>Exchange</th><th>Market</th><th>Status</th><th>Outcome</th><th>Failing since</th>"
        f"<th>Last {STRIP_LENGTH} runs</th><th>Message and reproduce command</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
    header = (
        f'<h1><a href="index.html">Connector harness</a> / {escape(check_id)}</h1>{meta(info)}'
    )
    return page(f"{check_id}: who fails it", header, body)


def render_check_index(found: dict[str, list[Sighting]], info: RunInfo) -> str:
    rows = []
    for check_id in sorted(found):
        seen = found[check_id]
        failing = " ".join(
            f'<a href="{escape(page_name(s.run.connector))}#{s.anchor}">'
            f"{mark(s.status, s.run.connector)}</a>"
            for s in seen
            if s.status in FAILING
        )
        passing = sum(1 for s in seen if s.status == "green")
        rows.append(
            f'<tr data-check="{escape(check_id)}"><td class="id">'
            f'<a href="{escape(check_page_name(check_id))}">{escape(check_id)}</a></td>'
            f"<td>{escape(seen[0].result.title)}</td>"
            f"<td>{escape(area_label(seen[0].result.area))}</td>"
            f'<td class="num">{passing}/{len(seen)}</td><td>{failing}</td></tr>'
        )
    body = (
        '<p><a href="index.html">← All connectors</a></p>'
        f"<h2>{len(found)} checks</h2>"
        '<div class="card"><table class="all-checks"><thead><tr><th>ID</th><th>Check</th>'
        '<th>Area</th><th class="num">Green</th><th>Failing</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    header = f'<h1><a href="index.html">Connector harness</a> / checks</h1>{meta(info)}'
    return page("Every check", header, body)


def check_files(
    site_dir: Path, runs: Sequence[ConnectorRun], info: RunInfo, history: Sequence[HistoryEntry]
) -> dict[Path, str]:
    """checks.html and one page per check id that any connector reported."""
    found = sightings(runs)
    files = {site_dir / "checks.html": render_check_index(found, info)}
    for check_id, seen in found.items():
        files[site_dir / check_page_name(check_id)] = render_check_page(
            check_id, seen, info, history
        )
    return files
