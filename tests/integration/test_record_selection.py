"""`harness record CONNECTOR SCENARIO` runs exactly the checks that replay that scenario."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import suites.spot
from harness.cassette.recorder import record_command
from harness.checks import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


def checks_using(scenario: str) -> set[str]:
    for module in pkgutil.iter_modules(suites.spot.__path__):
        importlib.import_module(f"suites.spot.{module.name}")
    return {spec.function.rsplit(".", 1)[-1] for spec in CATALOGUE.values()
            if spec.scenario == scenario}


def collected(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "suites", "--connector", "binance",
                           "--collect-only", "-q", "-p", "no:randomly", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("scenario", ["place_limit_buy", "cancel_by_stream"])
def test_record_selects_exactly_the_checks_of_the_scenario(scenario: str) -> None:
    command = record_command("binance", scenario, "production", "all")
    selection = command[command.index("--scenario"):command.index("--scenario") + 2]
    result = collected(*selection)
    assert result.returncode == 0, result.stdout + result.stderr
    names = {line.split("::")[-1].split("[")[0] for line in result.stdout.splitlines()
             if "::" in line}
    assert names == checks_using(scenario) != set()


def test_a_scenario_no_check_uses_is_a_usage_error_with_a_did_you_mean() -> None:
    result = collected("--scenario", "place_limit_bye")
    assert result.returncode == 4
    assert ("--scenario: no check uses scenario 'place_limit_bye'; did you mean "
            "place_limit_buy?") in result.stderr
