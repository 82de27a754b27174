"""A plain Binance client for conformance-replay tests: aiohttp, HMAC signing, no connector.

It talks to a replay of one of cassettes/binance/ the way any client may (Binance's
rest-api.md, "SIGNED endpoint security"): parameters in the query string or in a form body,
signed over the query string followed by the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from connectors.binance.auth import verify_signed_request, verify_ws_request
from harness.cassette.exchange import load_exchange_profile
from harness.cassette.loader import load_cassette
from harness.replay.session import ReplaySession
from harness.replay.verdict import CassetteMismatch
from harness.subject import TEST_API_KEY, TEST_API_SECRET

ROOT = Path(__file__).resolve().parents[3]
CASSETTES = ROOT / "cassettes" / "binance"
API = "https://api.binance.com"
STREAM = "wss://stream.binance.com:9443"
WS_API = "wss://ws-api.binance.com:443"
PROFILE = load_exchange_profile(CASSETTES / "exchange.yaml")


class PlainClient:
    """REST calls against a replay, signed or not, parameters wherever the test puts them."""

    def __init__(self, replay: ReplaySession, http: aiohttp.ClientSession) -> None:
        self.replay = replay
        self.http = http
        self.rest = replay.http_base_for(API)

    async def call(self, method: str, path: str, params: Sequence[tuple[str, str]] = (), *,
                   signed: bool = False, body: bool = False,
                   content_type: str = "application/x-www-form-urlencoded") -> tuple[int, Any]:
        """One request; `body` puts the parameters in a form body labelled `content_type`."""
        items = list(params)
        headers: dict[str, str] = {}
        if signed:
            items += [("recvWindow", "10000"), ("timestamp", "1763712000000")]
            items.append(("signature", hmac.new(TEST_API_SECRET.encode(),
                                                urlencode(items).encode(),
                                                hashlib.sha256).hexdigest()))
            headers["X-MBX-APIKEY"] = TEST_API_KEY
        encoded = urlencode(items)
        url = f"{self.rest}{path}"
        data: bytes | None = None
        if body:
            data = encoded.encode()
            headers["Content-Type"] = content_type
        elif encoded:
            url += f"?{encoded}"
        async with self.http.request(method, url, data=data, headers=headers) as response:
            text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text

    def ws_url(self, original: str, path: str) -> str:
        return self.replay.ws_base_for(original) + path


@asynccontextmanager
async def binance_replay(scenario: str, *, strict: bool = False, refused: bool = False
                         ) -> AsyncIterator[PlainClient]:
    """A replay of cassettes/binance/<scenario>.yaml: conformance (Binance's exchange.yaml)
    or strict, with Binance's signature check; unplayed parts are not failures here.
    refused: the test sends a request the replay must refuse (the session then fails on
    exit with CassetteMismatch, which is required and kept from the test)."""
    cassette = load_cassette(CASSETTES / f"{scenario}.yaml")
    session = ReplaySession(cassette, strict=False, exchange=None if strict else PROFILE,
                            request_verifier=lambda view: verify_signed_request(
                                view, TEST_API_SECRET),
                            ws_verifier=lambda frame: verify_ws_request(frame, TEST_API_SECRET))
    body_passed = False
    try:
        async with session as replay, aiohttp.ClientSession() as http:
            yield PlainClient(replay, http)
            body_passed = True
    except CassetteMismatch:
        # Only the session's own verdict on exit may be kept from the test: a failed
        # assertion in the test body comes back chained to it and must still fail.
        if not (refused and body_passed):
            raise
    else:
        assert not refused, "the replay refused nothing"


def signed_ws_params(**params: Any) -> dict[str, Any]:
    """WebSocket API params with apiKey, timestamp and their signature (web-socket-api.md:
    every parameter but the signature, sorted by name, as name=value joined by &)."""
    params = {**params, "apiKey": TEST_API_KEY, "timestamp": 1763712000000}
    payload = "&".join(f"{name}={params[name]}" for name in sorted(params))
    params["signature"] = hmac.new(TEST_API_SECRET.encode(), payload.encode(),
                                   hashlib.sha256).hexdigest()
    return params


def refusal(replay: ReplaySession) -> str:
    """The replay's mismatch messages, joined (what a refused request was told)."""
    return "\n".join(replay.mismatches)


ORDER = (("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"),
         ("quantity", "0.01"), ("price", "30000"))


def order(**changes: str) -> list[tuple[str, str]]:
    """The scenario's order (a LIMIT GTC buy of 0.01 BTC at 30000) with some values changed."""
    return [(name, changes.pop(name, value)) for name, value in ORDER] + list(changes.items())
