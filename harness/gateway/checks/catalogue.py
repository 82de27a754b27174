"""The catalogue of GW checks: stable id, one-line statement, the trading types it applies
to, and the coroutine that judges a Gateway through a Probe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.standard.gateway.model import TradingType

if TYPE_CHECKING:
    from harness.gateway.checks.probe import Probe

CheckFunction = Callable[["Probe"], Awaitable[None]]
ALL_TYPES = frozenset(TradingType)
POOLS = frozenset({TradingType.AMM, TradingType.CLMM})


class CheckFailed(AssertionError):
    """The Gateway broke the check's statement; the message says expected vs got."""


class CheckSkipped(Exception):
    """The check cannot run against this target (says why)."""


@dataclass(frozen=True)
class GatewayCheck:
    check_id: str
    statement: str
    area: str
    trading_types: frozenset[TradingType]
    executes: bool  # sends transactions (skipped by --read-only)
    function: CheckFunction


CATALOGUE: dict[str, GatewayCheck] = {}


def gateway_check(check_id: str, statement: str, *, area: str,
                  types: frozenset[TradingType] = ALL_TYPES, executes: bool = False
                  ) -> Callable[[CheckFunction], CheckFunction]:
    """Register a GW check; ids are unique and keep their order of declaration."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if check_id in CATALOGUE:
            raise ValueError(f"check id {check_id} is declared twice")
        CATALOGUE[check_id] = GatewayCheck(check_id, statement, area, types, executes,
                                           function)
        return function

    return decorate


def expect(condition: object, message: str) -> None:
    """Fail the running check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)
