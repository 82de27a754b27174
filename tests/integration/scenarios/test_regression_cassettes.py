"""A failure the machine finds is saved as a regular cassette that replays it: the bug shows
again on the broken connector, and not on the reference one. That holds for bugs seen in the
events (3: a fill counted twice) and for bugs seen only against the exchange's state (4: an
order ended differently from the exchange), which the cassette records in
meta.expect.exchange_orders."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from scenario_mutants import MUTANTS

from harness.cassette.format import Source
from harness.cassette.loader import load_cassette
from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.registry import load_registry
from harness.scenarios.runner import ScenarioRun, run_scenarios
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


def export(mutant: str, tmp_path: Path) -> tuple[Manifest, Path, ScenarioRun]:
    """Run the machine (as CI does) on `mutant`; return the manifest whose cassettes live
    in tmp_path, and the regression cassette its failure was saved as."""
    reference = load_registry().get("binance")
    manifest = replace(reference, cassette_options={**reference.cassette_options,
                                                    "root": str(tmp_path)})
    run = run_scenarios(manifest, plan_from_env({}, profile="ci"),
                        connector_class=MUTANTS[mutant], quiet=True,
                        regressions_root=tmp_path / "regressions")
    assert not run.result.passed, f"{mutant}: the machine found nothing"
    return manifest, Path(run.result.regression_cassette), run


def test_a_saved_regression_replays_the_bug_and_passes_once_fixed(tmp_path: Path) -> None:
    manifest, cassette, run = export("double_counts_stream_fills", tmp_path)
    assert cassette.parent == tmp_path / "regressions"
    assert [p.name for p in manifest_scenarios(manifest)] == [cassette.name]

    loaded = load_cassette(cassette)
    assert loaded.meta.source is Source.GENERATED
    assert loaded.meta.scenario == f"regressions/{cassette.stem}"
    steps = [Step.from_json(item) for item in loaded.meta.inputs["steps"]]
    assert [step.kind for step in steps] == [step.kind for step in run.steps]
    assert loaded.interactions and loaded.ws

    assert "o1" in loaded.meta.expect["exchange_orders"]

    broken = replace(manifest, connector="scenario_mutants:DoubleCountsStreamFills")
    # counted twice: the executed amount (3) or fees charged twice after completion (6)
    assert any(problem.split(":")[0] in ("3", "6") for problem in replay(broken, cassette))
    assert replay(manifest, cassette) == []


@pytest.mark.parametrize(("mutant", "broken_class"), [
    ("fails_timed_out_placements", "FailsTimedOutPlacements"),
    ("ignores_partial_fills", "IgnoresPartialFills"),
])
def test_a_bug_seen_only_against_the_exchange_replays_too(tmp_path: Path, mutant: str,
                                                          broken_class: str) -> None:
    manifest, cassette, _ = export(mutant, tmp_path)
    broken = replace(manifest, connector=f"scenario_mutants:{broken_class}")
    problems = replay(broken, cassette)
    assert any(problem.startswith("4: o") and "the exchange has it" in problem
               for problem in problems), problems
    assert replay(manifest, cassette) == []


def test_a_malformed_recorded_outcome_is_one_clear_error(tmp_path: Path) -> None:
    manifest, cassette, _ = export("double_counts_stream_fills", tmp_path)
    text = cassette.read_text()
    assert "exchange_orders:" in text
    data = yaml.safe_load(text)
    data["meta"]["expect"]["exchange_orders"]["o1"] = {"status": "SOMEWHERE"}
    cassette.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ValueError, match=r"meta.expect.exchange_orders.o1 must be null or"):
        replay(manifest, cassette)
    data["meta"]["expect"]["exchange_orders"] = ["o1"]
    cassette.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ValueError, match=r"exchange_orders must map order references"):
        replay(manifest, cassette)


def manifest_scenarios(manifest: Manifest) -> list[Path]:
    return SubjectPlan(manifest, None, CheckOptions()).scenarios().regressions()
