"""Capabilities a manifest may declare; checks for an undeclared one are skipped, with reason."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    ORDER_BOOK_DIFFS = "order_book_diffs"
    PUBLIC_TRADES = "public_trades"
    USER_STREAM = "user_stream"
    STATUS_POLLING = "status_polling"
    CANCEL_ALL = "cancel_all"
    TIME_SYNC = "time_sync"
    RATE_LIMITS = "rate_limits"
    PRICE_BOUNDS = "price_bounds"  # the exchange declares a minimum / maximum order price
    POSITIONS = "positions"
    FUNDING = "funding"
    POSITION_MODE = "position_mode"
    LEVERAGE = "leverage"


KNOWN_CAPABILITIES = frozenset(item.value for item in Capability)
