"""Running the lifecycle machine for one connector and turning the outcome into a result.

    run = run_scenarios(manifest)               # profile and seed from the environment
    run.result                                  # ScenarioResult, what reports read
    run.error                                   # the exception hypothesis raised, if any

A run has two passes over one world (one double server): the plan's examples with the
connector's status and balance polling on, then `plan.streams_only_examples` with it off
(connectors with a user stream), each seeded with the run's seed; the first failure ends
the run. The seed is printed before the run starts and stored in the result; rerunning with
HARNESS_HYPOTHESIS_SEED=<seed> (same profile, same code) draws the same examples. A failure
is exported as a regression cassette (cassettes/<connector>/regressions/) unless
`export=False`.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import seed as hypothesis_seed
from hypothesis.stateful import run_state_machine_as_test

from harness.manifest import Manifest
from harness.registry import ConnectorLoadError
from harness.results import ScenarioResult
from harness.scenarios.machine import machine_for
from harness.scenarios.settings import RunPlan, plan_from_env
from harness.scenarios.steps import Step, describe_steps
from harness.scenarios.world import NoDouble, World, quiet_gc
from harness.standard.api import SpotConnector
from harness.standard.capabilities import Capability

log = logging.getLogger(__name__)
FAILURE_LIMIT = 4000


@dataclass
class ScenarioRun:
    """A finished run: the result for reports, plus what tests and the CLI need."""

    result: ScenarioResult
    plan: RunPlan
    seconds: float
    error: BaseException | None = None
    steps: list[Step] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    idle_skipped: float = 0.0
    """Seconds of idle waiting the run's loop jumped over (harness.idle_time)."""

    @property
    def examples_per_second(self) -> float:
        return self.result.examples / self.seconds if self.seconds else 0.0


def run_scenarios(manifest: Manifest, plan: RunPlan | None = None, *,
                  connector_class: Callable[..., SpotConnector] | None = None,
                  export: bool = True, regressions_root: Path | None = None,
                  quiet: bool = False) -> ScenarioRun:
    """Run the machine over `manifest`'s connector and its double; never raises on a
    failing connector (the failure is in the result)."""
    plan = plan or plan_from_env()
    if not quiet:
        print(f"scenarios {manifest.name}: profile {plan.profile.name}, seed {plan.seed}, "
              f"{plan.max_examples} examples of {plan.step_count} steps, then "
              f"{plan.streams_only_examples} streams only "
              f"(reproduce: {plan.reproduce_hint()})", file=sys.stderr)
    started = time.perf_counter()
    error: BaseException | None = None
    world = World(manifest, plan, connector_class)
    try:
        world.open()
    except (NoDouble, ConnectorLoadError) as exc:  # a manifest problem: one clear line
        world.close()
        result = ScenarioResult(manifest.name, False, 0, str(plan.seed), failure=str(exc))
        return ScenarioRun(result, plan, time.perf_counter() - started, exc)
    with _quiet_logs(), quiet_gc(), contextlib.closing(world):
        for streams_only in _passes(manifest, plan):
            world.streams_only = streams_only
            machine = hypothesis_seed(plan.seed)(machine_for(world))
            try:
                run_state_machine_as_test(
                    machine, settings=plan.hypothesis_settings(streams_only=streams_only))
            except Exception as exc:  # hypothesis re-raises the minimal failure
                error = exc
                break
    seconds = time.perf_counter() - started
    steps = list(world.failing_steps) if error is not None else []
    cassette = ""
    if error is not None and export and steps:
        cassette = _export(manifest, plan, steps, connector_class, regressions_root)
    result = ScenarioResult(
        connector=manifest.name, passed=error is None, examples=world.examples,
        seed=str(plan.seed),
        failure=_failure_text(error, steps, plan, world.streams_only)
        if error is not None else "",
        minimal_steps=describe_steps(steps), regression_cassette=cassette)
    return ScenarioRun(result, plan, seconds, error, steps, dict(world.timings),
                       getattr(world.bridge.loop, "skipped", 0.0))


def _passes(manifest: Manifest, plan: RunPlan) -> list[bool]:
    """The passes of a run, by `streams_only`: polling on, then off. Without a user stream
    the connector learns of orders and balances only by polling, so it has no second pass."""
    passes = [False] if plan.max_examples > 0 else []
    if plan.streams_only_examples > 0 and Capability.USER_STREAM in manifest.capabilities:
        passes.append(True)
    return passes


def _failure_text(error: BaseException, steps: list[Step], plan: RunPlan,
                  streams_only: bool = False) -> str:
    """The broken invariants (numbered as in docs/scenarios.md) and how to reproduce."""
    problems = getattr(error, "problems", None)
    flaky_cause = _first_with_problems(error) if not problems else None
    if flaky_cause is not None:  # it failed once and then not again: say what broke
        problems = getattr(flaky_cause, "problems", None)
        text = (f"{type(error).__name__}: it did not fail again on replay; the first run "
                "broke: " + "; ".join(str(problem) for problem in problems or ()))
    elif problems:
        mode = " (streams only: status and balance polling off)" if streams_only else ""
        text = (f"invariants broken{mode} after step {len(steps)}: "
                + "; ".join(str(problem) for problem in problems))
    else:  # hypothesis' own errors (e.g. a failure that did not reproduce: Flaky)
        text = f"{type(error).__name__}: {error}".strip()
    return f"{text[:FAILURE_LIMIT]}\nreproduce: {plan.reproduce_hint()}"


def _first_with_problems(error: BaseException) -> BaseException | None:
    """The first exception inside an exception group (hypothesis' Flaky) that names broken
    invariants, or None."""
    for inner in getattr(error, "exceptions", ()):
        if getattr(inner, "problems", None):
            return inner  # type: ignore[no-any-return]
        found = _first_with_problems(inner)
        if found is not None:
            return found
    return None


def _export(manifest: Manifest, plan: RunPlan, steps: list[Step],
            connector_class: Callable[..., SpotConnector] | None,
            root: Path | None) -> str:
    from harness.scenarios.regression import export_regression

    try:
        path = export_regression(manifest, plan, steps, connector_class=connector_class,
                                 root=root)
    except Exception as exc:  # the failure itself is what matters; say why there is no file
        log.warning("could not export a regression cassette: %s", exc)
        return ""
    return str(path)


class _quiet_logs:
    """Connector logs are noise at this volume (faults make them warn all the time)."""

    def __enter__(self) -> None:
        self._disabled = logging.root.manager.disable
        logging.disable(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        logging.disable(self._disabled)
