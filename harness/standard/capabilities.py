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
    LIQUIDITY = "liquidity"  # a Gateway DEX with pools a wallet funds (amm, clmm; no router)


KNOWN_CAPABILITIES = frozenset(item.value for item in Capability)


# What each standard requires: every capability one of its blocker or critical checks needs
# (tests/unit/standard/test_required_capabilities.py holds this true). A connector lacking one
# cannot be green: the checks that need it were skipped, never judged (harness/status.py).
_SPOT_REQUIRED = frozenset({Capability.ORDER_BOOK_DIFFS, Capability.USER_STREAM,
                            Capability.STATUS_POLLING, Capability.RATE_LIMITS})
REQUIRED_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "spot": _SPOT_REQUIRED,
    "perpetual": _SPOT_REQUIRED | {Capability.POSITIONS},
    "gateway": frozenset(),  # a Gateway connector's checks need no declared capability
}


def required_capabilities(standard: str) -> frozenset[Capability]:
    """The capabilities a connector of `standard` must declare (none for an unknown one)."""
    return REQUIRED_CAPABILITIES.get(standard, frozenset())


_UNDECLARED = " declares no "
_CAPABILITY = " capability"


def undeclared_reason(connector: str, missing: list[str]) -> str:
    """Why a check is skipped: the capabilities it needs that `connector` does not declare."""
    return f"{connector}{_UNDECLARED}{', '.join(missing)}{_CAPABILITY}"


def undeclared_in(skip_reason: str) -> tuple[str, ...]:
    """The capabilities an `undeclared_reason` names; () for any other skip reason.

    >>> undeclared_in("x declares no user_stream, rate_limits capability")
    ('user_stream', 'rate_limits')
    >>> undeclared_in("x declares no MARKET order type")
    ()
    """
    head, found, names = skip_reason.rpartition(_UNDECLARED)
    if not found or not head or not names.endswith(_CAPABILITY):
        return ()
    listed = tuple(name.strip() for name in names[: -len(_CAPABILITY)].split(","))
    return listed if all(name in KNOWN_CAPABILITIES for name in listed) else ()
