"""<connector>.html: one connector: since when it is broken, its last runs (versions and what
changed), its reasons, coverage and scenarios, then every check, failing ones first with
their reproduce commands, the rest behind one control."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.report.badges import safe_name
from harness.report.exchange_table import market_label
from harness.report.history import HistoryEntry
from harness.report.not_judged import not_judged, not_judged_count
from harness.report.run_info import RunInfo
from harness.report.site_html import (
    STATUS_ORDER,
    area_label,
    area_order,
    area_status,
    check_page_name,
    full_reason,
    mark,
    meta,
    page,
    since_text,
    slug,
)
from harness.report.site_runs import runs_table
from harness.report.status_json import check_status_value
from harness.report.timeline import FAILING, red_streak
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


def _areas(run: ConnectorRun, anchors: dict[int, str]) -> str:
    boxes = []
    for area in area_order([run]):
        indexed = [(i, r) for i, r in enumerate(run.results) if r.area == area]
        results = [r for _, r in indexed]
        ran = [r for r in results if r.outcome is not Outcome.SKIP]
        passed = sum(1 for r in ran if r.outcome is Outcome.PASS)
        links = " ".join(
            f'<a href="#{anchors[i]}">{escape(r.check_id)}</a>'
            for i, r in indexed
            if check_status_value(r) not in ("green", "skip")
        )
        boxes.append(
            f'<div class="cell" id="area-{slug(area)}" data-status="{area_status(results)}">'
            f"<b>{escape(area_label(area))}</b><br>{passed}/{len(ran)} passed"
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


def row_ids(run: ConnectorRun) -> dict[int, str]:
    """Stable anchors for check rows, from their ids (check-SPOT-ORD-3), unique per page."""
    ids: dict[int, str] = {}
    used: set[str] = set()
    for index, result in enumerate(run.results):
        anchor = base = f"check-{safe_name(result.check_id)}"
        suffix = 2
        while anchor in used:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        used.add(anchor)
        ids[index] = anchor
    return ids


def _check_row(result: CheckResult, anchor: str) -> str:
    value = check_status_value(result)
    flags = " · flaky" if result.flaky else ""
    flags += "" if result.required else " · optional"
    link = escape(check_page_name(result.check_id))
    row = (
        f'<tr class="check" id="{anchor}" data-status="{value}" '
        f'data-check="{escape(result.check_id)}">'
        f"<td>{mark(value)}</td>"
        f'<td class="id"><a href="{link}" title="this check across every connector">'
        f"{escape(result.check_id)}</a></td><td>{escape(result.title)}"
        f'<span class="muted">{flags}</span></td><td>{escape(area_label(result.area))}</td>'
        f"<td>{result.outcome.value}</td><td>{result.expected.value}</td>"
        f'<td class="num">{result.duration:.3f} s</td></tr>'
    )
    detail = ""
    if result.message and result.outcome is not Outcome.PASS:
        detail += f'<pre class="msg">{escape(result.message)}</pre>'
    detail += _known(result)
    if result.reproduce:
        detail += f'<code class="repro">{escape(result.reproduce)}</code>'
    if detail:
        row += f'<tr class="detail"><td></td><td colspan="6">{detail}</td></tr>'
    return row


_CHECKS_HEAD = (
    '<thead><tr><th>Status</th><th>ID</th><th>Title</th><th>Area</th><th>Outcome</th>'
    '<th>Expected</th><th class="num">Duration</th></tr></thead>'
)


def _checks(run: ConnectorRun, anchors: dict[int, str]) -> str:
    """Failing checks (red, yellow) in full; the others in one table behind one control."""
    order = sorted(
        range(len(run.results)),
        key=lambda i: (STATUS_ORDER[check_status_value(run.results[i])], i),
    )
    failing = [i for i in order if check_status_value(run.results[i]) in FAILING]
    rest = [i for i in order if i not in failing]
    html = ""
    if failing:
        rows = "".join(_check_row(run.results[i], anchors[i]) for i in failing)
        html += (
            f'<div class="card"><table class="checks failing">{_CHECKS_HEAD}<tbody>{rows}'
            "</tbody></table></div>"
        )
    else:
        html += '<p class="muted">No check is failing.</p>'
    if rest:
        rows = "".join(_check_row(run.results[i], anchors[i]) for i in rest)
        passed = sum(1 for i in rest if run.results[i].outcome is Outcome.PASS)
        skipped = len(rest) - passed
        counted = " and ".join(
            text
            for count, text in ((passed, f"{passed} passing"), (skipped, f"{skipped} skipped"))
            if count
        )
        html += (
            f'<details class="rest"><summary>{counted} check{"s" if len(rest) > 1 else ""}, '
            "with their reproduce commands</summary>"
            f'<div class="card"><table class="checks">{_CHECKS_HEAD}<tbody>{rows}</tbody>'
            "</table></div></details>"
        )
    return html


def _not_judged(run: ConnectorRun) -> str:
    """The checks skipped because the connector declares no capability they need."""
    found = not_judged(run.results, run.standard)
    if not found:
        return ""
    rows = "".join(
        f'<tr data-capability="{escape(u.capability)}"><td><code>{escape(u.capability)}'
        f"</code>{' (required by the standard)' if u.required else ''}</td><td>"
        + " ".join(f'<a href="{escape(check_page_name(i))}">{escape(i)}</a>'
                   for i in u.check_ids)
        + "</td></tr>"
        for u in found
    )
    count = not_judged_count(found)
    return (
        f'<h2 id="not-judged">Not judged ({count} check{"s" if count > 1 else ""})</h2>'
        '<p class="muted">Skipped because the manifest declares no capability they need: '
        "a pass elsewhere says nothing about these.</p>"
        '<div class="card"><table><thead><tr><th>Capability not declared</th>'
        f"<th>Checks not judged</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


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
    anchors = row_ids(run)
    name = escape(run.connector)
    value = status.status.value
    reasons = "".join(f"<li>{escape(full_reason(reason, run))}</li>" for reason in status.reasons)
    streak = red_streak(history, run.connector)
    broken = since_text(streak)
    if streak is not None and streak.just_began:
        broken += ": red in this run, not in the run before"
    since = f'<p class="banner bad">{mark("red", broken)}</p>' if broken else ""
    identity = (
        f"{escape(market_label(run.standard))} · exchange {escape(run.exchange_name)} · "
        f"connector version <code>{escape(run.version or 'unknown')}</code>"
    )
    load = (
        f'<h2>Could not load</h2><pre class="msg">{escape(run.load_error)}</pre>'
        if run.load_error
        else ""
    )
    body = (
        '<p><a href="index.html">← All connectors</a></p>'
        f'<h2 class="title">{name} {mark(value)} <span class="muted identity">'
        f"{identity}</span></h2>"
        + since
        + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
        + _facts(run, status)
        + load
        + _scenario_failure(run)
        + (f"<h2>Areas</h2>{_areas(run, anchors)}" if run.results else "")
        + _not_judged(run)
        + "<h2>Checks</h2>"
        + (_checks(run, anchors) if run.results else '<p class="muted">No check ran.</p>')
        + runs_table(history, run.connector)
        + _missing(run)
    )
    header = f'<h1><a href="index.html">Connector harness</a> / {name}</h1>{meta(info)}'
    return page(f"{run.connector}: {value}", header, body)
