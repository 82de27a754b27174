"""The exchange table is data: validated on load with one clear line per problem; a
registered exchange not in it still gets a row; aliases find the right row."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_factory import market_run

from harness.report.badges import market_badge
from harness.report.exchange_table import (
    ExchangeTableError,
    exchange_rows,
    load_exchange_table,
    market_columns,
    market_label,
    parse_exchange_table,
)
from harness.status import Status, compute_statuses


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[exchange]\n", "t.toml: not valid TOML"),
        ("title = 'x'\n", "t.toml: exchange: no [[exchange]] entries; add at least one"),
        ("[[exchange]]\nname = 'A'\n", "t.toml: exchange[0].id: missing or empty"),
        ("[[exchange]]\nid = 'a1'\n", "t.toml: exchange[0].name: missing or empty"),
        ("[[exchange]]\nid = 'Bad-Id'\nname = 'B'\n", "'Bad-Id' is not a valid exchange id"),
        (
            "[[exchange]]\nid = 'aa'\nname = 'A'\n[[exchange]]\nid = 'bb'\nname = 'B'\n"
            "aliases = ['aa']\n",
            "t.toml: exchange[1]: 'aa' is already used by exchange[0]",
        ),
        ("[[exchange]]\nid = 'aa'\nname = 'A'\naliases = 'x'\n", "aliases: must be a list"),
    ],
)
def test_a_bad_table_is_one_clear_line(text: str, problem: str) -> None:
    with pytest.raises(ExchangeTableError) as caught:
        parse_exchange_table(text, "t.toml")
    message = str(caught.value)
    assert problem in message and "\n" not in message


def test_a_table_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("[[exchange]]\nid = 'gate_io'\nname = 'Gate.io'\naliases = ['gateio']\n")
    (gate,) = load_exchange_table(path)
    assert gate.spellings() == ("gate_io", "gateio") and gate.listed


def test_aliases_unlisted_exchanges_and_market_columns() -> None:
    runs = [
        market_run("gateio_ccxt", "gateio"),  # ccxt's spelling of Gate.io
        market_run("zeta", "zeta", "perpetual"),
        market_run("gate_io", "gate_io"),
    ]
    runs[1].standard = "options"  # a standard added later gets a column of its own
    rows = exchange_rows(load_exchange_table(), runs, compute_statuses(runs))
    gate = next(row for row in rows if row.exchange.id == "gate_io")
    assert [impl.run.connector for impl in gate.cells["spot"]] == ["gate_io", "gateio_ccxt"]
    assert rows[-1].exchange.id == "zeta" and not rows[-1].exchange.listed
    assert market_columns(runs) == ["spot", "perpetual", "gateway", "options"]
    assert [market_label(m) for m in market_columns(runs)] == [
        "Spot", "Perpetual", "Gateway", "Options",
    ]  # fmt: skip
    assert rows[-1].cells["options"][0].run.connector == "zeta"


def test_a_market_badge_is_never_better_than_its_worst_implementation() -> None:
    green, red = compute_statuses(
        [market_run("a", "x"), market_run("b", "x", failing=("SPOT-OB-1",))]
    )
    assert market_badge([green]) == ("green 3/3", Status.GREEN)
    assert market_badge([green, red]) == ("1 green, 1 red", Status.RED)
