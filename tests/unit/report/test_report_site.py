"""The dashboard: the connectors table matches status.json, every link resolves, failing
checks first, the rest behind one control."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from html_probe import broken_links, find, probe
from report_factory import check, run_info, three_runs

from harness.report.site_connector import line_ranges
from harness.report.site_html import STATUS_ORDER, area_label, area_status, slug
from harness.report.writer import write_reports_for
from harness.results import ConnectorRun, Outcome


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for index in range(3):
        write_reports_for(three_runs(), out, run_info(f"r{index}", offset_minutes=index))
    return out


def worst_of(statuses: list[str]) -> str:
    return min(statuses, key=lambda value: STATUS_ORDER[value]) if statuses else "none"


def test_connectors_table_has_a_row_per_connector_matching_status_json(reports: Path) -> None:
    status = json.loads((reports / "status.json").read_text())
    page = probe((reports / "site" / "index.html").read_text())
    rows = find(page, "tr")
    names = [row.attrs["data-connector"] for row in rows if "data-connector" in row.attrs]
    assert names == ["alpha", "beta", "gamma"]
    overall = find(page, "td", **{"class": "overall"})
    assert (
        [e.attrs["data-status"] for e in overall]
        == [status["connectors"][n]["status"] for n in names]
        == ["green", "yellow", "red"]
    )
    # never colour alone: each status also has its symbol and word
    assert [e.text for e in overall] == ["✓ green", "! yellow", "✗ red"]


def test_history_strip_shows_each_run(reports: Path) -> None:
    page = probe((reports / "site" / "index.html").read_text())
    ticks = [e for e in page.elements if "tick" in e.attrs.get("class", "").split()]
    assert len(ticks) == 9  # 3 connectors x 3 runs
    assert [t.attrs["data-status"] for t in ticks[-3:]] == ["red"] * 3
    assert ticks[-1].attrs["data-status"] == "red"


def test_every_link_resolves(reports: Path) -> None:
    site = reports / "site"
    pages = sorted(site.glob("*.html"))
    assert [p.name for p in pages] == [
        "alpha.html",
        "beta.html",
        "check-SPOT-BAL-1.html",
        "check-SPOT-OB-1.html",
        "check-SPOT-OB-2.html",
        "check-SPOT-OB-4.html",
        "check-SPOT-ORD-1.html",
        "check-SPOT-ORD-3.html",
        "check-SPOT-ORD-9.html",
        "checks.html",
        "gamma.html",
        "index.html",
    ]
    for page in pages:
        assert broken_links(page) == [], page.name
    html = (site / "index.html").read_text()
    assert "http://" not in html.replace('xmlns="http://www.w3.org', "") and "https://" not in html


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text('<p id="here">b</p>')
    page = tmp_path / "a.html"
    page.write_text(
        '<a href="b.html#here">ok</a><a href="b.html#gone">x</a><a href="c.html">x</a>'
        '<a href="https://example.invalid/">external</a><a href="ftp://h/x">x</a>'
    )
    assert broken_links(page) == [
        "b.html#gone (no id gone in b.html)",
        f"c.html (no file {tmp_path / 'c.html'})",
        "ftp://h/x (scheme ftp)",
    ]


def test_connector_page_lists_failing_checks_first_with_reproduce_commands(reports: Path) -> None:
    page = probe((reports / "site" / "beta.html").read_text())
    rows = [e for e in page.elements if e.tag == "tr" and "check" in e.attrs.get("class", "")]
    assert [r.attrs["data-status"] for r in rows] == ["yellow", "yellow", "green", "skip"]
    failing = find(page, "table", **{"class": "checks failing"})[0]
    assert "harness run beta -k SPOT-OB-4" in failing.text
    assert "harness run beta -k SPOT-ORD-1" in failing.text  # flaky: yellow, shown
    (rest,) = find(page, "details", **{"class": "rest"})  # the rest: behind one control
    assert "harness run beta -k SPOT-OB-1" in rest.text and "SPOT-OB-4" not in rest.text
    assert "1 passing and 1 skipped checks" in rest.text
    hrefs = [e.attrs.get("href", "") for e in find(page, "a")]
    links = [href for href in hrefs if href.startswith("check-")]
    assert sorted(links) == [
        "check-SPOT-OB-1.html", "check-SPOT-OB-4.html", "check-SPOT-ORD-1.html",
        "check-SPOT-ORD-9.html",
    ]
    text = (reports / "site" / "beta.html").read_text()
    assert "12-14, 40" in text  # missing lines, compacted
    assert "venue rounds quantities up" in text


def test_red_connector_page_shows_the_invariant_and_message(reports: Path) -> None:
    text = (reports / "site" / "gamma.html").read_text()
    assert "Property invariant violated" in text and "cancel(#1)" in text
    assert "expected one OrderCancelled event, got 2" in text


def test_connector_that_could_not_load(tmp_path: Path) -> None:
    write_reports_for([ConnectorRun("broken", load_error="ImportError: x")], tmp_path, run_info())
    text = (tmp_path / "site" / "broken.html").read_text()
    assert "Could not load" in text and "No check ran." in text
    index = probe((tmp_path / "site" / "index.html").read_text())
    assert find(index, "td", **{"class": "overall"})[0].attrs["data-status"] == "red"
    assert not (tmp_path / "site" / "checks.html").read_text().count("check-")  # no check ran


def test_incomplete_run_and_gate_banner(tmp_path: Path) -> None:
    write_reports_for(
        three_runs(), tmp_path, run_info(complete=False), gate_failures=["gamma: diff 1 %"]
    )
    text = (tmp_path / "site" / "index.html").read_text()
    assert "Run incomplete" in text and "Gate failed: gamma: diff 1 %" in text


def test_area_status_and_helpers() -> None:
    assert area_status([]) == "none"
    skipped = check("A", outcome=Outcome.SKIP, message="n/a")
    assert area_status([skipped]) == "skip"
    assert area_status([skipped, check("B")]) == "green"
    assert area_status([check("B"), check("C", outcome=Outcome.FAIL)]) == "red"
    assert slug("Order Book / L2") == "order-book-l2" and slug("!!") == "area"
    assert area_label("order_book") == "Order book" and area_label("ws_reconnect") == (
        "WebSocket reconnect"
    )
    assert area_label("orders") == "Orders" and area_label("  ") == "  "
    assert line_ranges([7, 1, 2, 3, 9, 10]) == "1-3, 7, 9-10" and line_ranges([]) == ""
