"""What a run did not judge: the checks skipped because the connector declares no capability
they need, grouped by that capability, for every reporter that shows a connector.

A skip for a missing capability is the connector's choice, not a failure; but a reader of a
green badge should see what it does not cover. Capabilities the standard requires are
flagged: lacking one keeps the connector from green (harness/status.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.results import CheckResult, Outcome
from harness.standard.capabilities import required_capabilities, undeclared_in


@dataclass(frozen=True)
class Unjudged:
    """The checks one undeclared capability kept from running."""

    capability: str
    required: bool
    check_ids: tuple[str, ...]

    def describe(self) -> str:
        """One line, e.g. "public_trades: SPOT-OB-7" (" (required)" when the standard says)."""
        flag = " (required)" if self.required else ""
        return f"{self.capability}{flag}: {', '.join(self.check_ids)}"


def not_judged(results: Iterable[CheckResult], standard: str) -> list[Unjudged]:
    """Skipped checks by the undeclared capability each names; required capabilities first."""
    by_capability: dict[str, list[str]] = {}
    for result in results:
        if result.outcome is not Outcome.SKIP:
            continue
        for capability in undeclared_in(result.message):
            ids = by_capability.setdefault(capability, [])
            if result.check_id not in ids:
                ids.append(result.check_id)
    required = required_capabilities(standard)
    found = [Unjudged(name, name in required, tuple(ids)) for name, ids in by_capability.items()]
    return sorted(found, key=lambda u: (not u.required, u.capability))


def not_judged_count(found: Iterable[Unjudged]) -> int:
    """How many distinct checks were not judged (a check may lack two capabilities)."""
    return len({check_id for unjudged in found for check_id in unjudged.check_ids})
