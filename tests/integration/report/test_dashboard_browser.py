"""The dashboard in a real headless Chromium, one browser for every assertion: at 1280 and
1920 px no page overflows sideways and no table hides a column; the exchange table shows
what status.json says (status word and colour); every link of every page resolves; the
filter script runs."""

from __future__ import annotations

import dataclasses
import json
import os
import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

from headless_chromium import Page, open_page
from report_factory import market_runs, run_info, yellow_run

from harness.report.writer import write_reports_for

WIDTHS = (1280, 1920)
HEIGHT = 900
# Computed colours (rgb) the stylesheet must give each status's mark and implementation.
MARK_BACKGROUND = {
    "green": "rgb(230, 246, 220)",
    "yellow": "rgb(252, 243, 207)",
    "red": "rgb(252, 227, 222)",
}
IMPL_BORDER = {
    "green": "rgb(68, 204, 17)",
    "yellow": "rgb(223, 179, 23)",
    "red": "rgb(224, 93, 68)",
}
WORDS = {"green": "✓ green", "yellow": "! yellow", "red": "✗ red"}

IMPLEMENTATIONS = """
Array.from(document.querySelectorAll('a.impl')).map(a => ({
  connector: a.dataset.connector,
  status: a.dataset.status,
  exchange: a.closest('tr').dataset.exchange,
  market: a.closest('td').dataset.market,
  mark: a.querySelector('.mark').textContent,
  markBackground: getComputedStyle(a.querySelector('.mark')).backgroundColor,
  border: getComputedStyle(a).borderLeftColor,
  title: a.title,
  visible: a.getBoundingClientRect().width > 0,
}))
"""
# Anything wider than its box: the page itself, or a table scrolled inside its card.
OVERFLOW = """
[document.documentElement, ...document.querySelectorAll('.card')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth)
"""
VISIBLE_ROWS = """
Array.from(document.querySelectorAll('tr[data-connector]'))
  .filter(r => r.offsetParent !== null).map(r => r.dataset.connector)
"""


def build_site(out: Path) -> dict[str, dict[str, dict[str, object]]]:
    for generation in range(3):
        okx = dataclasses.replace(yellow_run("okx_ours"), exchange="okx", version="v1")
        write_reports_for(
            [*market_runs(generation), okx],
            out,
            run_info(f"r{generation}", offset_minutes=generation),
        )
    status: dict[str, dict[str, dict[str, object]]] = json.loads(
        (out / "status.json").read_text()
    )
    return status


def resize(page: Page, width: int) -> None:
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=HEIGHT,
        deviceScaleFactor=1,
        mobile=False,
    )


def unresolved(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        return None  # a known failure's issue, as its manifest links it
    if parts.scheme != "file":
        return f"{link}: not a relative file link"
    target = Path(unquote(parts.path))
    if not target.is_file():
        return f"{link}: no such file"
    if parts.fragment and f'id="{parts.fragment}"' not in target.read_text(encoding="utf-8"):
        return f"{link}: no element with that id"
    return None


def test_dashboard_in_headless_chromium(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    connectors = build_site(out)["connectors"]
    site = out / "site"
    pages = sorted(site.glob("*.html"))
    shots: dict[str, bytes] = {}
    overflow: dict[str, list[str]] = {}
    links: dict[str, list[str]] = {}
    with open_page((site / "index.html").as_uri(), tmp_path, size=(WIDTHS[0], HEIGHT)) as page:
        assert page.evaluate("document.body.dataset.ready") == "1"  # the script ran, no error
        shown = page.evaluate(IMPLEMENTATIONS)
        exchanges = page.evaluate(
            "Array.from(document.querySelectorAll('tr[data-exchange]'))"
            ".map(r => r.dataset.exchange)"
        )
        page.evaluate("document.querySelector('button[data-filter=red]').click()")
        red_rows = page.evaluate(VISIBLE_ROWS)
        page.evaluate("document.querySelector('button[data-filter=all]').click()")
        for width in WIDTHS:
            resize(page, width)
            for path in pages:
                page.navigate(path.as_uri())
                overflow[f"{path.name}@{width}"] = page.evaluate(OVERFLOW)
                if width == WIDTHS[0]:
                    links[path.name] = page.evaluate(
                        "Array.from(document.links).map(a => a.href)"
                    )
                if path.name in ("index.html", "ccxt_binance.html", "check-SPOT-ORD-3.html"):
                    shot = page.screenshot(tmp_path / f"{path.stem}-{width}.png")
                    shots[f"{path.name}@{width}"] = shot

    assert len(exchanges) == 26 and exchanges[0] == "binance" and exchanges[-1] == "uniswap"
    assert {(s["exchange"], s["market"], s["connector"]) for s in shown} == {
        ("binance", "spot", "binance"),
        ("binance", "spot", "ccxt_binance"),
        ("bybit", "spot", "bybit"),
        ("bybit", "perpetual", "bybit_perpetual"),
        ("kraken", "spot", "kraken_ccxt"),
        ("okx", "spot", "okx_ours"),
        ("uniswap", "gateway", "uniswap_amm"),
    }
    assert len(shown) == len(connectors)
    for item in shown:
        expected = connectors[item["connector"]]
        value = expected["status"]
        assert isinstance(value, str)
        assert item["status"] == value and item["visible"], item
        assert item["mark"] == WORDS[value], item  # never colour alone
        assert item["markBackground"] == MARK_BACKGROUND[value], item
        assert item["border"] == IMPL_BORDER[value], item
        assert item["title"], item  # the reason (or the count) on hover
    assert {s["status"] for s in shown} == {"green", "yellow", "red"}
    assert sorted(red_rows) == sorted(n for n, c in connectors.items() if c["status"] == "red")

    assert {name: found for name, found in overflow.items() if found} == {}
    assert len(links) == len(pages) and all(links.values())
    every_link = [link for found in links.values() for link in found]
    broken = [problem for link in every_link if (problem := unresolved(link))]
    index_links = links["index.html"]
    assert not [link for link in index_links if not link.startswith("file:")], index_links
    assert broken == []

    for name, shot in shots.items():
        width, _ = struct.unpack(">II", shot[16:24])
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and width == int(name.rsplit("@", 1)[1]), name
    keep = os.environ.get("HARNESS_DASHBOARD_SCREENSHOT")
    if keep:
        Path(keep).write_bytes(shots["index.html@1920"])
