"""Fidelity of the Binance double to recorded Binance traffic.

For every cassette in cassettes/binance/, every recorded HTTP response and server WebSocket
frame is paired with the payload of the same kind the double renders (same endpoint and
variant, same error code, same event type and x/X; see connectors/binance/double/samples.py)
and both must have the same shape: the same keys (recursively), the same JSON types (string,
number, bool, null; decimals as strings), and list elements of the same shapes. Payloads that
have no counterpart (gateway HTML pages, deliberately broken frames, faults) are listed with
the reason, and must be of a known kind.

Cassettes are picked up as they appear: the parametrization globs the folder.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from connectors.binance.double.samples import HEADERS, Key, collect
from harness.cassette.format import Cassette, Direction, FrameKind, WsConnection
from harness.cassette.loader import cassette_files, load_cassette
from harness.cassette.shapes import shape_diff as compare_shapes

CASSETTES = cassette_files(Path(__file__).parents[3] / "cassettes" / "binance")
# Lists whose elements differ by kind: elements are paired by this field.
DISCRIMINATORS = ("filterType",)
# Why a recorded payload may have no counterpart (anything else is a failure).
NOT_JSON = "the body is not JSON (a gateway page or a deliberately broken payload)"
FAULT = "a fault (timeout or reset): there is no payload"
NO_KIND = "not a kind of payload Binance sends (a deliberately odd frame)"
TRUNCATED = "an executionReport without x/X (deliberately truncated)"
NOTICE = ("the WebSocket API's connection-level serverShutdown notice: the double ends a "
          "connection without one (abruptly, or with a bare close 1001)")
KNOWN_REASONS = (NOT_JSON, FAULT, NO_KIND, TRUNCATED, NOTICE)
# Fields that one side may have and the other not, by payload kind (a key prefix): each is
# conditional or version-dependent in Binance's own answers. Anything else must match.
TOLERATED: dict[tuple[Key, str], str] = {
    (("ws-api",), "rateLimits"):
        "WebSocket API answers leave it out when the connection sets returnRateLimits=false",
    (("user", "executionReport", "EXPIRED", "EXPIRED"), "W"):
        "working time, sent only for an order that was on the book: the double's sample expires"
        " a MARKET order's remainder, expired_by_stream a resting LIMIT order",
}


@functools.cache
def samples() -> dict[Key, Any]:
    """The double's payloads, rendered once per test session (about 0.1 s)."""
    return asyncio.run(asyncio.wait_for(collect(), 10))


@dataclass
class Pairing:
    where: str
    recorded: Any
    key: Key | None = None
    unpaired: str | None = None


# -- shapes ---------------------------------------------------------------------------------------
def shape_diff(recorded: Any, rendered: Any, where: str = "$",
               tolerated: frozenset[str] = frozenset()) -> list[str]:
    """harness' shape comparison, with Binance's filters paired by filterType."""
    return compare_shapes(recorded, rendered, where, tolerated, DISCRIMINATORS)


def tolerated_for(key: Key) -> frozenset[str]:
    return frozenset(name for (prefix, name) in TOLERATED if key[:len(prefix)] == prefix)


# -- pairing --------------------------------------------------------------------------------------
def pairings(cassette: Cassette) -> Iterator[Pairing]:
    for index, interaction in enumerate(cassette.interactions):
        where = f"http[{index}] {interaction.label}"
        response = interaction.response
        if interaction.fault is not None:
            yield Pairing(where, None, unpaired=FAULT)
            continue
        try:
            body = json.loads(response.body)
        except ValueError:
            yield Pairing(where, response.body[:60], unpaired=NOT_JSON)
            continue
        yield Pairing(where, body, http_key(interaction.request.method, interaction.request.uri,
                                            response.status, body))
    for connection in cassette.ws:
        yield from _ws_pairings(connection)


def http_key(method: str, uri: str, status: int, body: Any) -> Key:
    if status >= 400 and isinstance(body, dict) and "code" in body:
        return ("error", body["code"])
    parts = urlsplit(uri)
    variant = "ok"
    if (method, parts.path) == ("POST", "/api/v3/order"):
        params = dict(parse_qsl(parts.query))
        default = "FULL" if params.get("type") in ("LIMIT", "MARKET", None) else "ACK"
        variant = params.get("newOrderRespType", default)
        if variant == "FULL" and isinstance(body, dict) and body.get("fills"):
            variant = "FULL+fills"
    elif parts.path == "/api/v3/ticker/price":
        variant = "all" if isinstance(body, list) else "one"
    return ("http", method, parts.path, variant)


