"""Checks of a received REST request, in the order Binance answers them: route, API key,
signature, parameters (presence, type, enum values, precision), then the timestamp window.

What needs no exchange state is checked by `parse` (the server's `validate` hook calls it);
the timestamp window needs the exchange clock and is checked by `check_timestamp`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.binance.auth import verify_signed_request
from connectors.binance.constants import API_KEY_HEADER
from connectors.binance.double import errors as e
from connectors.binance.double.endpoints import Endpoint, Kind, Param, endpoint_for
from harness.double import DoubleRequest
from harness.subject import TEST_API_KEY, TEST_API_SECRET

_DECIMAL = re.compile(e.DECIMAL_RANGE)
_LONG = re.compile(e.LONG_RANGE)
_CLIENT_ID = re.compile(e.CLIENT_ID_RANGE)
_SYMBOL_RANGE = r"^[A-Z0-9-_.]{1,20}$"
_SYMBOL = re.compile(_SYMBOL_RANGE)
_CLIENT_IDS = ("newClientOrderId", "origClientOrderId")
MAX_DECIMALS = 8
"""Binance's asset precision: more decimals than this is -1111 (finer grids are filters')."""
DEFAULT_RECV_WINDOW = Decimal(5000)
MAX_RECV_WINDOW = Decimal(60000)
AHEAD_TOLERANCE_MS = 1000
# The property machine's exchange clock runs 30 s behind the connector's, so every signed
# timestamp rests on the connector's server-time offset, measured over a round trip that the
# fast clock (100x) turns from milliseconds into seconds on a loaded machine (up to about
# 20 s seen under coverage at load 9). Wide enough for that, narrow enough that a
# timestamp without the offset (30 s ahead) is still the client's fault.
TRANSIT_SLACK_MS = 20_000


@dataclass(frozen=True)
class Parsed:
    """A request that passed the static checks: its endpoint and typed parameter values."""

    endpoint: Endpoint
    values: dict[str, Any]
    raw: dict[str, str]

    def get(self, name: str) -> Any:
        return self.values.get(name)


def parse(request: DoubleRequest, api_key: str = TEST_API_KEY,
          api_secret: str = TEST_API_SECRET) -> Parsed:
    """The request's endpoint and typed parameters; raises `BinanceError` if it is malformed."""
    endpoint = endpoint_for(request.method, request.path)
    if endpoint is None:
        raise e.BinanceError(-1000, "An unknown error occurred while processing the request.",
                             404, reason=f"no endpoint {request.method} {request.path}")
    for pairs in (request.query, request.form):
        repeated = [name for name, count in Counter(n for n, _ in pairs).items() if count > 1]
        if repeated:
            raise e.duplicate_parameter(repeated[0])
    if endpoint.signed:
        _check_auth(request, api_key, api_secret)
    raw = request.params
    values = {spec.name: _value(spec, raw[spec.name]) for spec in endpoint.all_params
              if spec.name in raw and not (raw[spec.name] == "" and not spec.required)}
    for spec in endpoint.all_params:
        if spec.required and spec.name not in raw:
            raise e.mandatory(spec.name)
    unknown = [name for name in raw if endpoint.spec(name) is None]
    if unknown:
        raise e.unread(len(raw) - len(unknown), len(raw))
    return Parsed(endpoint, values, raw)


def _check_auth(request: DoubleRequest, api_key: str, api_secret: str) -> None:
    given_key = request.header(API_KEY_HEADER)
    if not given_key:
        raise e.BinanceError(e.BAD_API_KEY_FORMAT.code, e.BAD_API_KEY_FORMAT.msg, 401,
                             reason=f"no {API_KEY_HEADER} header")
    if given_key != api_key:
        raise e.BinanceError(e.REJECTED_API_KEY.code, e.REJECTED_API_KEY.msg, 401,
                             reason=f"{API_KEY_HEADER} is not the harness test key")
    problem = verify_signed_request(request, api_secret)
    if problem is None:
        return
    if problem.startswith("expected one signature parameter, found 0"):
        raise e.mandatory("signature")
    if problem.startswith("expected one signature"):
        raise e.duplicate_parameter("signature")
    if problem.startswith("no timestamp"):
        raise e.mandatory("timestamp")
    raise e.BinanceError(e.BAD_SIGNATURE.code, e.BAD_SIGNATURE.msg, reason=problem)


def _value(spec: Param, text: str) -> Any:
    """`text` as `spec`'s type, or the Binance error for it."""
    if text == "":
        raise e.mandatory(spec.name) if spec.required else e.empty(spec.name)
    if spec.kind is Kind.DECIMAL:
        if not _DECIMAL.match(text):
            raise e.illegal(spec.name, e.DECIMAL_RANGE)
        decimals = len(text.partition(".")[2])
        if decimals > (3 if spec.name == "recvWindow" else MAX_DECIMALS):
            raise e.too_precise(spec.name)
        return Decimal(text)
    if spec.kind in (Kind.LONG, Kind.INT):
        if not _LONG.match(text):
            raise e.illegal(spec.name, e.LONG_RANGE)
        return int(text)
    if spec.kind is Kind.BOOLEAN:
        if text.lower() not in ("true", "false"):
            raise e.not_valid(spec.name)
        return text.lower() == "true"
    if spec.kind is Kind.ENUM:
        if text not in spec.values:
            raise e.bad_enum(spec.name)
        return text
    if spec.name in _CLIENT_IDS and not _CLIENT_ID.match(text):
        raise e.illegal(spec.name, e.CLIENT_ID_RANGE)
    if spec.name == "symbol" and not _SYMBOL.match(text):
        raise e.illegal(spec.name, _SYMBOL_RANGE)
    return text


def check_timestamp(values: dict[str, Any], now_ms: int, *,
                    transit_slack_ms: int = TRANSIT_SLACK_MS) -> None:
    """Binance's window: accept iff timestamp < server time + 1 s and server time - timestamp
    <= recvWindow (default 5000 ms, at most 60000). Microsecond timestamps are accepted.

    Either refusal is blamed on the client only beyond `transit_slack_ms` more: a request
    slow on the way arrives stale, and a clock synced over a slow round trip runs ahead by
    up to half of it (the harness runs clocks fast, so milliseconds of wall time are seconds).
    """
    window = values.get("recvWindow", DEFAULT_RECV_WINDOW)
    if window > MAX_RECV_WINDOW:
        raise e.BAD_RECV_WINDOW
    timestamp = int(values["timestamp"])
    if timestamp >= 10**15:  # 16+ digits: microseconds (X-MBX-TIME-UNIT or not)
        timestamp //= 1000
    ahead = timestamp - now_ms
    if ahead >= AHEAD_TOLERANCE_MS:
        raise e.timestamp_error(e.AHEAD_OF_SERVER,
                                invalid=ahead >= AHEAD_TOLERANCE_MS + transit_slack_ms,
                                reason=f"timestamp {timestamp} is {ahead} ms ahead of the "
                                f"server's {now_ms}")
    late = now_ms - timestamp
    if late > window:
        raise e.timestamp_error(invalid=late > window + transit_slack_ms,
                                reason=f"timestamp {timestamp} is {late} ms before the "
                                f"server's {now_ms}; recvWindow {window}")
