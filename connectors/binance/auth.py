"""Binance request signing (HMAC-SHA256 keys) and the matching server-side check.

REST (rest-api.md, "SIGNED endpoint security"): the payload is the percent-encoded query string
followed, without a separator, by the body; the signature is the hex HMAC-SHA256 of the payload
under the secret key, and the API key travels in the `X-MBX-APIKEY` header. This connector puts
every parameter of a signed request in the query string, POST and DELETE included (Binance
accepts both places), so the body is empty and the payload is the query string alone, with
`recvWindow`, `timestamp` and finally `signature` appended.

WebSocket API (web-socket-api.md, "Signed request security"): the payload is every request
parameter except `signature`, sorted by name, joined as `name=value` with `&`; `apiKey` is a
parameter like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from connectors.binance.constants import API_KEY_HEADER, RECV_WINDOW_MS
from harness.base import RestRequest
from harness.base.signing import (
    SignedRequestView,
    body_text,
    constant_time_equal,
    encode_query,
    hmac_sha256_hex,
)

SIGNATURE = "signature"


def sign_rest_request(request: RestRequest, api_key: str, api_secret: str,
                      timestamp_ms: int) -> RestRequest:
    """A signed copy of `request`: recvWindow, timestamp and signature added to its query."""
    if request.data is not None:
        raise ValueError("signed Binance requests carry their parameters in the query string; "
                         "pass them as RestRequest.params, not data")
    params = {**request.params, "recvWindow": str(RECV_WINDOW_MS),
              "timestamp": str(timestamp_ms)}
    params[SIGNATURE] = hmac_sha256_hex(api_secret, encode_query(params))
    return replace(request, params=params, headers={**request.headers, API_KEY_HEADER: api_key})


def ws_payload(params: Mapping[str, Any]) -> str:
    """The WebSocket API signature payload: params but `signature`, sorted by name."""
    return "&".join(f"{name}={_ws_value(params[name])}" for name in sorted(params)
                    if name != SIGNATURE)


def sign_ws_params(params: Mapping[str, Any], api_key: str, api_secret: str,
                   timestamp_ms: int) -> dict[str, Any]:
    """`params` plus apiKey, timestamp and their signature, ready for a WebSocket API request."""
    signed = {**params, "apiKey": api_key, "timestamp": timestamp_ms}
    signed[SIGNATURE] = hmac_sha256_hex(api_secret, ws_payload(signed))
    return signed


def _ws_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Server side: used by the exchange double and cassette replay ----------------------------------
def verify_signed_request(request: SignedRequestView, api_secret: str) -> str | None:
    """None if `request` carries a valid HMAC signature made with `api_secret`, else why not.

    As Binance does: the signature may sit in the query string or in the form body, and the
    payload is the raw query string, then the raw body, each without the signature parameter.
    """
    if not any(name.lower() == API_KEY_HEADER.lower() for name in request.headers):
        return f"no {API_KEY_HEADER} header"
    body = body_text(request)
    query_parts = request.query_string.split("&") if request.query_string else []
    body_parts = body.split("&") if body else []
    given = [part.partition("=")[2] for part in (*query_parts, *body_parts)
             if part.startswith(SIGNATURE + "=")]
    if len(given) != 1:
        return f"expected one signature parameter, found {len(given)}"
    if not any(part.startswith("timestamp=") for part in (*query_parts, *body_parts)):
        return "no timestamp parameter"
    payload = _without_signature(query_parts) + _without_signature(body_parts)
    if not constant_time_equal(hmac_sha256_hex(api_secret, payload), given[0]):
        return f"signature does not match the payload {payload[:120]!r}"
    return None


def verify_ws_params(params: Mapping[str, Any], api_secret: str) -> str | None:
    """None if a WebSocket API request's params carry a valid signature, else why not."""
    for name in ("apiKey", "timestamp", SIGNATURE):
        if name not in params:
            return f"no {name} parameter"
    expected = hmac_sha256_hex(api_secret, ws_payload(params))
    if not constant_time_equal(expected, str(params[SIGNATURE])):
        return f"signature does not match the payload {ws_payload(params)[:120]!r}"
    return None


def verify_ws_request(message: Any, api_secret: str) -> str | None:
    """None if a WebSocket API request (`{"id", "method", "params"}`) is validly signed."""
    params = message.get("params") if isinstance(message, Mapping) else None
    if not isinstance(params, Mapping):
        return "no params object"
    return verify_ws_params(params, api_secret)


def _without_signature(parts: list[str]) -> str:
    return "&".join(part for part in parts if not part.startswith(SIGNATURE + "="))
