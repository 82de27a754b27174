"""Run the GW checks against one Gateway target, in catalogue order, one result each."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import aiohttp

from harness.gateway.checks import contract, liquidity, quotes, swaps
from harness.gateway.checks.catalogue import CATALOGUE, CheckFailed, CheckSkipped, GatewayCheck
from harness.gateway.checks.probe import Probe, Target

# Importing the check modules registers them, in this order: contract first, then the
# semantics that change state, liquidity last (its positions are the checks' own).
CHECK_MODULES = (contract, quotes, swaps, liquidity)


@dataclass(frozen=True)
class GatewayResult:
    check_id: str
    statement: str
    outcome: str  # passed | failed | skipped | error
    message: str
    duration: float


def applicable(target: Target, only: Iterable[str] = (), read_only: bool = False
               ) -> list[GatewayCheck]:
    wanted = set(only)
    order = [module.__name__ for module in CHECK_MODULES]
    checks = sorted(CATALOGUE.values(), key=lambda c: order.index(c.function.__module__))
    return [c for c in checks
            if target.connector.trading_type in c.trading_types
            and (not wanted or c.check_id in wanted) and not (read_only and c.executes)]


async def run_checks(target: Target, only: Iterable[str] = (), read_only: bool = False
                     ) -> list[GatewayResult]:
    """Every applicable check, each judged on its own: one failing never stops the rest."""
    results: list[GatewayResult] = []
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        probe = Probe(target, session)
        try:
            await probe.discover()
        except (CheckSkipped, aiohttp.ClientError, OSError) as exc:
            return [GatewayResult("GW-SETUP", "the target can be reached and described",
                                  "error", f"{target.url}: {exc}", 0.0)]
        for check in applicable(target, only, read_only):
            started = time.perf_counter()
            try:
                await check.function(probe)
                outcome, message = "passed", ""
            except CheckFailed as exc:
                outcome, message = "failed", str(exc)
            except CheckSkipped as exc:
                outcome, message = "skipped", str(exc)
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                outcome, message = "error", f"{type(exc).__name__}: {exc}"
            except (KeyError, TypeError, ValueError) as exc:
                # A response the check could not read is the Gateway's failure.
                outcome, message = "failed", f"unreadable answer: {type(exc).__name__}: {exc}"
            results.append(GatewayResult(check.check_id, check.statement, outcome, message,
                                         time.perf_counter() - started))
    return results
