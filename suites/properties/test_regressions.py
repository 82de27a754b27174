"""PROP-REG: the failures the property scenarios found, replayed as regular cassettes.

When PROP-LIFE-1 fails, its minimal failing sequence is recorded against the exchange double
as cassettes/<connector>/regressions/<name>.yaml (meta.inputs.steps holds the steps). This
check replays every such cassette: the connector starts on it, the same public-API calls are
made, invariants 1-3 and 6 are asserted on the events, and no order the connector ended may
end otherwise than the exchange had it when the run was recorded (meta.expect.exchange_orders;
docs/scenarios.md). Replay them:

    pytest suites/properties/test_regressions.py --connector binance
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.checks import check
from harness.subject import SubjectPlan


@check("PROP-REG-1", "Every regression cassette replays without breaking invariants 1-3 and "
       "6, and no order ends unlike the exchange recorded it", area="scenarios", timeout=120.0)
async def test_regression_cassettes_replay_cleanly(subject_plan: SubjectPlan) -> None:
    scenarios = subject_plan.scenarios()
    paths = scenarios.regressions()
    if not paths:
        pytest.skip(f"{subject_plan.manifest.name} has no regression cassettes "
                    "(cassettes/<connector>/regressions/ is empty)")
    # Lenient: a fixed connector may ask less than the broken one did.
    plan = replace(subject_plan, options=replace(subject_plan.options, strict=False))
    failures = []
    for path in paths:
        config = scenarios.recorded_config(path)  # as recorded (no periodic polling, ...)
        async with plan.replay(scenarios.scenario_of(path), **config) as subject:
            await subject.start()
            problems = await scenarios.replay(subject)
        if problems:
            listed = "\n".join(f"    - {problem}" for problem in problems)
            failures.append(f"  {path}:\n{listed}")
    assert not failures, ("regression cassettes replay with broken invariants:\n"
                          + "\n".join(failures))
