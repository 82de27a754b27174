"""A failure the machine finds is saved as a regular cassette that replays it: the bug shows
again on the broken connector, and not on the reference one."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from scenario_mutants import MUTANTS

from harness.cassette.format import Source
from harness.cassette.loader import load_cassette
from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.registry import load_registry
from harness.scenarios.runner import run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.scenarios.steps import Step
from harness.subject import SubjectPlan


def replay(manifest: Manifest, cassette: Path) -> list[str]:
    plan = SubjectPlan(manifest, None, CheckOptions(strict=False))
    scenarios = plan.scenarios()

    async def run() -> list[str]:
        config = scenarios.recorded_config(cassette)
        async with plan.replay(f"regressions/{cassette.stem}", **config) as subject:
            await subject.start()
            problems: list[str] = await scenarios.replay(subject)
            return problems

    return asyncio.run(asyncio.wait_for(run(), 30))


def test_a_saved_regression_replays_the_bug_and_passes_once_fixed(tmp_path: Path) -> None:
    reference = load_registry().get("binance")
    manifest = replace(reference, cassette_options={**reference.cassette_options,
                                                    "root": str(tmp_path)})
    run = run_scenarios(manifest, plan_from_env({}, profile="ci", max_examples=500),
                        connector_class=MUTANTS["double_counts_stream_fills"], quiet=True,
                        regressions_root=tmp_path / "regressions")
    assert not run.result.passed
    cassette = Path(run.result.regression_cassette)
    assert cassette.parent == tmp_path / "regressions"
    assert [p.name for p in manifest_scenarios(manifest)] == [cassette.name]

    loaded = load_cassette(cassette)
    assert loaded.meta.source is Source.GENERATED
    assert loaded.meta.scenario == f"regressions/{cassette.stem}"
    steps = [Step.from_json(item) for item in loaded.meta.inputs["steps"]]
    assert [step.kind for step in steps] == [step.kind for step in run.steps]
    assert loaded.interactions and loaded.ws

    broken = replace(manifest, connector="scenario_mutants:DoubleCountsStreamFills")
    assert any(problem.startswith("3: o1") for problem in replay(broken, cassette))
    assert replay(manifest, cassette) == []


def manifest_scenarios(manifest: Manifest) -> list[Path]:
    return SubjectPlan(manifest, None, CheckOptions()).scenarios().regressions()
