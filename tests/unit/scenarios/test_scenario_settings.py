"""Profiles chosen by HARNESS_HYPOTHESIS_PROFILE, seeds that reproduce a run."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import Phase

from harness.scenarios.settings import CI_SEED, ScenarioConfigError, plan_from_env


def test_ci_is_the_default_when_ci_is_set_and_is_reproducible() -> None:
    plan = plan_from_env({"CI": "true"})
    assert plan.profile.name == "ci"
    assert plan.seed == CI_SEED == plan_from_env({"CI": "1"}).seed
    assert plan.max_examples >= 200
    settings = plan.hypothesis_settings()
    assert settings.database is None and settings.max_examples == plan.max_examples
    assert settings.deadline is None and settings.stateful_step_count == 30


def test_dev_is_the_default_on_a_workstation_with_a_fresh_seed_per_run() -> None:
    seeds = {plan_from_env({}).seed for _ in range(5)}
    assert plan_from_env({}).profile.name == "dev" and len(seeds) > 1
    assert plan_from_env({}).hypothesis_settings().database is not None


def test_the_seed_and_example_count_of_a_run_can_be_given_back() -> None:
    plan = plan_from_env({"HARNESS_HYPOTHESIS_PROFILE": "nightly",
                          "HARNESS_HYPOTHESIS_SEED": "1234",
                          "HARNESS_HYPOTHESIS_EXAMPLES": "7"})
    assert (plan.profile.name, plan.seed, plan.max_examples) == ("nightly", 1234, 7)
    assert plan.reproduce_hint() == ("HARNESS_HYPOTHESIS_PROFILE=nightly "
                                     "HARNESS_HYPOTHESIS_SEED=1234 HARNESS_HYPOTHESIS_EXAMPLES=7")
    assert plan_from_env({"CI": "1"}, seed=5, max_examples=3, step_count=4).step_count == 4


@pytest.mark.parametrize(("env", "message"), [
    ({"HARNESS_HYPOTHESIS_PROFILE": "fast"}, "is not a profile; use one of dev, ci, nightly"),
    ({"HARNESS_HYPOTHESIS_SEED": "abc"}, "HARNESS_HYPOTHESIS_SEED='abc' is not an integer"),
])
def test_a_bad_setting_is_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ScenarioConfigError, match=message.replace("(", r"\(")):
        plan_from_env(env)


def test_a_plan_without_shrinking_keeps_every_other_phase() -> None:
    plan = plan_from_env({}, profile="ci")
    assert Phase.shrink in plan.hypothesis_settings().phases
    phases = replace(plan, shrink=False).hypothesis_settings().phases
    assert Phase.shrink not in phases
    assert set(plan.hypothesis_settings().phases) - set(phases) == {Phase.shrink}


def test_a_run_adds_a_share_of_streams_only_examples_that_can_be_set() -> None:
    ci = plan_from_env({"CI": "1"})
    assert ci.streams_only_examples == 100  # 20 % of 500
    assert plan_from_env({"CI": "1"}, max_examples=25).streams_only_examples == 5
    assert ci.hypothesis_settings(streams_only=True).max_examples == 100
    assert "STREAMS_ONLY" not in ci.reproduce_hint()
    none = plan_from_env({"CI": "1", "HARNESS_HYPOTHESIS_STREAMS_ONLY": "0"})
    assert none.streams_only_examples == 0
    assert none.reproduce_hint().endswith(" HARNESS_HYPOTHESIS_STREAMS_ONLY=0")
    assert plan_from_env({}, streams_only_examples=7).streams_only_examples == 7
    with pytest.raises(ScenarioConfigError, match="HARNESS_HYPOTHESIS_STREAMS_ONLY=-1: a "
                                                  "count is negative"):
        plan_from_env({"HARNESS_HYPOTHESIS_STREAMS_ONLY": "-1"})
    with pytest.raises(ScenarioConfigError, match="leave no example to run"):
        plan_from_env({"HARNESS_HYPOTHESIS_EXAMPLES": "0",
                       "HARNESS_HYPOTHESIS_STREAMS_ONLY": "0"})


def test_the_streams_only_pass_can_run_alone() -> None:
    alone = plan_from_env({"CI": "1", "HARNESS_HYPOTHESIS_EXAMPLES": "0",
                           "HARNESS_HYPOTHESIS_STREAMS_ONLY": "100"})
    assert (alone.max_examples, alone.streams_only_examples) == (0, 100)
