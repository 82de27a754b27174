"""The static HTML dashboard (reports/site/): index.html (the exchange table and every
connector), one page per connector, one page per check and checks.html. Static files,
relative links, inline CSS and script, no external asset: it works from file:// with no
server and published as is (GitHub Pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.report.exchange_table import Exchange, load_exchange_table
from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
from harness.report.site_check import check_files
from harness.report.site_connector import render_connector_page
from harness.report.site_html import page_name
from harness.report.site_index import render_index
from harness.results import ConnectorRun
from harness.status import ConnectorStatus


def site_files(
    site_dir: Path,
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
    info: RunInfo,
    history: Sequence[HistoryEntry],
    gate_failures: Sequence[str] = (),
    exchanges: Sequence[Exchange] | None = None,
) -> dict[Path, str]:
    """Every page of the dashboard, rendered, keyed by path (for `write_all`).

    `exchanges` are the home page's rows (default: the table shipped in exchanges.toml).
    """
    table = load_exchange_table() if exchanges is None else exchanges
    by_name = {run.connector: run for run in runs}
    files = {
        site_dir / "index.html": render_index(
            runs, statuses, info, history, gate_failures, exchanges=table
        )
    }
    files.update(check_files(site_dir, runs, info, history))
    for status in statuses:
        run = by_name[status.connector]
        files[site_dir / page_name(status.connector)] = render_connector_page(
            run, status, info, history
        )
    return files
