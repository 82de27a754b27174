"""The home page's grid: exchanges (rows) x markets (columns), each cell listing every
registered implementation of that exchange and market side by side.

The rows are data (exchanges.toml, shipped with the package): Hummingbot's connector table,
then any registered exchange it does not list. A connector's manifest says which exchange it
implements (`exchange`) and which market (`standard`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from harness.results import ConnectorRun
from harness.status import ConnectorStatus

EXCHANGES_NAME = "exchanges.toml"
# Columns always shown, in this order; a standard not listed here gets a column after them.
MARKETS = {"spot": "Spot", "perpetual": "Perpetual", "gateway": "Gateway"}
_ID = re.compile(r"^[a-z0-9_]{2,40}$")


class ExchangeTableError(ValueError):
    """A problem in the exchange table: one line naming the file, the field and the fix."""


@dataclass(frozen=True)
class Exchange:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    listed: bool = True  # False: registered but not in the table

    def spellings(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


@dataclass(frozen=True)
class Implementation:
    run: ConnectorRun
    status: ConnectorStatus


@dataclass(frozen=True)
class ExchangeRow:
    exchange: Exchange
    cells: dict[str, list[Implementation]] = field(default_factory=dict)  # market -> impls


def market_label(standard: str) -> str:
    """spot -> Spot, perpetual -> Perpetual, gateway -> Gateway; others title-cased."""
    return MARKETS.get(standard, standard.replace("_", " ").title())


def _text(path: str, index: int, item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ExchangeTableError(
            f"{path}: exchange[{index}].{key}: missing or empty; give the exchange's {key}"
        )
    return value


def parse_exchange_table(text: str, path: str = EXCHANGES_NAME) -> list[Exchange]:
    """The exchanges of a table file's text, validated (ids unique, well-formed)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExchangeTableError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    items = data.get("exchange")
    if not isinstance(items, list) or not items:
        raise ExchangeTableError(f"{path}: exchange: no [[exchange]] entries; add at least one")
    exchanges: list[Exchange] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        ident = _text(path, index, item, "id")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ExchangeTableError(
                f"{path}: exchange[{index}].aliases: must be a list of strings"
            )
        for spelling in (ident, *aliases):
            if not _ID.match(spelling):
                raise ExchangeTableError(
                    f"{path}: exchange[{index}]: {spelling!r} is not a valid exchange id; "
                    "use a-z, 0-9 and _ (2-40 characters)"
                )
            if spelling in seen:
                raise ExchangeTableError(
                    f"{path}: exchange[{index}]: {spelling!r} is already used by "
                    f"exchange[{seen[spelling]}]; give each spelling to one exchange"
                )
            seen[spelling] = index
        exchanges.append(Exchange(ident, _text(path, index, item, "name"), tuple(aliases)))
    return exchanges


def load_exchange_table(path: Path | None = None) -> list[Exchange]:
    """The exchange table: `path`, or the one shipped with the harness."""
    if path is not None:
        return parse_exchange_table(path.read_text(encoding="utf-8"), str(path))
    text = resources.files("harness.report").joinpath(EXCHANGES_NAME).read_text("utf-8")
    return parse_exchange_table(text)


def _order(run: ConnectorRun) -> tuple[int, str]:
    # The implementation named after the exchange (the reference one) first, then by name.
    return (0 if run.connector == run.exchange_name else 1, run.connector)


def market_columns(runs: Sequence[ConnectorRun]) -> list[str]:
    """Spot, Perpetual, Gateway, then any other standard a connector declares."""
    extra = sorted({run.standard for run in runs} - set(MARKETS))
    return [*MARKETS, *extra]


def exchange_rows(
    table: Sequence[Exchange],
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
) -> list[ExchangeRow]:
    """One row per exchange of the table, then one per registered exchange not in it."""
    by_spelling = {spelling: ex for ex in table for spelling in ex.spellings()}
    status_of = {status.connector: status for status in statuses}
    rows = {ex.id: ExchangeRow(ex) for ex in table}
    unlisted: dict[str, ExchangeRow] = {}
    for run in sorted(runs, key=_order):
        status = status_of.get(run.connector)
        if status is None:
            continue
        known = by_spelling.get(run.exchange_name)
        if known is not None:
            row = rows[known.id]
        else:
            name = run.exchange_name
            row = unlisted.setdefault(name, ExchangeRow(Exchange(name, name, listed=False)))
        row.cells.setdefault(run.standard, []).append(Implementation(run, status))
    return [*rows.values(), *(unlisted[name] for name in sorted(unlisted))]
