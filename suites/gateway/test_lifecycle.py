"""PROP-GW: random Gateway lifecycles against the Gateway double keep their invariants."""

from __future__ import annotations

from typing import Any

from harness.checks import Severity, check


@check("PROP-GW-1", "Gateway lifecycles (swaps, failures, stalls, market moves, liquidity) "
       "keep balances conserved, failures inert, removals bounded and pending never filled",
       area="scenarios", standard="gateway", severity=Severity.CRITICAL)
def test_gateway_lifecycles_keep_every_invariant(gateway_subject: Any) -> None:
    gateway_subject.lifecycle()
