"""Exceptions a connector's exchange-specific code raises to tell the base what happened."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every error the standard names."""


class OrderRejected(ConnectorError):
    """The exchange refused the order for good (it will never exist)."""


class OrderNotFound(ConnectorError):
    """The exchange does not know the order (yet, or any more)."""


class CancelRejected(ConnectorError):
    """The exchange refused to cancel an order it knows."""


class TimeSyncError(ConnectorError):
    """The request's timestamp was outside the exchange's window: resync the clock and retry."""


class RateLimited(ConnectorError):
    """The exchange asked us to slow down (HTTP 429), or banned us for a while (HTTP 418,
    `banned`); `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: float, *, banned: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.banned = banned


class ExchangeError(ConnectorError):
    """Any other error response; the outcome of the request is known to have failed."""


class UnknownOutcome(ConnectorError):
    """The request may or may not have been executed (timeout, 5xx): ask the exchange later."""


class SettingRefused(ConnectorError):
    """A leverage or position-mode change did not happen. `sent` is False when the connector
    refused it itself (an unsupported mode, a leverage out of range) without asking."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent
