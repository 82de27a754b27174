"""Running the machine on a broken connector so that its failure is saved as a regression
cassette, and replaying that cassette (test_machine_bites.py, test_regression_cassettes.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
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
    reference = load_registry().get("binance")
    manifest = replace(reference, cassette_options={**reference.cassette_options,
                                                    "root": str(tmp_path)})
    run = run_scenarios(manifest, replace(plan_from_env({}, profile="ci"), shrink=shrink),
                        connector_class=MUTANTS[mutant], quiet=True,
                        regressions_root=tmp_path / "regressions")
    assert not run.result.passed, f"{mutant}: the machine found nothing"
    return manifest, run
