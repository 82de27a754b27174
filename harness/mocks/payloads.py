"""A cassette's recorded bytes as the values a unit test asserts on.

A parsing test then reads the very payloads the conformance checks replay, instead of a
hand-written copy that drifts from what the exchange sends.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlsplit

from harness.cassette.format import Cassette, Direction, FrameKind
from harness.cassette.loader import load_cassette

CassetteLike = Cassette | str | os.PathLike[str]


def _cassette(cassette: CassetteLike) -> Cassette:
    return cassette if isinstance(cassette, Cassette) else load_cassette(cassette)


def response_json(cassette: CassetteLike, which: str) -> Any:
    """The JSON body of a recorded response: `which` is a `harness.id` or `"METHOD /path"`
    (the first such interaction).

    e.g. response_json("cassettes/binance/order_book.yaml", "GET /api/v3/depth")["lastUpdateId"]
    """
    loaded = _cassette(cassette)
    for item in loaded.interactions:
        request = item.request
        if which in (item.id, f"{request.method} {urlsplit(request.uri).path}"):
            return json.loads(item.response.body)
    known = sorted({item.id or f"{item.request.method} {urlsplit(item.request.uri).path}"
                    for item in loaded.interactions})
    raise LookupError(f"{loaded.name}: no interaction {which!r}; it has: {', '.join(known)}")


def server_messages(cassette: CassetteLike, url_path: str | None = None) -> list[Any]:
    """The JSON server frames of the cassette's connections (only those on `url_path`, if
    given), in order."""
    loaded = _cassette(cassette)
    found = [frame.value for conn in loaded.ws
             if url_path is None or urlsplit(conn.url).path == url_path
             for frame in conn.frames
             if frame.dir is Direction.SERVER and frame.kind is FrameKind.JSON]
    if not found:
        raise LookupError(f"{loaded.name}: no JSON server frames"
                          + (f" on {url_path}" if url_path else ""))
    return found
