"""Bybit v5 signing (HMAC-SHA256 keys) and the matching server-side checks.

REST (guide.mdx, "Authentication for HTTP"): four headers, X-BAPI-API-KEY, X-BAPI-TIMESTAMP
(epoch ms), X-BAPI-RECV-WINDOW and X-BAPI-SIGN, the hex HMAC-SHA256 under the secret of
`timestamp + api_key + recv_window + payload`, where the payload is the query string of a GET
and the JSON body of a POST, byte for byte as sent. Nothing signed goes in the parameters.

Private WebSocket (ws/connect.mdx, "Authentication"): `{"op": "auth", "args": [api_key,
expires, signature]}`, the signature being the hex HMAC-SHA256 of `"GET/realtime" + expires`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from connectors.bybit.constants import (
    API_KEY_HEADER,
    RECV_WINDOW_HEADER,
    RECV_WINDOW_MS,
    SIGN_HEADER,
    TIMESTAMP_HEADER,
)
from harness.base import RestRequest
from harness.base.signing import (
    SignedRequestView,
    body_text,
    constant_time_equal,
    encode_query,
    hmac_sha256_hex,
)

WS_AUTH_PAYLOAD = "GET/realtime"


def json_body(payload: Mapping[str, Any]) -> str:
    """The JSON text of a POST body: compact, in the caller's key order; it is signed as is."""
    return json.dumps(payload, separators=(",", ":"))


def sign_rest_request(request: RestRequest, api_key: str, api_secret: str,
                      timestamp_ms: int) -> RestRequest:
    """A copy of `request` with Bybit's four authentication headers."""
    payload = request.body if request.body is not None else encode_query(request.params)
    signature = hmac_sha256_hex(api_secret,
                                f"{timestamp_ms}{api_key}{RECV_WINDOW_MS}{payload}")
    return replace(request, headers={
        **request.headers, API_KEY_HEADER: api_key, TIMESTAMP_HEADER: str(timestamp_ms),
        RECV_WINDOW_HEADER: str(RECV_WINDOW_MS), SIGN_HEADER: signature})


def ws_auth_args(api_key: str, api_secret: str, expires_ms: int) -> list[Any]:
    """The `args` of the private stream's auth operation."""
    return [api_key, expires_ms, hmac_sha256_hex(api_secret, f"{WS_AUTH_PAYLOAD}{expires_ms}")]


# Server side: used by the exchange double and cassette replay ----------------------------------
def signed_headers(request: SignedRequestView) -> dict[str, str]:
    """The request's headers by lower-case name."""
    return {name.lower(): value for name, value in request.headers.items()}


def verify_signed_request(request: SignedRequestView, api_secret: str) -> str | None:
    """None if `request` carries a valid Bybit signature made with `api_secret`, else why not.

    As Bybit does: the payload is the raw query string of a GET, the raw body otherwise.
    """
    headers = signed_headers(request)
    for name in (API_KEY_HEADER, TIMESTAMP_HEADER, SIGN_HEADER):
        if not headers.get(name.lower()):
            return f"no {name} header"
    body = body_text(request)
    payload = request.query_string if request.method.upper() == "GET" else body
    prefix = (headers[TIMESTAMP_HEADER.lower()] + headers[API_KEY_HEADER.lower()]
              + headers.get(RECV_WINDOW_HEADER.lower(), ""))
    expected = hmac_sha256_hex(api_secret, prefix + payload)
    if not constant_time_equal(expected, headers[SIGN_HEADER.lower()]):
        return f"signature does not match the payload {payload[:120]!r}"
    return None


def verify_ws_auth(args: Any, api_key: str, api_secret: str, now_ms: int) -> str | None:
    """None if an auth operation's args are valid for `api_key` at `now_ms`, else why not."""
    if not isinstance(args, list) or len(args) != 3:
        return "args must be [api_key, expires, signature]"
    key, expires, signature = args
    if key != api_key:
        return "API key is invalid"
    try:
        expires_ms = int(expires)
    except (TypeError, ValueError):
        return f"expires {expires!r} is not a number"
    if expires_ms <= now_ms:
        return "Params Error: request expired"
    expected = hmac_sha256_hex(api_secret, f"{WS_AUTH_PAYLOAD}{expires_ms}")
    if not constant_time_equal(expected, str(signature)):
        return "Invalid sign"
    return None
