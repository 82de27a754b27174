"""Proof that the lifecycle machine bites: each broken Binance connector (one bug each, see
scenario_mutants.py) is found, and shrunk to a handful of steps.

Run exactly as CI runs PROP-LIFE-1: the ci profile, its fixed seed and its example budget
(the search stops at the first failure, so the budget only matters when a bug hides).
"""

from __future__ import annotations

import pytest
from scenario_mutants import MUTANTS

from harness.registry import load_registry
from harness.scenarios.machine import ScenarioFailure
from harness.scenarios.runner import run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.scenarios.steps import describe_steps

MAX_STEPS = 6

# mutant -> what the broken invariant says
CAUGHT_BY = {
    "drops_fills_before_ack": "2: o1",
    "double_counts_stream_fills": "3: o1",
    "fails_timed_out_placements": "4: o",  # the order that timed out (o1 or o2)
    "forgets_to_resubscribe": "4: the user stream is silent",
    "ignores_partial_fills": "4: o1",
    "cancels_twice": "1: o1",
}


@pytest.mark.parametrize("mutant", sorted(CAUGHT_BY))
def test_the_machine_finds_the_bug_and_shrinks_it_to_a_few_steps(mutant: str) -> None:
    plan = plan_from_env({}, profile="ci")
    run = run_scenarios(load_registry().get("binance"), plan, connector_class=MUTANTS[mutant],
                        export=False, quiet=True)
    assert not run.result.passed, f"{mutant}: {run.result.examples} examples found nothing"
    assert isinstance(run.error, ScenarioFailure), f"{mutant}: {run.result.failure}"
    assert any(problem.startswith(CAUGHT_BY[mutant]) for problem in run.error.problems), \
        run.error.problems
    assert 1 <= len(run.steps) <= MAX_STEPS, "\n".join(run.result.minimal_steps)
    assert run.result.minimal_steps == describe_steps(run.steps)
    assert run.result.seed == str(plan.seed)
