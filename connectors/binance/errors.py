"""Binance error responses -> the standard's errors.

Binance answers an error with HTTP 4xx and `{"code": -2010, "msg": "..."}`. Codes are stable,
messages vary; only -2011 needs its message read ("Unknown order sent." means no such order).
HTTP 429/418 (rate limits) and 5xx (unknown outcome) are the base's to handle.
"""

from __future__ import annotations

from typing import Any

from connectors.binance import constants as c
from harness.standard.errors import (
    CancelRejected,
    ConnectorError,
    ExchangeError,
    OrderNotFound,
    OrderRejected,
    TimeSyncError,
    UnknownOutcome,
)


def error_code(body: Any) -> tuple[int | None, str]:
    """The `code` and `msg` of an error body; (None, text) when it has no Binance code."""
    if isinstance(body, dict) and isinstance(body.get("code"), int):
        return body["code"], str(body.get("msg", ""))
    return None, str(body)[:200]


def classify_error(status: int, body: Any) -> ConnectorError | None:
    """The standard's error for a Binance response, or None to let the base decide.

    -1021 TimeSyncError (the base resyncs and retries once) · -2010 OrderRejected ·
    -2011 "Unknown order sent." and -2013 OrderNotFound · other -2011 CancelRejected ·
    -1000/-1006/-1007 UnknownOutcome (Binance: "execution status unknown") · any other code
    ExchangeError, which a placement turns into OrderRejected (see the connector).
    """
    if status < 400:
        return None
    code, message = error_code(body)
    if code in c.UNKNOWN_OUTCOME_CODES:
        return UnknownOutcome(f"{message} (Binance code {code})")
    if status >= 500 or code is None:
        return None
    text = f"{message} (Binance code {code})"
    if code == c.INVALID_TIMESTAMP:
        return TimeSyncError(text)
    if code == c.NEW_ORDER_REJECTED:
        return OrderRejected(text)
    if code == c.CANCEL_REJECTED:
        return OrderNotFound(text) if message == c.UNKNOWN_ORDER_MESSAGE else CancelRejected(text)
    if code == c.NO_SUCH_ORDER:
        return OrderNotFound(text)
    return ExchangeError(text)
