"""<connector>.html: every check of one connector, failing ones first, each with its
reproduce command; its reasons, coverage, scenarios and history."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
from harness.report.site_html import (
    STATUS_ORDER,
    area_order,
    area_status,
    meta,
    page,
    slug,
    strip,
)
from harness.report.status_json import check_status_value
from harness.results import CheckResult, ConnectorRun, Outcome
from harness.status import ConnectorStatus


def line_ranges(lines: Sequence[int]) -> str:
    """Compact line numbers: [1, 2, 3, 7] -> "1-3, 7"."""
    parts: list[str] = []
    ordered = sorted(set(lines))
    start = 0
    for index, line in enumerate(ordered):
        if index + 1 == len(ordered) or ordered[index + 1] != line + 1:
            first = ordered[start]
            parts.append(str(first) if first == line else f"{first}-{line}")
            start = index + 1
    return ", ".join(parts)


def _fact(key: str, value: str, note: str = "") -> str:
    extra = f'<div class="muted">{escape(note)}</div>' if note else ""
    return (
        f'<div class="fact"><div class="k">{escape(key)}</div>'
        f'<div class="v">{value}</div>{extra}</div>'
    )


def _facts(run: ConnectorRun, status: ConnectorStatus) -> str:
    facts = [
        _fact("Checks passed", f"{status.passed}/{status.ran}", f"{status.skipped} skipped"),
        _fact("Failed unexpectedly", str(status.failed)),
        _fact("Known failures", str(status.known)),
        _fact("Flaky", str(status.flaky)),
    ]
    if run.coverage is None:
        facts.append(_fact("Coverage", "n/a", "not measured"))
    else:
        cov = run.coverage
        facts.append(
            _fact(
                "Coverage",
                f"{cov.percent:.1f} %",
                f"lines {100 * cov.line_rate:.1f} %, branches {100 * cov.branch_rate:.1f} %",
            )
        )
        if cov.diff_percent is not None:
            facts.append(_fact("Diff coverage", f"{cov.diff_percent:.1f} %", "changed lines"))
    scenarios = run.scenarios
    if scenarios is None:
        why = ("the connector did not load" if run.load_error else "partial run"
               if run.partial else "no exchange double")
        facts.append(_fact("Property scenarios", "not run", why))
    else:
        verdict = "passed" if scenarios.passed else "violated"
        facts.append(
            _fact(
                "Property scenarios",
                verdict,
                f"{scenarios.examples} examples, seed {scenarios.seed}",
            )
        )
    return f'<div class="facts">{"".join(facts)}</div>'


def _scenario_failure(run: ConnectorRun) -> str:
    scenarios = run.scenarios
    if scenarios is None or scenarios.passed:
        return ""
    html = f'<h2>Property invariant violated</h2><pre class="msg">{escape(scenarios.failure)}</pre>'
    if scenarios.minimal_steps:
        steps = "\n".join(scenarios.minimal_steps)
        html += f'<p class="muted">Minimal failing sequence (seed {escape(scenarios.seed)}):</p>'
        html += f'<pre class="msg">{escape(steps)}</pre>'
    if scenarios.regression_cassette:
        html += (
            f'<p class="muted">Saved as <code>{escape(scenarios.regression_cassette)}</code></p>'
        )
    return html


def _areas(run: ConnectorRun, row_ids: dict[int, str]) -> str:
    boxes = []
    for area in area_order([run]):
        indexed = [(i, r) for i, r in enumerate(run.results) if r.area == area]
        results = [r for _, r in indexed]
        ran = [r for r in results if r.outcome is not Outcome.SKIP]
        passed = sum(1 for r in ran if r.outcome is Outcome.PASS)
        links = " ".join(
            f'<a href="#{row_ids[i]}">{escape(r.check_id)}</a>'
            for i, r in indexed
            if check_status_value(r) not in ("green", "skip")
        )
        boxes.append(
            f'<div class="cell" id="area-{slug(area)}" data-status="{area_status(results)}">'
            f"<b>{escape(area)}</b><br>{passed}/{len(ran)} passed"
            + (f"<br>{links}" if links else "")
            + "</div>"
        )
    return f'<div class="areas">{"".join(boxes)}</div>'


def _known(result: CheckResult) -> str:
    known = result.known_failure
    if known is None:
        return ""
    link = f' <a href="{escape(known.link)}">{escape(known.link)}</a>' if known.link else ""
    state = "expired" if known.expired else "expires"
    return (
        f'<p class="muted">Known failure: {escape(known.reason)}{link} '
        f"({state} {escape(known.expires)})</p>"
    )


def _check_rows(run: ConnectorRun, row_ids: dict[int, str]) -> str:
    order = sorted(
        range(len(run.results)),
        key=lambda i: (STATUS_ORDER[check_status_value(run.results[i])], i),
    )
    rows = []
    for index in order:
        result = run.results[index]
        value = check_status_value(result)
        flags = " · flaky" if result.flaky else ""
        flags += "" if result.required else " · optional"
        rows.append(
            f'<tr class="check" id="{row_ids[index]}" data-status="{value}">'
            f'<td><span class="pill" data-status="{value}">{value}</span></td>'
            f'<td class="id">{escape(result.check_id)}</td><td>{escape(result.title)}'
            f'<span class="muted">{flags}</span></td><td>{escape(result.area)}</td>'
            f"<td>{result.outcome.value}</td><td>{result.expected.value}</td>"
            f'<td class="num">{result.duration:.3f} s</td></tr>'
        )
        detail = ""
        if result.message and result.outcome is not Outcome.PASS:
            detail += f'<pre class="msg">{escape(result.message)}</pre>'
        detail += _known(result)
        if result.reproduce:
            detail += f'<code class="repro">{escape(result.reproduce)}</code>'
        rows.append(f'<tr class="detail"><td></td><td colspan="6">{detail}</td></tr>')
    return "".join(rows)


def _missing(run: ConnectorRun) -> str:
    if run.coverage is None or not run.coverage.missing:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{escape(line_ranges(lines))}</td></tr>"
        for name, lines in sorted(run.coverage.missing.items())
    )
    return (
        '<h2>Lines not run</h2><div class="card"><table><thead><tr><th>File</th>'
        f"<th>Missing lines</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def render_connector_page(
    run: ConnectorRun,
    status: ConnectorStatus,
    info: RunInfo,
    history: Sequence[HistoryEntry],
) -> str:
    row_ids = {index: f"check-{index + 1}" for index in range(len(run.results))}
    name = escape(run.connector)
    value = status.status.value
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in status.reasons)
    load = (
        f'<h2>Could not load</h2><pre class="msg">{escape(run.load_error)}</pre>'
        if run.load_error
        else ""
    )
    body = (
        '<p><a href="index.html">← All connectors</a></p>'
        f'<h2 style="font-size:22px">{name} <span class="pill" data-status="{value}">{value}'
        f'</span> <span class="muted" style="font-size:14px;font-weight:400">'
        f"{escape(run.standard)}</span></h2>"
        + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
        + _facts(run, status)
        + load
        + _scenario_failure(run)
        + f"<h2>Last runs</h2><p>{strip(history, run.connector)}</p>"
        + (f"<h2>Areas</h2>{_areas(run, row_ids)}" if run.results else "")
        + "<h2>Checks</h2>"
        + (
            '<div class="card"><table class="checks"><thead><tr><th>Status</th><th>ID</th>'
            "<th>Title</th><th>Area</th><th>Outcome</th><th>Expected</th>"
            f'<th class="num">Duration</th></tr></thead><tbody>{_check_rows(run, row_ids)}'
            "</tbody></table></div>"
            if run.results
            else '<p class="muted">No check ran.</p>'
        )
        + _missing(run)
    )
    header = f'<h1><a href="index.html">Connector harness</a> / {name}</h1>{meta(info)}'
    return page(f"{run.connector}: {value}", header, body)
