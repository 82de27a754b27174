"""Small builders for replay tests: cassettes from a few dicts, and an HTTP fetch helper."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from harness.cassette.format import Cassette
from harness.cassette.loader import cassette_from_document

API = "https://api.binance.com"
STREAM = "wss://stream.binance.com:9443"


def interaction(method: str, uri: str, answer: Any = None, *, status: int = 200,
                body: Any = None, headers: dict[str, list[str]] | None = None,
                **harness: Any) -> dict[str, Any]:
    """One interaction document; `answer` is JSON-encoded unless it is already a string."""
    text = answer if isinstance(answer, str) else json.dumps(answer if answer is not None else {})
    doc: dict[str, Any] = {
        "request": {"method": method, "uri": uri, "body": body, "headers": headers or {}},
        "response": {"status": {"code": status, "message": "OK"},
                     "headers": {"Content-Type": ["application/json"],
                                 "Content-Length": ["999"]},
                     "body": {"string": text}},
    }
    if harness:
        doc["harness"] = harness
    return doc


def make_cassette(interactions: list[dict[str, Any]] | None = None,
                  ws: list[dict[str, Any]] | None = None) -> Cassette:
    doc: dict[str, Any] = {
        "version": 1,
        "meta": {"connector": "binance", "scenario": "test", "standard_version": "1.0.0",
                 "source": "generated", "date": "2026-01-01"},
    }
    if interactions:
        doc["http"] = {"version": 1, "interactions": interactions}
    if ws:
        doc["ws"] = ws
    return cassette_from_document(doc)


async def fetch(session: aiohttp.ClientSession, method: str, url: str,
                **kwargs: Any) -> tuple[int, Any]:
    """Status and decoded JSON (or text) of one request."""
    async with session.request(method, url, **kwargs) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text
