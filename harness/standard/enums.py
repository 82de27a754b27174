"""Enumerations of the standard. They are `str` enums because they reach reports."""

from __future__ import annotations

from enum import StrEnum


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"
    MARKET = "MARKET"


class TradeSide(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderState(StrEnum):
    PENDING_CREATE = "PENDING_CREATE"
    OPEN = "OPEN"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    PENDING_CANCEL = "PENDING_CANCEL"
    CANCELED = "CANCELED"
    FILLED = "FILLED"
    FAILED = "FAILED"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def is_open(self) -> bool:
        return self in (OrderState.OPEN, OrderState.PARTIALLY_FILLED, OrderState.PENDING_CANCEL)


TERMINAL_STATES = frozenset({OrderState.CANCELED, OrderState.FILLED, OrderState.FAILED})


class NetworkStatus(StrEnum):
    CONNECTED = "CONNECTED"
    NOT_CONNECTED = "NOT_CONNECTED"


class Standard(StrEnum):
    SPOT = "spot"
    PERPETUAL = "perpetual"
    # DEX connectors behind Hummingbot Gateway (harness.standard.gateway)
    GATEWAY = "gateway"


class PositionAction(StrEnum):
    OPEN = "OPEN"
    CLOSE = "CLOSE"
    NIL = "NIL"


class PositionMode(StrEnum):
    ONEWAY = "ONEWAY"
    HEDGE = "HEDGE"


class PositionSide(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"
    BOTH = "BOTH"
