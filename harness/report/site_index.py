"""index.html: the matrix of connectors x check areas, with coverage and run history."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.coverage_gate import COVERAGE_THRESHOLD
from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
from harness.report.site_assets import INDEX_JS
from harness.report.site_html import (
    NONE,
    STRIP_LENGTH,
    area_order,
    area_status,
    meta,
    page,
    page_name,
    slug,
    strip,
)
from harness.results import CheckResult, ConnectorRun, Outcome
from harness.status import ConnectorStatus, Status


def _coverage_cell(run: ConnectorRun) -> str:
    if run.coverage is None:
        return '<td class="num muted">n/a</td>'
    percent = run.coverage.percent
    low = " low" if percent < COVERAGE_THRESHOLD else ""
    diff = ""
    if run.coverage.diff_percent is not None:
        diff = f'<div class="muted">diff {run.coverage.diff_percent:.1f} %</div>'
    return (
        f'<td class="num"><span class="{low.strip()}">{percent:.1f} %</span>'
        f'<span class="bar"><span style="width:{min(percent, 100):.0f}%"></span></span>'
        f"{diff}</td>"
    )


def _area_cell(connector: str, area: str, results: Sequence[CheckResult]) -> str:
    status = area_status(results)
    if status == NONE:
        return f'<td class="cell" data-status="{NONE}" data-area="{escape(area)}">—</td>'
    ran = [r for r in results if r.outcome is not Outcome.SKIP]
    passed = sum(1 for r in ran if r.outcome is Outcome.PASS)
    title = f"{area}: {passed} of {len(ran)} passed, {len(results) - len(ran)} skipped"
    text = f"{passed}/{len(ran)}" if ran else "skip"
    href = f"{page_name(connector)}#area-{slug(area)}"
    return (
        f'<td class="cell" data-status="{status}" data-area="{escape(area)}">'
        f'<a href="{escape(href)}" title="{escape(title)}">{text}</a></td>'
    )


def render_index(
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
    info: RunInfo,
    history: Sequence[HistoryEntry],
    gate_failures: Sequence[str] = (),
) -> str:
    by_name = {run.connector: run for run in runs}
    areas = area_order(by_name[s.connector] for s in statuses)
    banners = []
    if not info.complete:
        banners.append(
            '<p class="banner warn">Run incomplete: it was interrupted and some checks did '
            "not run.</p>"
        )
    banners += [f'<p class="banner bad">Gate failed: {escape(g)}</p>' for g in gate_failures]
    counts = {status: sum(1 for s in statuses if s.status is status) for status in Status}
    chips = "".join(
        f'<span class="chip"><span class="dot" data-status="{status.value}"></span>'
        f"{count} {status.value}</span>"
        for status, count in counts.items()
    )
    filters = "".join(
        f'<button type="button" data-filter="{name}">{name.title()}</button>'
        for name in ("all", "red", "yellow", "green")
    )
    head = "".join(f'<th class="area">{escape(area)}</th>' for area in areas)
    rows = []
    for status in statuses:
        run = by_name[status.connector]
        why = next((r for r in status.reasons), "") if status.status is not Status.GREEN else ""
        cells = "".join(
            _area_cell(run.connector, area, [r for r in run.results if r.area == area])
            for area in areas
        )
        href = escape(page_name(run.connector))
        rows.append(
            f'<tr data-connector="{escape(run.connector)}" data-status="{status.status.value}">'
            f'<td class="name"><a href="{href}">{escape(run.connector)}</a>'
            f'<div class="why">{escape(why)}</div></td>'
            f'<td class="overall" data-status="{status.status.value}"><a href="{href}">'
            f'<span class="pill" data-status="{status.status.value}">{status.status.value}'
            f"</span></a></td>{cells}{_coverage_cell(run)}"
            f"<td>{strip(history, run.connector)}</td></tr>"
        )
    body = (
        "".join(banners) + f'<div class="toolbar"><div class="chips">{chips}</div>'
        f'<div class="filters" role="group" aria-label="Filter by status">{filters}</div></div>'
        '<div class="card"><table class="matrix"><thead><tr><th>Connector</th><th>Status</th>'
        f"{head}<th>Coverage</th><th>Last {STRIP_LENGTH} runs</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        '<div class="legend"><span>Cells: checks passed / run in that area; colour = the '
        'worst check.</span><span>Machine-readable: <a href="../status.json">status.json'
        "</a></span></div>"
    )
    header = f'<h1><a href="index.html">Connector harness</a></h1>{meta(info)}'
    return page("Connector harness", header, body, INDEX_JS)
