"""The dashboard over several exchanges and markets: the exchange table, implementations side
by side, "broken since", the last runs with versions and diffs, one page per check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from html_probe import broken_links, find, probe
from report_factory import LONG_MESSAGE, market_runs, run_info

from harness.report.exchange_table import load_exchange_table
from harness.report.writer import write_reports_for

HUMMINGBOT_TABLE = [
    "Binance", "Bitmart", "Derive", "dYdX", "Gate.io", "HTX", "Kucoin", "OKX", "XRPL",
    "AscendEx", "BingX", "Bitstamp", "Bitrue", "Bitget", "Bybit", "BTC Markets", "Coinbase",
    "Cube", "Dexalot", "Hashkey Global", "Kraken", "MEXC", "NDAX", "Tegro", "Vertex",
]  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for generation in range(3):
        write_reports_for(
            market_runs(generation), out, run_info(f"r{generation}", offset_minutes=generation)
        )
    return out


def status_json(reports: Path) -> dict[str, dict[str, dict[str, object]]]:
    data: dict[str, dict[str, dict[str, object]]] = json.loads(
        (reports / "status.json").read_text()
    )
    return data


def test_the_exchange_table_is_hummingbots_in_its_order() -> None:
    assert [exchange.name for exchange in load_exchange_table()] == HUMMINGBOT_TABLE


def test_home_page_has_every_exchange_and_its_cells_match_status_json(reports: Path) -> None:
    connectors = status_json(reports)["connectors"]
    page = probe((reports / "site" / "index.html").read_text())
    (table,) = find(page, "table", **{"class": "exchanges"})
    rows = [e for e in page.elements if e.tag == "tr" and "data-exchange" in e.attrs]
    names = [e.text.replace("not in Hummingbot's table", "") for e in find(page, "th")
             if e.attrs.get("class") == "exchange"]
    assert names == [*HUMMINGBOT_TABLE, "uniswap"]  # the unlisted exchange comes last
    heads = [e.text for e in find(page, "th", scope="col")]
    assert heads[:4] == ["Exchange", "Spot", "Perpetual", "Gateway"]

    shown: dict[tuple[str, str], list[tuple[str, str]]] = {}
    cells = [e for e in page.elements if e.tag == "td" and "data-market" in e.attrs]
    assert len(cells) == 3 * len(rows)
    for index, cell in enumerate(cells):
        exchange = rows[index // 3].attrs["data-exchange"]
        if cell.attrs["data-covered"] == "no":
            assert cell.text == "not covered yet"
            continue
        shown[exchange, cell.attrs["data-market"]] = []
    for link in find(page, "a"):
        if "impl" in link.attrs.get("class", "").split():
            connector = connectors[link.attrs["data-connector"]]
            key = (str(connector["exchange"]), str(connector["standard"]))
            shown[key].append((link.attrs["data-connector"], link.attrs["data-status"]))
            assert link.attrs["href"] == f"{link.attrs['data-connector']}.html"
            counts = connector["counts"]
            assert isinstance(counts, dict)
            ran = counts["total"] - counts["skipped"]
            assert f"{counts['passed']}/{ran} checks" in link.text
            assert f" {connector['status']}" in link.text  # the word beside the colour
    assert shown == {
        ("binance", "spot"): [("binance", "green"), ("ccxt_binance", "red")],
        ("bybit", "spot"): [("bybit", "red")],
        ("bybit", "perpetual"): [("bybit_perpetual", "green")],
        ("kraken", "spot"): [("kraken_ccxt", "green")],
        ("uniswap", "gateway"): [("uniswap_amm", "green")],
    }
    assert table.text.count("not covered yet") == 3 * 26 - 5


def test_hover_gives_the_whole_reason_not_cut_mid_sentence(reports: Path) -> None:
    page = probe((reports / "site" / "index.html").read_text())
    (impl,) = [e for e in find(page, "a") if e.attrs.get("data-connector") == "ccxt_binance"]
    assert impl.attrs["title"] == f"SPOT-ORD-3 failed unexpectedly: {LONG_MESSAGE}"
    reason = status_json(reports)["connectors"]["ccxt_binance"]["reasons"]
    assert isinstance(reason, list) and reason[0].endswith("…")  # status.json keeps it short


def test_broken_since_and_just_broke(reports: Path) -> None:
    index = (reports / "site" / "index.html").read_text()
    assert "just broke" in index  # ccxt_binance: red in this run only
    assert "broken at least since 2026-11-05 10:00:00 UTC (3 runs)" in index  # bybit
    assert "just broke" in (reports / "site" / "ccxt_binance.html").read_text()
    assert "broken" not in (reports / "site" / "binance.html").read_text()


def test_last_runs_carry_versions_and_the_diff_to_the_run_before(reports: Path) -> None:
    page = probe((reports / "site" / "binance.html").read_text())
    runs = [e for e in page.elements if e.tag == "tr" and "data-run" in e.attrs]
    assert [r.attrs["data-run"] for r in runs] == ["r2", "r1", "r0"]  # newest first
    assert "New checks: SPOT-NEW-1" in runs[1].text
    assert "no change" in runs[0].text and "first run kept" in runs[2].text
    changed = [e.text for e in page.elements if e.attrs.get("class") == "changed"]
    assert changed == ["v2"]  # the connector's version changed in r2, nothing else did
    assert "0.1.0" in runs[0].text and "1.0.0" in runs[0].text
    (rest,) = find(page, "details", **{"class": "rest"})
    assert "4 passing checks, with their reproduce commands" in rest.text
    assert find(page, "h2", id="runs")[0].text == "Last 3 runs"

    broke = probe((reports / "site" / "ccxt_binance.html").read_text())
    newest = next(e for e in broke.elements if e.attrs.get("data-run") == "r2")
    assert "New failures: SPOT-ORD-3 (red)" in newest.text


def test_a_page_for_every_check_id_says_who_fails_it_since_when(reports: Path) -> None:
    connectors = status_json(reports)["connectors"]
    ids = {c["check_id"] for run in connectors.values() for c in run["checks"]}  # type: ignore[attr-defined]
    site = reports / "site"
    assert {p.name for p in site.glob("check-*.html")} == {f"check-{i}.html" for i in ids}
    page = probe((site / "check-SPOT-ORD-3.html").read_text())
    rows = [e for e in page.elements if e.tag == "tr" and "data-connector" in e.attrs]
    assert [(r.attrs["data-connector"], r.attrs["data-status"]) for r in rows] == [
        ("ccxt_binance", "red"), ("binance", "green"), ("bybit", "green"),
        ("kraken_ccxt", "green"),
    ]  # fmt: skip
    assert "failing since this run" in rows[0].text
    assert "harness run ccxt_binance -k SPOT-ORD-3" in rows[0].text
    ob = probe((site / "check-SPOT-OB-1.html").read_text())
    bybit = next(e for e in ob.elements if e.attrs.get("data-connector") == "bybit")
    assert "failing at least since 2026-11-05 10:00:00 UTC (3 runs)" in bybit.text
    listing = (site / "checks.html").read_text()
    assert all(f'href="check-{i}.html"' in listing for i in ids)


def test_every_link_of_every_page_resolves(reports: Path) -> None:
    pages = sorted((reports / "site").glob("*.html"))
    assert len(pages) > 15
    for page in pages:
        assert broken_links(page) == [], page.name


def test_a_badge_per_exchange_and_market(reports: Path) -> None:
    badges = reports / "badges"
    binance = json.loads((badges / "binance-spot.json").read_text())
    assert binance == {
        "schemaVersion": 1, "label": "Binance spot", "message": "1 green, 1 red", "color": "red",
    }  # fmt: skip
    perp = json.loads((badges / "bybit-perpetual.json").read_text())
    assert perp["message"] == "green 3/3" and perp["color"] == "brightgreen"
    assert "Binance spot" in (badges / "binance-spot.svg").read_text()
    assert not (badges / "binance-perpetual.json").exists()  # not covered: no badge


def test_runs_from_an_older_history_line_are_shown_without_a_guessed_diff(tmp_path: Path) -> None:
    old = {
        "run_id": "r-old", "timestamp": "2026-11-01T10:00:00Z", "commit": "abc",
        "complete": False,
        "connectors": {"binance": {"status": "red", "passed": 1, "failed": 1, "known": 0,
                                   "total": 2}},
    }  # fmt: skip
    (tmp_path / "history.jsonl").write_text(json.dumps(old) + "\n")
    write_reports_for(market_runs(0), tmp_path, run_info("r-new"))
    page = probe((tmp_path / "site" / "binance.html").read_text())
    rows = [e for e in page.elements if e.tag == "tr" and "data-run" in e.attrs]
    assert [r.attrs["data-run"] for r in rows] == ["r-new", "r-old"]
    assert "checks not recorded" in rows[0].text and "(incomplete)" in rows[1].text
    assert "unknown" in rows[1].text  # the versions it did not record
    assert find(page, "h2", id="runs")[0].text == "Last 2 runs"
    assert "just broke" not in (tmp_path / "site" / "index.html").read_text()  # green now
