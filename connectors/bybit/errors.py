"""Bybit error answers -> the standard's errors.

Bybit answers most errors with HTTP 200 and `{"retCode": N, "retMsg": "..."}` (N != 0); an
IP over its limit gets HTTP 403 and 5xx are gateway failures (the base's to handle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.bybit import constants as c
from harness.standard.errors import (
    ConnectorError,
    ExchangeError,
    OrderNotFound,
    RateLimited,
    TimeSyncError,
    UnknownOutcome,
)


class BybitExchangeError(ExchangeError):
    """Any other refusal, with its retCode (some mean "already so", e.g. 110043)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def ret_code(body: Any) -> tuple[int | None, str]:
    """The retCode and retMsg of a body; (None, text) when it is not a Bybit answer."""
    if isinstance(body, dict) and isinstance(body.get("retCode"), int):
        return body["retCode"], str(body.get("retMsg", ""))
    return None, str(body)[:200]


def classify_error(status: int, headers: Mapping[str, str], body: Any,
                   now: Callable[[], float]) -> ConnectorError | None:
    """The standard's error for a Bybit answer, or None (a success, or the base's to judge).

    10002 TimeSyncError (the base resyncs and retries once) · 10006 RateLimited until the
    window's reset timestamp · 110001/170213 OrderNotFound · 10000/10016 UnknownOutcome · HTTP 403
    RateLimited, banned (the IP limit) · any other retCode ExchangeError, which a placement
    turns into OrderRejected (see the connector).
    """
    if status == 403:
        # rate-limit.mdx: past the IP limit, the IP is banned for 10 minutes; retrying
        # within them only extends the ban.
        return RateLimited(f"HTTP 403 from Bybit: the IP is over its limit ({str(body)[:80]})",
                           retry_after=c.IP_BAN_SECONDS, banned=True)
    code, message = ret_code(body)
    if code is None or code == c.OK:
        return None
    text = f"{message} (Bybit retCode {code})"
    if code == c.INVALID_TIMESTAMP:
        return TimeSyncError(text)
    if code == c.TOO_MANY_VISITS:
        return RateLimited(text, retry_after=_reset_in(headers, now))
    if code in c.ORDER_NOT_FOUND_CODES:
        return OrderNotFound(text)
    if code in c.UNKNOWN_OUTCOME_CODES:
        return UnknownOutcome(text)
    return BybitExchangeError(text, code)


def _reset_in(headers: Mapping[str, str], now: Callable[[], float]) -> float:
    """Seconds until X-Bapi-Limit-Reset-Timestamp (1 s when the header is missing)."""
    for name, value in headers.items():
        if name.lower() == c.LIMIT_RESET_HEADER.lower():
            try:
                return max(int(value) / 1000 - now(), 0.0)
            except ValueError:
                break
    return 1.0
