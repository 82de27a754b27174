"""The static HTML dashboard (reports/site/): index.html, a matrix of connectors x check
areas, and one page per connector. Static files, relative links, inline CSS and script, no
external asset: it works from file:// with no server.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.report.history import HistoryEntry
from harness.report.run_info import RunInfo
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
) -> dict[Path, str]:
    """Every page of the dashboard, rendered, keyed by path (for `write_all`)."""
    by_name = {run.connector: run for run in runs}
    files = {site_dir / "index.html": render_index(runs, statuses, info, history, gate_failures)}
    for status in statuses:
        run = by_name[status.connector]
        files[site_dir / page_name(status.connector)] = render_connector_page(
            run, status, info, history
        )
    return files
