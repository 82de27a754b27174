"""Running the machine on a broken connector so that its failure is saved as a regression
cassette, and replaying that cassette (test_machine_bites.py, test_regression_cassettes.py)."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from scenario_mutants import MUTANTS

from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.registry import load_registry
from harness.scenarios.runner import ScenarioRun, run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.subject import SubjectPlan


def replay(manifest: Manifest, cassette: Path) -> list[str]:
    """The invariants `manifest`'s connector breaks when the regression cassette is
    replayed to it (an empty list: it passes)."""
    plan = SubjectPlan(manifest, None, CheckOptions(strict=False))
    scenarios = plan.scenarios()

    async def run() -> list[str]:
        config = scenarios.recorded_config(cassette)
        async with plan.replay(f"regressions/{cassette.stem}", **config) as subject:
            await subject.start()
            problems: list[str] = await scenarios.replay(subject)
            return problems

    return asyncio.run(asyncio.wait_for(run(), 30))


def export(mutant: str, tmp_path: Path, *, shrink: bool = True) -> tuple[Manifest, ScenarioRun]:
    """Run the machine (as CI does) on `mutant` with Binance's double; return the manifest
    whose cassettes live in tmp_path, and the run (its failure saved as a regression cassette
    there). Without `shrink` the cassette holds the first failing example whole, found in
    seconds where shrinking can take minutes; but only a shrunk cassette is sure to hold
    every request the fixed connector sends (a long example diverges: it cancels orders the
    broken one forgot)."""
    manifest = manifest_in(tmp_path)
    run = run_scenarios(manifest, replace(plan_from_env({}, profile="ci"), shrink=shrink),
                        connector_class=MUTANTS[mutant], quiet=True,
                        regressions_root=tmp_path / "regressions")
    assert not run.result.passed, f"{mutant}: the machine found nothing"
    return manifest, run


def manifest_in(tmp_path: Path) -> Manifest:
    """Binance's manifest, its cassettes (and so its regressions) under tmp_path."""
    reference = load_registry().get("binance")
    return replace(reference, cassette_options={**reference.cassette_options,
                                                "root": str(tmp_path)})


@dataclass(frozen=True)
class Shrunk:
    """What a shrunk run of the machine over a mutant showed (made in a fresh process)."""

    scenario_failure: bool  # the invariants said so (not hypothesis, not the start)
    failure: str
    problems: list[str]
    steps: list[str]  # the minimal steps as the report prints them
    described: list[str]  # the same steps, described again from the run's Step objects
    seed: str
    plan_seed: int
    cassette: str


def _shrunk(mutant: str, tmp_path: Path) -> Shrunk:
    from harness.scenarios.machine import ScenarioFailure
    from harness.scenarios.steps import describe_steps

    _, run = export(mutant, tmp_path)
    return Shrunk(isinstance(run.error, ScenarioFailure), run.result.failure,
                  [str(problem) for problem in getattr(run.error, "problems", [])],
                  list(run.result.minimal_steps), list(describe_steps(run.steps)), run.result.seed,
                  run.plan.seed, run.result.regression_cassette)


def shrunk_in_a_fresh_process(mutant: str, tmp_path: Path) -> Shrunk:
    """export(mutant, tmp_path) with shrinking, in a fresh process. Shrinking one of these
    took about 10 s in a fresh process and 1.5 to 4 minutes in a pytest worker that had run
    other tests first (the draws after the first failure depend on timing, and the shrinker
    then chases them), so each shrink gets a process of its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_shrunk, mutant, tmp_path).result()
