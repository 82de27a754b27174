"""A lifecycle failure the manifest lists as known is not exported as a regression cassette
on every run (ccxt_binance's PROP-LIFE-1 would add one per seed); an expired one is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from harness.manifest import KnownFailure
from harness.registry import load_registry
from harness.scenarios import api


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The keyword arguments the machine would have been run with (it is not run)."""
    arguments: dict[str, Any] = {}

    def fake_run(manifest: Any, plan: Any, **kwargs: Any) -> Any:
        arguments.update(kwargs)
        return type("Run", (), {"result": None})()

    monkeypatch.setattr(api, "run_scenarios", fake_run)
    monkeypatch.setattr(api, "record", lambda result: None)
    return arguments


@pytest.mark.parametrize(("known", "exported"), [
    ((), True),
    ((KnownFailure("PROP-LIFE-1", "ccxt sends orders below NOTIONAL", "https://x.invalid",
                   dt.date(2999, 1, 1)),), False),
    ((KnownFailure("PROP-LIFE-1", "expired", "https://x.invalid", dt.date(2000, 1, 1)),), True),
])
def test_a_known_lifecycle_failure_is_not_exported(seen: dict[str, Any],
                                                   known: tuple[KnownFailure, ...],
                                                   exported: bool) -> None:
    manifest = dataclasses.replace(load_registry().get("binance"), known_failures=known)
    api.Scenarios(manifest).run(max_examples=1)
    assert seen["export"] is exported


def test_regressions_are_per_connector_within_the_exchanges_folder() -> None:
    from harness.scenarios.regression import regression_scenario, regressions_dir

    registry = load_registry()
    ours, theirs = registry.get("binance"), registry.get("ccxt_binance")
    assert regression_scenario(ours, "s1") == "regressions/s1"
    assert regression_scenario(theirs, "s1") == "regressions/ccxt_binance/s1"
    assert regressions_dir(theirs) == regressions_dir(ours) / "ccxt_binance"
    assert api.Scenarios(theirs).scenario_of(regressions_dir(theirs) / "s1.yaml") == \
        "regressions/ccxt_binance/s1"


def test_a_regressions_folder_receives_the_export(seen: dict[str, Any],
                                                  tmp_path: Any) -> None:
    from harness.options import CheckOptions
    from harness.subject import SubjectPlan

    manifest = load_registry().get("binance")
    plan = SubjectPlan(manifest, None, CheckOptions(regressions_dir=str(tmp_path)))
    plan.scenarios().run(max_examples=1)
    assert seen["regressions_root"] == tmp_path / "binance"
    SubjectPlan(manifest, None, CheckOptions()).scenarios().run(max_examples=1)
    assert seen["regressions_root"] is None  # the connector's cassette folder


def test_the_projects_own_test_run_saves_regressions_outside_its_tree(
        pytestconfig: pytest.Config) -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    folder = Path(pytestconfig.getoption("regressions_dir")).resolve()
    assert root not in folder.parents, folder
