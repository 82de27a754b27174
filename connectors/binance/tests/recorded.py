"""The cassettes' payloads for the unit tests: the very bytes the conformance checks replay.

Tests used to share hand-written copies of the docs' examples; those drifted from what the
cassettes (and Binance) send. A test that needs a variant changes a recorded payload.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from harness.cassette import load_cassette
from harness.cassette.format import Cassette
from harness.mocks import response_json, server_messages

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "binance"


@cache
def cassette(scenario: str) -> Cassette:
    return load_cassette(CASSETTES / f"{scenario}.yaml")


def rest(scenario: str, which: str) -> Any:
    """A recorded response body (a fresh copy), e.g. `rest("balances", "GET /api/v3/account")`."""
    return response_json(cassette(scenario), which)


def symbol(name: str, scenario: str = "symbols", **changes: Any) -> dict[str, Any]:
    """One `symbols[]` entry of a recorded exchangeInfo, with `changes` applied."""
    for entry in rest(scenario, "GET /api/v3/exchangeInfo")["symbols"]:
        if entry["symbol"] == name:
            return {**entry, **changes}
    raise LookupError(f"{scenario}: no symbol {name}")


def stream(scenario: str, path: str = "/ws") -> list[Any]:
    """The JSON frames the server sends on `path` (the market stream by default)."""
    return server_messages(cassette(scenario), path)


def user_event(scenario: str, kind: str, **changes: Any) -> dict[str, Any]:
    """The first user-stream message whose event type (`e`) or execution type (`x`) is `kind`,
    in its WebSocket API envelope, with `changes` applied to the event."""
    for message in stream(scenario, "/ws-api/v3"):
        event = message.get("event") if isinstance(message, dict) else None
        if event and kind in (event.get("e"), event.get("x")):
            return {**message, "event": {**event, **changes}}
    raise LookupError(f"{scenario}: no user-stream event {kind}")
