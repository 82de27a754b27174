"""PROP-LIFE: the order-lifecycle state machine, run over the connector's exchange double.

One check per connector: hypothesis drives the connector through random placements, cancels,
fills, expiries, balance and book changes, with HTTP and stream faults, and checks the
lifecycle invariants after every step and once each fault is over (docs/scenarios.md).
Profile and seed come from HARNESS_HYPOTHESIS_PROFILE / HARNESS_HYPOTHESIS_SEED; the result
(seed, examples, minimal failing steps, regression cassette) goes to the reports.
"""

from __future__ import annotations

import pytest

from harness.checks import Severity, check
from harness.subject import SubjectPlan


@check("PROP-LIFE-1", "Order lifecycles keep every invariant under random operations and faults",
       area="scenarios", severity=Severity.CRITICAL)
def test_order_lifecycles_keep_every_invariant(subject_plan: SubjectPlan) -> None:
    scenarios = subject_plan.scenarios()
    if not scenarios.available:
        pytest.skip(scenarios.unavailable_reason)
    run = scenarios.run()
    result = run.result
    if result.passed:
        return
    steps = "\n".join(f"  {line}" for line in result.minimal_steps) or "  (none recorded)"
    saved = (f"\nsaved as {result.regression_cassette}; replay it with: pytest "
             f"suites/properties/test_regressions.py --connector {result.connector}"
             if result.regression_cassette else "")
    raise AssertionError(f"{result.failure}\nminimal steps (seed {result.seed}, "
                         f"{result.examples} examples):\n{steps}{saved}")