def _ws_pairings(connection: WsConnection) -> Iterator[Pairing]:
    path = urlsplit(connection.url).path
    methods = {frame.value.get("id"): frame.value.get("method") for frame in connection.frames
               if frame.dir is Direction.CLIENT and isinstance(frame.value, dict)}
    for index, frame in enumerate(connection.frames):
        if frame.dir is not Direction.SERVER or frame.kind in (FrameKind.CLOSE, FrameKind.FAULT):
            continue
        where = f"ws {path} frame[{index}]"
        value = frame.value
        if frame.kind is FrameKind.TEXT:
            yield Pairing(where, value, unpaired=NOT_JSON)
        elif not isinstance(value, dict):
            yield Pairing(where, value, unpaired=NO_KIND)
        elif isinstance(value.get("event"), dict):
            event = value["event"]
            if event.get("e") == "serverShutdown" and "subscriptionId" not in value:
                yield Pairing(where, value, unpaired=NOTICE)
            elif event.get("e") == "executionReport":
                if "x" not in event or "X" not in event:
                    yield Pairing(where, value, unpaired=TRUNCATED)
                else:
                    yield Pairing(where, value, ("user", "executionReport", event["x"],
                                                 event["X"]))
            else:
                yield Pairing(where, value, ("user", event.get("e")))
        elif "status" in value and "id" in value:
            outcome = "ok" if value["status"] == 200 else "error"
            yield Pairing(where, value, ("ws-api", methods.get(value["id"]), outcome))
        elif "e" in value:
            yield Pairing(where, value, ("market", value["e"]))
        elif value.get("result", 0) is None and "id" in value:
            yield Pairing(where, value, ("market", "ack"))
        else:
            yield Pairing(where, value, unpaired=NO_KIND)


# -- the test -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_the_double_renders_what_binance_sent(path: Path) -> None:
    cassette = load_cassette(path)
    catalogue = samples()
    problems: list[str] = []
    unpaired: list[str] = []
    for pairing in pairings(cassette):
        if pairing.unpaired is not None:
            assert pairing.unpaired in KNOWN_REASONS
            unpaired.append(f"{pairing.where}: {pairing.unpaired}")
            continue
        assert pairing.key is not None
        rendered = catalogue.get(pairing.key)
        if rendered is None and pairing.key[0] == "error":
            rendered = catalogue[("error", -1000)]  # error bodies all share one shape
        if rendered is None:
            problems.append(f"{pairing.where}: the double renders no {pairing.key}")
            continue
        problems += [f"{pairing.where} {pairing.key}: {p}" for p in
                     shape_diff(pairing.recorded, rendered, tolerated=tolerated_for(pairing.key))]
    if unpaired:
        print(f"{path.name}: not paired:\n  " + "\n  ".join(unpaired))
    assert not problems, f"{path.name}: the double differs from the recording:\n  " + \
        "\n  ".join(problems)


def test_shape_diff_finds_missing_keys_wrong_types_and_undeclared_keys() -> None:
    recorded = {"a": "1.00000000", "b": 3, "c": [{"filterType": "X", "v": "1"}], "d": None}
    assert shape_diff(recorded, recorded) == []
    rendered = {"a": 1.0, "b": 3, "c": [{"filterType": "X", "v": 1}], "e": True}
    assert sorted(shape_diff(recorded, rendered)) == [
        "$.a: recorded decimal string '1.00000000', double number 1.0",
        "$.c[0].v: recorded string '1', double number 1",
        "$: the double adds key 'e'", "$: the double lacks key 'd'"]
    assert shape_diff(["1.5"], ["ACK"]) == [
        "$[0]: recorded decimal string '1.5', double string 'ACK'"]


# -- headers --------------------------------------------------------------------------------------
def rate_limit_headers(headers: Any) -> list[str]:
    return sorted(str(name).upper() for name in headers if str(name).upper().startswith("X-MBX-"))


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_the_double_sends_the_rate_limit_headers_binance_sent(path: Path) -> None:
    """rest-api.md LIMITS: X-MBX-USED-WEIGHT-1M on every answer, X-MBX-ORDER-COUNT-10S/-1D on
    every successful order answer; the used weight grows as the scenario spends it."""
    cassette = load_cassette(path)
    catalogue = samples()
    problems: list[str] = []
    last_weight, last_status = 0, 200
    for index, interaction in enumerate(cassette.interactions):
        response = interaction.response
        if interaction.fault is not None:
            continue
        weight = int(response.headers.get("X-MBX-USED-WEIGHT-1M", ("0",))[0])
        # After a 429 the client waits Retry-After, after a 418 the ban, and before a request
        # that would take the minute past its 6000 (weight_burst) its throttle: the next
        # answer is in a new window.
        full = last_weight + weight > 6000
        if weight <= last_weight and last_status not in (418, 429) and not full:
            problems.append(f"http[{index}] {interaction.label}: X-MBX-USED-WEIGHT-1M {weight}"
                            f" after {last_weight}; it grows as the scenario spends weight")
        last_weight, last_status = weight, response.status
        if response.status >= 400:
            continue
        try:
            key = http_key(interaction.request.method, interaction.request.uri, response.status,
                           json.loads(response.body))
        except ValueError:
            continue
        rendered = catalogue.get(HEADERS + key)
        if rendered is not None and rate_limit_headers(response.headers) != rendered:
            problems.append(f"http[{index}] {interaction.label}: recorded "
                            f"{rate_limit_headers(response.headers)}, double {rendered}")
    assert not problems, f"{path.name}: rate-limit headers differ:\n  " + "\n  ".join(problems)
