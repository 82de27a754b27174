"""The dashboard in a real headless Chromium: the matrix renders, colours follow status.json,
the script runs, and every link of index.html leads to an existing file."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

from headless_chromium import open_page
from report_factory import run_info, three_runs

from harness.report.writer import write_reports_for

# Computed colours (rgb) the stylesheet must give each status.
CELL_BACKGROUND = {
    "green": "rgb(230, 246, 220)",
    "yellow": "rgb(252, 243, 207)",
    "red": "rgb(252, 227, 222)",
    "skip": "rgb(244, 245, 247)",
    "none": "rgb(244, 245, 247)",
}
PILL_BACKGROUND = {
    "green": "rgb(68, 204, 17)",
    "yellow": "rgb(223, 179, 23)",
    "red": "rgb(224, 93, 68)",
}
ORDER = {"red": 0, "yellow": 1, "green": 2, "skip": 3}

MATRIX = """
Array.from(document.querySelectorAll('tr[data-connector]')).map(row => {
  const overall = row.querySelector('td.overall');
  const pill = overall.querySelector('.pill');
  return {
    connector: row.dataset.connector,
    status: row.dataset.status,
    overall: overall.dataset.status,
    pill: getComputedStyle(pill).backgroundColor,
    visible: row.offsetParent !== null,
    cells: Array.from(row.querySelectorAll('td[data-area]')).map(cell => ({
      area: cell.dataset.area,
      status: cell.dataset.status,
      background: getComputedStyle(cell).backgroundColor,
      width: cell.getBoundingClientRect().width,
    })),
    ticks: row.querySelectorAll('.tick').length,
  };
})
"""


def build_site(out: Path) -> dict[str, object]:
    for index in range(4):
        write_reports_for(three_runs(), out, run_info(f"r{index}", offset_minutes=index))
    status: dict[str, object] = json.loads((out / "status.json").read_text())
    return status


def expected_cell(checks: list[dict[str, str]], area: str) -> str:
    statuses = [c["status"] for c in checks if c["area"] == area]
    return min(statuses, key=ORDER.__getitem__) if statuses else "none"


def test_dashboard_renders_in_headless_chromium(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    status = build_site(out)
    connectors = status["connectors"]
    assert isinstance(connectors, dict)
    index = out / "site" / "index.html"
    with open_page(index.as_uri(), tmp_path) as page:
        assert page.evaluate("document.body.dataset.ready") == "1"  # the script ran, no error
        rows = page.evaluate(MATRIX)
        links = page.evaluate("Array.from(document.links).map(a => a.href)")
        page.evaluate("document.querySelector('button[data-filter=red]').click()")
        visible = [r["connector"] for r in page.evaluate(MATRIX) if r["visible"]]
        page.evaluate("document.querySelector('button[data-filter=all]').click()")
        shot = page.screenshot(tmp_path / "dashboard.png")

    assert [row["connector"] for row in rows] == ["alpha", "beta", "gamma"]
    for row in rows:
        expected = connectors[row["connector"]]
        assert row["status"] == row["overall"] == expected["status"]
        assert row["pill"] == PILL_BACKGROUND[expected["status"]], row["connector"]
        assert row["ticks"] == 4
        assert [cell["area"] for cell in row["cells"]] == ["order book", "orders", "balances"]
        for cell in row["cells"]:
            want = expected_cell(expected["checks"], cell["area"])
            assert cell["status"] == want, (row["connector"], cell)
            assert cell["background"] == CELL_BACKGROUND[want], (row["connector"], cell)
            assert cell["width"] > 40  # rendered, not collapsed
    assert visible == ["gamma"]

    assert links, "index.html has no link"
    for link in links:
        parts = urlsplit(link)
        assert parts.scheme == "file", link  # no server, no external asset
        assert Path(unquote(parts.path)).is_file(), link

    width, height = struct.unpack(">II", shot[16:24])
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and (width, height) == (1400, 900)
    keep = os.environ.get("HARNESS_DASHBOARD_SCREENSHOT")
    if keep:
        Path(keep).write_bytes(shot)
