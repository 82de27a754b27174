"""What a real Bybit checks before it answers: the route, the signed headers, the recv
window, the parameters' shapes (GET query, POST JSON body), and decimal precision.

A refusal is a `BybitError` carrying Bybit's retCode and retMsg (error.mdx); `invalid` says
whether the client is to blame (it goes to the request log) or only the exchange's state is
(an unknown order, the balance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.bybit import constants as c
from connectors.bybit.auth import verify_signed_request
from harness.double import DoubleRequest

# The harness' clocks run faster than the wall clock (property scenarios: 10x), so
# milliseconds of loopback transit on a loaded machine become seconds of exchange time. A
# timestamp is refused as Bybit would only when it is this much further out than Bybit's
# window, so that the double judges the connector's clock, not the machine's load. The
# property machine's exchange clock also runs 30 s behind the connector's, so timestamps rest
# on an offset measured over such a round trip: 20 s covers what a loaded machine showed.
TRANSIT_SLACK_MS = 20_000
# Bybit refuses a timestamp more than 1 s ahead of its clock (guide.mdx).
AHEAD_MS = 1_000


class BybitError(Exception):
    """A refusal: HTTP 200 (most of Bybit's errors) with retCode and retMsg."""

    def __init__(self, code: int, message: str, *, invalid: bool = True, status: int = 200,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.invalid, self.status = code, message, invalid, status
        self.reason = reason or f"{message} (retCode {code})"


@dataclass(frozen=True)
class Endpoint:
    operation: str
    signed: bool
    required: tuple[str, ...] = ()


ACCOUNT_INFO_PATH = "/v5/account/info"
FEE_RATE_PATH = "/v5/account/fee-rate"

ENDPOINTS: Mapping[tuple[str, str], Endpoint] = {
    ("GET", c.TIME_PATH): Endpoint("time", False),
    ("GET", c.SYSTEM_STATUS_PATH): Endpoint("ping", False),
    ("GET", c.INSTRUMENTS_PATH): Endpoint("instruments", False, ("category",)),
    ("GET", c.ORDERBOOK_PATH): Endpoint("depth", False, ("category", "symbol")),
    ("GET", c.TICKERS_PATH): Endpoint("prices", False, ("category",)),
    ("POST", c.CREATE_PATH): Endpoint("place", True,
                                      ("category", "symbol", "side", "orderType", "qty")),
    ("POST", c.CANCEL_PATH): Endpoint("cancel", True, ("category", "symbol")),
    ("POST", c.CANCEL_ALL_PATH): Endpoint("cancel_all", True, ("category",)),
    ("GET", c.REALTIME_PATH): Endpoint("status", True, ("category",)),
    ("GET", c.EXECUTIONS_PATH): Endpoint("trades", True, ("category",)),
    ("GET", c.WALLET_PATH): Endpoint("balances", True, ("accountType",)),
    # account/info.mdx and account/fee-rate.mdx: what a client reads before trading
    # (Hummingbot asks the account's type before its first balances).
    ("GET", ACCOUNT_INFO_PATH): Endpoint("account_info", True),
    ("GET", FEE_RATE_PATH): Endpoint("fee_rate", True, ("category",)),
}


def endpoint_for(request: DoubleRequest,
                 endpoints: Mapping[tuple[str, str], Endpoint] = ENDPOINTS) -> Endpoint | None:
    return endpoints.get((request.method.upper(), request.path))


@dataclass(frozen=True)
class Parsed:
    endpoint: Endpoint
    values: Mapping[str, Any]

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)


def parse(request: DoubleRequest, api_key: str, api_secret: str,
          endpoints: Mapping[tuple[str, str], Endpoint] = ENDPOINTS) -> Parsed:
    """The request's endpoint and parameters, or the BybitError Bybit would answer
    (`endpoints`: the routes this double serves; the linear double adds its own)."""
    endpoint = endpoint_for(request, endpoints)
    if endpoint is None:
        raise BybitError(10001, "Request parameter error",
                         reason=f"no Bybit v5 route {request.method} {request.path}",
                         status=404)
    if endpoint.signed:
        _check_credentials(request, api_key, api_secret)
    values: Mapping[str, Any]
    if request.method.upper() == "GET":
        values = dict(request.query)
    else:
        if not isinstance(request.json, dict):
            raise BybitError(10001, "Request parameter error",
                             reason="a POST body must be a JSON object (Content-Type: "
                                    "application/json)")
        values = request.json
    for name in endpoint.required:
        if values.get(name) in (None, ""):
            raise BybitError(10001, f"params error: {name} is required")
    return Parsed(endpoint, values)


def _check_credentials(request: DoubleRequest, api_key: str, api_secret: str) -> None:
    given = request.header(c.API_KEY_HEADER)
    if not given:
        raise BybitError(10003, "API key is invalid.", reason="no X-BAPI-API-KEY header")
    if given != api_key:
        raise BybitError(10003, "API key is invalid.")
    problem = verify_signed_request(request, api_secret)
    if problem is not None:
        raise BybitError(10004, "Error sign, please check your signature generation "
                                "algorithm.", reason=problem)


def check_timestamp(request: DoubleRequest, now_ms: int,
                    transit_slack_ms: int = TRANSIT_SLACK_MS) -> None:
    """server_time - recv_window <= timestamp < server_time + 1000, else 10002 (give or take
    the transit slack)."""
    try:
        stamp = int(request.header(c.TIMESTAMP_HEADER) or "")
        window = int(request.header(c.RECV_WINDOW_HEADER) or str(c.RECV_WINDOW_MS))
    except ValueError:
        raise BybitError(10001, "Request parameter error",
                         reason="X-BAPI-TIMESTAMP / X-BAPI-RECV-WINDOW must be integers") from None
    late, early = now_ms - window - stamp, stamp - (now_ms + AHEAD_MS)
    if max(late, early) > transit_slack_ms:
        raise BybitError(
            10002, "invalid request, please check your server timestamp or recv_window param."
            f" req_timestamp[{stamp}],server_timestamp[{now_ms}],recv_window[{window}]")


def decimal_param(parsed: Parsed, name: str) -> Decimal | None:
    """A decimal string parameter (Bybit wants strings for qty and price), or None."""
    value = parsed.values.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BybitError(10001, f"params error: {name} must be a string")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BybitError(10001, f"params error: {name} invalid") from None
    if not number.is_finite() or number <= 0:
        raise BybitError(10001, f"params error: {name} invalid")
    return number


def on_grid(value: Decimal, step: Decimal) -> bool:
    """True when `value` is a whole number of `step`s (no decimals beyond the precision)."""
    return step <= 0 or value % step == 0
