"""What the PERP checks share: positions and funding info as text for messages, and the
perpetual connector of a subject."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.standard.api import PerpetualConnector
from harness.subject import Subject
from suites.spot._support import dec, pair


def perpetual(subject: Subject) -> PerpetualConnector:
    connector = subject.connector
    assert isinstance(connector, PerpetualConnector), \
        f"{type(connector).__name__} is not a PerpetualConnector"
    return connector


def positions_as_expected(connector: PerpetualConnector, expected: Mapping[str, Any]
                          ) -> list[str]:
    """Differences between the connector's positions and meta.expect positions, keyed
    "PAIR SIDE" (e.g. "BTC-USDT BOTH")."""
    got = {f"{p} {s.value}": pos for (p, s), pos in connector.positions().items()}
    problems = []
    if sorted(got) != sorted(expected):
        return [f"positions {sorted(got)}, expected {sorted(expected)}"]
    for key, want in expected.items():
        position = got[key]
        for name in ("amount", "entry_price", "unrealized_pnl"):
            if getattr(position, name) != dec(want[name]):
                problems.append(f"{key}: {name} {getattr(position, name)}, expected {want[name]}")
        if position.leverage != int(want["leverage"]):
            problems.append(f"{key}: leverage {position.leverage}, expected {want['leverage']}")
    return problems


def funding_as_expected(info: Any, want: Mapping[str, Any]) -> list[str]:
    if info is None:
        return ["no funding info"]
    checks = {"index_price": dec(want["index_price"]), "mark_price": dec(want["mark_price"]),
              "rate": dec(want["rate"]),
              "next_funding_timestamp": float(want["next_funding_timestamp"])}
    return [f"{name} {getattr(info, name)}, expected {value}" for name, value in checks.items()
            if getattr(info, name) != value]


__all__ = ["dec", "funding_as_expected", "pair", "perpetual", "positions_as_expected"]
