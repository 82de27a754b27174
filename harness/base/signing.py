"""What HMAC-signing exchanges share, on both sides of the wire.

A connector signs the bytes the exchange will receive, so its query string must be encoded
exactly as aiohttp (through yarl) puts it on the wire; the exchange double and the cassette
replay verify signatures on the requests they receive, seen through `SignedRequestView`.
Which bytes make the payload, where the signature travels and what the headers are called
stay with each exchange (connectors/<name>/auth.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Protocol

from yarl import URL


def hmac_sha256_hex(secret: str, payload: str) -> str:
    """The lower-case hex HMAC-SHA256 of `payload` under `secret`.

    >>> hmac_sha256_hex("key", "The quick brown fox jumps over the lazy dog")[:16]
    'f7bc83f430538424'
    """
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def encode_query(params: Mapping[str, str]) -> str:
    """`params` percent-encoded exactly as aiohttp puts them on the wire (yarl), because a
    signature covers the bytes the exchange receives, not another library's encoding.

    >>> encode_query({"symbol": "BTCUSDT", "note": "a b"})
    'symbol=BTCUSDT&note=a+b'
    """
    return URL("/").extend_query(params).raw_query_string


class SignedRequestView(Protocol):
    """What a server-side signature check reads of a received HTTP request."""

    @property
    def method(self) -> str: ...

    @property
    def query_string(self) -> str: ...

    @property
    def body(self) -> bytes | str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


def body_text(request: SignedRequestView) -> str:
    """The request's body as the text that was signed."""
    return request.body.decode() if isinstance(request.body, bytes) else request.body


def constant_time_equal(expected_hex: str, given: str) -> bool:
    """Whether a given hex signature (any case) is `expected_hex`, in constant time."""
    return hmac.compare_digest(expected_hex, given.lower())
