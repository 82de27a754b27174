"""Fidelity of the Bybit double to Bybit's documented traffic (cassettes/bybit/).

Every recorded HTTP answer and server frame is paired with the payload of the same kind the
double renders (tests/samples.py) and both must have the same shape (harness.cassette.shapes:
same keys, same JSON types). Payloads with no counterpart (gateway pages, broken frames,
faults) are listed with their reason, which must be a known one.
"""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from connectors.bybit.tests.samples import Key, collect, frame_key, http_key
from harness.cassette.exchange import load_exchange_profile
from harness.cassette.format import Direction, FrameKind
from harness.cassette.loader import cassette_files, load_cassette
from harness.cassette.shapes import shape_diff

CASSETTES = cassette_files(Path(__file__).parents[3] / "cassettes" / "bybit")
NOT_JSON = "the body is not JSON (a gateway page or a deliberately broken payload)"
FAULT = "a fault (timeout or reset): there is no payload"
NO_KIND = "not a kind of payload Bybit sends (a deliberately odd frame)"
TRUNCATED = "a topic message without its fields (deliberately truncated)"
MALFORMED = "a deliberately malformed answer (a market without its lot size filter)"
# Fields one side may have and the other not, by payload kind: each is conditional in
# Bybit's own answers.
TOLERATED: dict[Key, frozenset[str]] = {}
# Fields Bybit leaves empty ("") when they do not apply yet (open-order.mdx: "UTA returns ''
# for those orders without avg price"); either form is in shape.
EMPTY_UNTIL_APPLICABLE = frozenset({"avgPrice"})


def _filled_in(value: Any) -> Any:
    """`value` with the fields of EMPTY_UNTIL_APPLICABLE that are "" set to "0"."""
    if isinstance(value, dict):
        return {k: "0" if k in EMPTY_UNTIL_APPLICABLE and v == "" else _filled_in(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_filled_in(v) for v in value]
    return value


@functools.cache
def samples() -> dict[Key, Any]:
    """The double's payloads, rendered once per test session."""
    return asyncio.run(asyncio.wait_for(collect(), 10))


def pairings(path: Path) -> list[tuple[str, Any, Key | None, str | None]]:
    """(where, recorded payload, key, reason it is unpaired) for every server payload."""
    cassette = load_cassette(path)
    found: list[tuple[str, Any, Key | None, str | None]] = []
    for index, interaction in enumerate(cassette.interactions):
        where = f"http[{index}] {interaction.label}"
        if interaction.fault is not None:
            found.append((where, None, None, FAULT))
            continue
        try:
            body = json.loads(interaction.response.body)
        except ValueError:
            found.append((where, None, None, NOT_JSON))
            continue
        uri = urlsplit(interaction.request.uri)
        if cassette.meta.scenario.endswith("_malformed"):
            found.append((where, None, None, MALFORMED))
            continue
        found.append((where, body, http_key(interaction.request.method, uri.path, body), None))
    for connection in cassette.ws:
        channel = "private" if urlsplit(connection.url).path.endswith("private") else "public"
        for index, frame in enumerate(connection.frames):
            if frame.dir is not Direction.SERVER or frame.kind in (FrameKind.CLOSE,
                                                                   FrameKind.FAULT):
                continue
            where = f"ws {channel} frame[{index}]"
            if frame.kind is FrameKind.TEXT:
                found.append((where, None, None, NOT_JSON))
                continue
            key = frame_key(channel, frame.value)
            data = frame.value.get("data") if isinstance(frame.value, dict) else None
            if key is not None and key[0] == "private" and len(key) == 2 and isinstance(
                    data, list) and data and len(data[0]) < 3:
                found.append((where, None, None, TRUNCATED))
            else:
                found.append((where, frame.value, key, None if key else NO_KIND))
    return found


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_the_double_renders_what_bybit_sent(path: Path) -> None:
    catalogue = samples()
    problems: list[str] = []
    for where, recorded, key, unpaired in pairings(path):
        if unpaired is not None:
            continue
        assert key is not None
        rendered = catalogue.get(key)
        if rendered is None:
            problems.append(f"{where}: the double renders no {key}")
            continue
        problems += [f"{where} {key}: {p}" for p in
                     shape_diff(_filled_in(recorded), _filled_in(rendered),
                                tolerated=TOLERATED.get(key, frozenset()),
                                dotless_decimals=True)]
    assert not problems, f"{path.name}: the double differs from the recording:\n  " + \
        "\n  ".join(problems)


def test_the_double_renders_every_kind_the_cassettes_hold() -> None:
    kinds = {key for path in CASSETTES for _, _, key, _ in pairings(path) if key is not None}
    assert kinds <= set(samples()), f"kinds never rendered: {sorted(kinds - set(samples()))}"


@pytest.mark.parametrize("path", ["/v5/account/info", "/v5/account/fee-rate"])
def test_the_double_answers_the_reads_exchange_yaml_answers_by_default(path: str) -> None:
    # A client may read them whenever it likes (Hummingbot asks account/info before its first
    # balances); the scenarios never recorded them, so exchange.yaml's defaults (account/
    # info.mdx, account/fee-rate.mdx) are what the double must agree with.
    profile = load_exchange_profile(CASSETTES[0].parent / "exchange.yaml")
    route = profile.read_only_route("GET", path)
    assert route is not None and route.default is not None
    rendered = samples().get(("http", "GET", path))
    assert rendered is not None, f"the double does not answer GET {path}"
    problems = shape_diff(route.default, rendered, dotless_decimals=True)
    assert not problems, f"GET {path}: the double differs from exchange.yaml: {problems}"
