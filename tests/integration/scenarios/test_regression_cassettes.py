"""A failure the machine finds is saved as a regular cassette: generated, named after the
run, with the steps, the traffic and the exchange's record of each order
(meta.expect.exchange_orders); a malformed record is one clear error. That the cassette
replays the bug on the broken connector and passes on the fixed one is proven with the
shrunk failures of test_machine_bites.py (shrinking is the costly part; it runs once)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from regression_replay import export, replay

from harness.cassette.format import Source
from harness.cassette.loader import load_cassette
from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.scenarios.steps import Step
from harness.subject import SubjectPlan


def test_a_failure_is_saved_as_a_regular_cassette(tmp_path: Path) -> None:
    manifest, run = export("double_counts_stream_fills", tmp_path, shrink=False)
    cassette = Path(run.result.regression_cassette)
    assert cassette.parent == tmp_path / "regressions"
    assert [p.name for p in manifest_scenarios(manifest)] == [cassette.name]

    loaded = load_cassette(cassette)
    assert loaded.meta.source is Source.GENERATED
    assert loaded.meta.scenario == f"regressions/{cassette.stem}"
    steps = [Step.from_json(item) for item in loaded.meta.inputs["steps"]]
    assert [step.kind for step in steps] == [step.kind for step in run.steps]
    assert loaded.interactions and loaded.ws
    assert "o1" in loaded.meta.expect["exchange_orders"]


def test_a_malformed_recorded_outcome_is_one_clear_error(tmp_path: Path) -> None:
    manifest, run = export("double_counts_stream_fills", tmp_path, shrink=False)
    cassette = Path(run.result.regression_cassette)
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
