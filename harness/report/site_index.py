"""index.html: the exchange table users know (exchanges x Spot / Perpetual / Gateway, each
cell listing every implementation side by side), then every connector in one table."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.coverage_gate import COVERAGE_THRESHOLD
from harness.report.exchange_table import (
    Exchange,
    ExchangeRow,
    Implementation,
    exchange_rows,
    market_columns,
    market_label,
)
from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
from harness.report.site_assets import INDEX_JS
from harness.report.site_html import (
    STRIP_LENGTH,
    full_reason,
    mark,
    meta,
    page,
    page_name,
    since_text,
    strip,
)
from harness.report.timeline import red_streak
from harness.results import ConnectorRun
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


def hover(impl: Implementation) -> str:
    """What hovering an implementation says: its reasons in full, or that all is well."""
    status = impl.status
    if not status.reasons:
        return f"{status.passed} of {status.ran} checks passed"
    return "\n".join(full_reason(reason, impl.run) for reason in status.reasons)


def _implementation(impl: Implementation, history: Sequence[HistoryEntry]) -> str:
    run, status = impl.run, impl.status
    value = status.status.value
    broken = since_text(red_streak(history, run.connector))
    since = f'<span class="since">{escape(broken)}</span>' if broken else ""
    return (
        f'<a class="impl" data-status="{value}" data-connector="{escape(run.connector)}" '
        f'href="{escape(page_name(run.connector))}" title="{escape(hover(impl))}">'
        f'{mark(value)}<span class="impl-name">{escape(run.connector)}</span>'
        f'<span class="checks">{status.passed}/{status.ran} checks</span>{since}</a>'
    )


def _exchange_row(row: ExchangeRow, markets: Sequence[str], history: Sequence[HistoryEntry]
                  ) -> str:
    exchange: Exchange = row.exchange
    cells = []
    for market in markets:
        impls = row.cells.get(market, [])
        inner = (
            "".join(_implementation(impl, history) for impl in impls)
            if impls
            else '<span class="uncovered">not covered yet</span>'
        )
        covered = "yes" if impls else "no"
        cells.append(f'<td class="market" data-market="{market}" data-covered="{covered}">'
                     f"{inner}</td>")
    note = "" if exchange.listed else '<div class="muted note">not in Hummingbot\'s table</div>'
    return (
        f'<tr data-exchange="{escape(exchange.id)}"><th scope="row" class="exchange">'
        f"{escape(exchange.name)}{note}</th>{''.join(cells)}</tr>"
    )


def _exchange_table(rows: Sequence[ExchangeRow], markets: Sequence[str],
                    history: Sequence[HistoryEntry]) -> str:
    head = "".join(f'<th scope="col">{escape(market_label(m))}</th>' for m in markets)
    body = "".join(_exchange_row(row, markets, history) for row in rows)
    return (
        '<div class="card"><table class="exchanges"><thead><tr><th scope="col">Exchange</th>'
        f"{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _connector_rows(runs: Sequence[ConnectorRun], statuses: Sequence[ConnectorStatus],
                    history: Sequence[HistoryEntry]) -> str:
    by_name = {run.connector: run for run in runs}
    rows = []
    for status in statuses:
        run = by_name[status.connector]
        value = status.status.value
        href = escape(page_name(run.connector))
        why = full_reason(status.reasons[0], run) if status.reasons and value != "green" else ""
        broken = since_text(red_streak(history, run.connector))
        rows.append(
            f'<tr data-connector="{escape(run.connector)}" data-status="{value}">'
            f'<td class="name"><a href="{href}">{escape(run.connector)}</a>'
            f'<div class="why">{escape(why)}</div></td>'
            f"<td>{escape(run.exchange_name)}</td><td>{escape(market_label(run.standard))}</td>"
            f'<td class="overall" data-status="{value}"><a href="{href}">{mark(value)}</a></td>'
            f'<td class="num">{status.passed}/{status.ran}</td>{_coverage_cell(run)}'
            f"<td>{strip(history, run.connector)}</td>"
            f'<td class="since">{escape(broken)}</td></tr>'
        )
    return "".join(rows)


def render_index(
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
    info: RunInfo,
    history: Sequence[HistoryEntry],
    gate_failures: Sequence[str] = (),
    *,
    exchanges: Sequence[Exchange] = (),
) -> str:
    banners = []
    if not info.complete:
        banners.append(
            '<p class="banner warn">Run incomplete: it was interrupted and some checks did '
            "not run.</p>"
        )
    banners += [f'<p class="banner bad">Gate failed: {escape(g)}</p>' for g in gate_failures]
    counts = {status: sum(1 for s in statuses if s.status is status) for status in Status}
    chips = "".join(
        f'<span class="chip">{mark(status.value, f"{count} {status.value}")}</span>'
        for status, count in counts.items()
    )
    filters = "".join(
        f'<button type="button" data-filter="{name}">{name.title()}</button>'
        for name in ("all", "red", "yellow", "green")
    )
    ran = [run for run in runs if any(s.connector == run.connector for s in statuses)]
    rows = exchange_rows(exchanges, ran, statuses)
    body = (
        "".join(banners)
        + f'<div class="toolbar"><div class="chips">{chips}</div></div>'
        + "<h2>Exchanges</h2>"
        + _exchange_table(rows, market_columns(ran), history)
        + '<div class="legend"><span>Each cell lists every connector judged for that exchange '
        "and market: status, checks passed / run; hover for the reasons.</span></div>"
        + '<h2 id="connectors">Connectors</h2>'
        + '<div class="toolbar"><div class="filters" role="group" '
        f'aria-label="Filter by status">{filters}</div></div>'
        + '<div class="card"><table class="connectors"><thead><tr><th>Connector</th>'
        "<th>Exchange</th><th>Market</th><th>Status</th><th class=\"num\">Checks</th>"
        f"<th>Coverage</th><th>Last {STRIP_LENGTH} runs</th><th>Red since</th></tr></thead>"
        f"<tbody>{_connector_rows(runs, statuses, history)}</tbody></table></div>"
        + '<div class="legend"><span><a href="checks.html">Every check across every '
        'connector</a></span><span>Machine-readable: <a href="../status.json">status.json'
        "</a></span></div>"
    )
    header = f'<h1><a href="index.html">Connector harness</a></h1>{meta(info)}'
    return page("Connector harness", header, body, INDEX_JS)
