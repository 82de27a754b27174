"""The market lint: impossible market behaviour planted in real Binance cassettes is found,
one line each; a deliberate break passes only when meta.fault declares it; the repository's
cassettes are clean."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cassette.fault_labels import FaultLabel, declared_labels, fault_label_problems
from harness.cassette.format import Cassette
from harness.cassette.lint import lint_file, lint_paths
from harness.cassette.market_rules import (
    FillReport,
    MarketReader,
    OrderReport,
    find_violations,
    market_rule,
)
from harness.cli import main
from harness.cli.cassettes_cmd import market_readers
from harness.standard.enums import OrderState, TradeSide

ROOT = Path(__file__).resolve().parents[3]
BINANCE = ROOT / "cassettes" / "binance"
D = Decimal


@pytest.fixture(scope="module")
def readers() -> dict[str, MarketReader]:
    """The market readers the manifests name (Binance's among them)."""
    found, problems = market_readers()
    assert problems == [] and "binance" in found
    return found


def plant(tmp_path: Path, scenario: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of cassettes/binance/<scenario>.yaml under tmp_path, changed by `change`."""
    doc = yaml.safe_load((BINANCE / f"{scenario}.yaml").read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "cassettes" / "binance" / f"{scenario}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def reports(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The executionReports of a cassette document, in order."""
    for connection in doc.get("ws", []):
        for frame in connection["frames"]:
            event = frame.get("json", {}).get("event") if isinstance(frame.get("json"), dict) \
                else None
            if isinstance(event, dict) and event.get("e") == "executionReport":
                yield event


def trades(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in reports(doc) if e["x"] == "TRADE"]


def lines(path: Path, readers: dict[str, MarketReader]) -> list[str]:
    return lint_file(path, [market_rule(readers)])


# -- each rule fails on a planted defect --------------------------------------------------------
def _maker_fill_away_from_limit(doc: dict[str, Any]) -> None:
    trades(doc)[1]["L"] = "29999.50000000"  # the resting BUY at 30000 fills as maker lower


def _resting_order_off_the_book(doc: dict[str, Any]) -> None:
    trades(doc)[0]["w"] = False  # PARTIALLY_FILLED, still resting, "not on the book"


def _more_executed_than_ordered(doc: dict[str, Any]) -> None:
    last = trades(doc)[-1]
    last.update(l="0.00700000", z="0.01100000")


def _fill_after_canceled(doc: dict[str, Any]) -> None:
    frames = doc["ws"][1]["frames"]  # cancel_by_stream: NEW, TRADE 210, CANCELED
    late = yaml.safe_load(yaml.safe_dump(frames[3]))
    late.pop("after", None)
    late["json"]["event"].update(t=211, l="0.00100000", z="0.00500000")
    frames.append(late)


def _taker_buy_above_limit(doc: dict[str, Any]) -> None:
    trades(doc)[0].update(m=False, L="30000.50000000")


@pytest.mark.parametrize(("change", "expected"), [
    (_maker_fill_away_from_limit, "ws[1].frames[4]: trade 201 fills order BTCUSDT:52 as maker at"
                                  " 29999.50000000, not at its limit price 30000.00000000: no"
                                  " exchange does this (maker_fill_off_limit)"),
    (_resting_order_off_the_book, "ws[1].frames[3]: order BTCUSDT:52 is PARTIALLY_FILLED and"
                                  " rests on the book, yet the payload says it is not on the"
                                  " book: no exchange does this (resting_off_book)"),
    (_more_executed_than_ordered, "ws[1].frames[4]: order BTCUSDT:52 reports 0.01100000"
                                  " executed of 0.01000000 ordered: no exchange does this"
                                  " (overfill)"),
    (_fill_after_canceled, "ws[1].frames[5]: order BTCUSDT:53 has trade 211 after its"
                           " terminal state: no exchange does this (fill_after_terminal)"),
    (_taker_buy_above_limit, "ws[1].frames[3]: trade 200 fills BUY order BTCUSDT:52 at"
                             " 30000.50000000, beyond its limit 30000.00000000: no exchange"
                             " does this (fill_beyond_limit)"),
], ids=["maker_fill_off_limit", "resting_off_book", "overfill", "fill_after_terminal",
        "fill_beyond_limit"])
def test_a_planted_impossibility_in_fills_by_stream_is_one_line(
        tmp_path: Path, readers: dict[str, MarketReader], change: Callable[[dict[str, Any]], None],
        expected: str) -> None:
    scenario = "cancel_by_stream" if change is _fill_after_canceled else "fills_by_stream"
    path = plant(tmp_path, scenario, change)
    found = lines(path, readers)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{expected}"), found[0]
    assert found[0].endswith(f"add {expected.rsplit('(', 1)[1][:-1]} to meta.fault if it is"
                             " the scenario's point")


def test_a_maker_fill_off_limit_in_a_trade_list_is_found(
        tmp_path: Path, readers: dict[str, MarketReader]) -> None:
    """fills_by_polling before the fix: myTrades says the resting BUY at 30000 made 29999.5."""

    def cheaper(doc: dict[str, Any]) -> None:
        for item in doc["http"]["interactions"]:
            body = item["response"]["body"]["string"]
            item["response"]["body"]["string"] = body.replace(
                '"id":101,"orderId":50,"orderListId":-1,"price":"30000.00000000"',
                '"id":101,"orderId":50,"orderListId":-1,"price":"29999.50000000"')

    found = lines(plant(tmp_path, "fills_by_polling", cheaper), readers)
    assert [line.split(": ", 2)[1] for line in found] == [
        "trade 101 fills order BTCUSDT:50 as maker at 29999.50000000, not at its limit price"
        " 30000.00000000"]


def test_a_deliberate_break_passes_only_when_declared(
        tmp_path: Path, readers: dict[str, MarketReader]) -> None:
    undeclared = plant(tmp_path, "fill_before_ack", lambda doc: doc["meta"].pop("fault"))
    assert [line.split(": ", 2)[1].split(":")[0] for line in lines(undeclared, readers)] == [
        "order BTCUSDT"]
    assert "(fill_before_ack)" in lines(undeclared, readers)[0]
    declared = plant(tmp_path, "fill_before_ack", lambda doc: None)
    assert lines(declared, readers) == []


def test_a_declared_break_the_cassette_does_not_show_is_reported(
        tmp_path: Path, readers: dict[str, MarketReader]) -> None:
    path = plant(tmp_path, "fills_by_stream",
                 lambda doc: doc["meta"].update(fault=["overfill", "garbage_frame"]))
    assert lines(path, readers) == [
        f"{path}:meta.fault: declares overfill but no payload shows it; remove it"]


def test_every_binance_cassette_passes_and_the_cli_is_clean(
        readers: dict[str, MarketReader], capsys: pytest.CaptureFixture[str]) -> None:
    report = lint_paths([BINANCE], rules=[market_rule(readers)])
    assert report.problems == [] and report.files >= 46
    assert main(["cassettes", "lint", "--root", str(ROOT)]) == 0
    assert capsys.readouterr().out.endswith("no problems\n")


def test_a_failing_reader_is_one_line_and_the_other_files_are_still_linted(
        tmp_path: Path) -> None:
    for name in ("fills_by_stream", "cancel_order"):
        target = tmp_path / "cassettes" / "binance" / f"{name}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BINANCE / f"{name}.yaml", target)

    def broken(cassette: Cassette) -> list[OrderReport]:
        if cassette.meta.scenario == "cancel_order":
            raise ValueError("no such field")
        return []

    report = lint_paths([tmp_path / "cassettes"], rules=[market_rule({"binance": broken})])
    assert report.files == 2
    assert report.problems == [
        f"{tmp_path / 'cassettes' / 'binance' / 'cancel_order.yaml'}:meta: the market reader for"
        " binance failed: ValueError: no such field; fix the reader or the payload"]


def test_a_folder_without_a_reader_and_an_invalid_cassette_are_not_read(tmp_path: Path) -> None:
    path = plant(tmp_path, "fills_by_stream", _more_executed_than_ordered)
    assert lint_file(path, [market_rule({})]) == []
    broken = plant(tmp_path, "cancel_order", lambda doc: doc.pop("meta"))

    def never(cassette: Cassette) -> list[OrderReport]:
        raise AssertionError("an invalid cassette reached the reader")

    assert all("meta" in line for line in lint_file(broken, [market_rule({"binance": never})]))


# -- the rules on neutral reports --------------------------------------------------------------
def _report(where: str, **fields: Any) -> OrderReport:
    base: dict[str, Any] = {"channel": "stream", "order_id": "1", "side": TradeSide.SELL,
                            "amount": D("1"), "limit_price": D("100"), "event": True}
    return OrderReport(where=where, **{**base, **fields})


def test_neutral_rules_on_a_sell_and_channels() -> None:
    clean = [
        _report("a", state=OrderState.OPEN, acknowledges=True, rests=True, on_book=True),
        _report("b", state=OrderState.PARTIALLY_FILLED, fill=FillReport("t1", D("101"), D("0.5")),
                executed=D("0.5")),
        _report("c", channel="rest", event=False, fill=FillReport("t1", D("101"), D("0.5"))),
        _report("d", state=OrderState.FILLED, fill=FillReport("t2", D("100"), D("0.5"),
                                                                maker=True), executed=D("1")),
    ]
    assert find_violations(clean) == []
    bad = [*clean, _report("e", fill=FillReport("t2", D("100"), D("0.5"), maker=True)),
           _report("f", state=OrderState.CANCELED),
           _report("g", order_id="2", fill=FillReport("t3", D("99"), D("1"))),
           _report("h", order_id="2", acknowledges=True, state=OrderState.OPEN)]
    assert [(v.label.value, v.where) for v in find_violations(bad)] == [
        ("duplicate_frame", "e"), ("fill_after_terminal", "e"), ("event_after_terminal", "f"),
        ("fill_before_ack", "g"), ("fill_beyond_limit", "g")]


# -- the vocabulary -----------------------------------------------------------------------------
def test_fault_labels_are_validated() -> None:
    assert fault_label_problems(["fill_before_ack", "overfill"]) == []
    assert fault_label_problems([]) [0][1].startswith("must be a non-empty list of fault labels")
    assert fault_label_problems("overfill")[0][0] == ""
    problems = fault_label_problems(["overfil", "overfill", "overfill"])
    assert problems[0] == ("[0]", "'overfil' is not a fault label; use one of "
                           + ", ".join(label.value for label in FaultLabel))
    assert problems[1] == ("", "lists a label twice; list each once")
    assert declared_labels({"fault": ["overfill", "nope"]}) == {FaultLabel.OVERFILL}
    assert declared_labels({"fault": "overfill"}) == frozenset()


def test_an_unknown_fault_label_is_a_lint_problem(tmp_path: Path) -> None:
    path = plant(tmp_path, "cancel_order", lambda doc: doc["meta"].update(fault=["oops"]))
    assert [line.split(":", 2)[1] for line in lint_file(path)] == ["meta.fault[0]"]


def test_a_reader_that_cannot_be_imported_is_one_line_and_exit_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import dataclasses

    from harness.cli import cassettes_cmd
    from harness.registry import Registry, load_registry

    binance = load_registry().get("binance")
    broken = dataclasses.replace(binance, cassette_options={"market_reader": "nowhere:read"})
    monkeypatch.setattr(cassettes_cmd, "load_registry",
                        lambda: Registry({"binance": broken}))
    assert main(["cassettes", "lint", str(BINANCE / "cancel_order.yaml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("cassettes.market_reader: cannot import nowhere: ModuleNotFoundError:"
                           " No module named 'nowhere'")
    assert out[-1] == "cassettes lint: 1 cassette(s) checked, no problems"
