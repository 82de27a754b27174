"""The lifecycle machine over the reference Binance connector and its double: it holds every
invariant, a seed reproduces its examples, and through pytest its result reaches the raw
results (with a regression cassette that PROP-REG-1 then replays)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import seed as hypothesis_seed
from hypothesis.stateful import run_state_machine_as_test

from harness.registry import EXTRA_ROOTS_ENV, load_registry
from harness.results import read_raw
from harness.scenarios.machine import machine_for
from harness.scenarios.runner import run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.scenarios.steps import describe_steps
from harness.scenarios.world import World

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def test_the_reference_connector_keeps_every_invariant() -> None:
    plan = plan_from_env({}, profile="ci", max_examples=25)
    run = run_scenarios(load_registry().get("binance"), plan, export=False, quiet=True)
    assert run.result.passed, run.result.failure
    assert run.result.examples >= 25 and run.result.seed == str(plan.seed)
    assert run.result.minimal_steps == () and run.result.regression_cassette == ""
    assert run.timings["steps"] > 0 and run.timings["start"] > 0


def examples_drawn(seed: int) -> list[tuple[str, ...]]:
    """The steps (in words) of each example a seeded run draws."""
    drawn: list[tuple[str, ...]] = []
    plan = plan_from_env({}, profile="ci", max_examples=4, seed=seed)

    class Recording(World):
        def end_example(self) -> None:
            if self.connector is not None:
                drawn.append(tuple(s.split(" (")[0] for s in describe_steps(self.steps)))
            super().end_example()

    with Recording(load_registry().get("binance"), plan) as world:
        machine = hypothesis_seed(plan.seed)(machine_for(world))
        run_state_machine_as_test(machine, settings=plan.hypothesis_settings())
    return drawn


def test_a_seed_draws_the_same_examples_again() -> None:
    first = examples_drawn(99)
    assert len(first) >= 4 and any(first)
    assert examples_drawn(99) == first
    assert examples_drawn(100) != first


MUTANT_MANIFEST = """\
name = "binance_cancels_twice"
standard = "spot"
connector = "scenario_mutants:CancelsTwice"
double = "connectors.binance.double:BinanceDouble"
pairs = ["BTC-USDT", "ETH-USDT"]
order_types = ["LIMIT", "LIMIT_MAKER", "MARKET"]
capabilities = ["order_book_diffs", "public_trades", "user_stream", "status_polling",
                "cancel_all", "time_sync", "rate_limits"]

[urls.production]
rest = "https://api.binance.com"
ws_public = "wss://stream.binance.com:9443"
ws_private = "wss://ws-api.binance.com:443"

[cassettes]
volatile = ["timestamp", "signature", "recvWindow"]
verifier = "connectors.binance.auth:verify_signed_request"
"""


def run_property_suite(tmp_path: Path, connector: str) -> list:  # type: ignore[type-arg]
    raw = tmp_path / "raw.json"
    env = {**os.environ, "CI": "1", "HARNESS_HYPOTHESIS_EXAMPLES": "40",
           EXTRA_ROOTS_ENV: str(tmp_path / "connectors"),
           "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    env.pop("HARNESS_HYPOTHESIS_PROFILE", None)
    env.pop("HARNESS_HYPOTHESIS_SEED", None)
    subprocess.run([sys.executable, "-m", "pytest", "suites/properties", "-q",
                    "-p", "no:cacheprovider", "--connector", connector,
                    "--harness-raw", str(raw)], cwd=ROOT, env=env, capture_output=True,
                   text=True, timeout=300, check=False)
    return read_raw(raw)


def test_through_pytest_a_failure_reaches_the_reports_and_becomes_a_regression(
        tmp_path: Path) -> None:
    folder = tmp_path / "connectors" / "binance_cancels_twice"
    folder.mkdir(parents=True)
    (folder / "connector.toml").write_text(textwrap.dedent(MUTANT_MANIFEST))
    [run] = run_property_suite(tmp_path, "binance_cancels_twice")
    scenarios = run.scenarios
    assert scenarios is not None and not scenarios.passed
    assert scenarios.seed == "20260101" and scenarios.examples >= 1
    assert scenarios.failure.startswith("invariants broken after step")
    assert 1 <= len(scenarios.minimal_steps) <= 6
    cassette = Path(scenarios.regression_cassette)
    assert cassette.parent == tmp_path / "cassettes" / "binance_cancels_twice" / "regressions"
    assert cassette.is_file()
    outcomes = {r.check_id: (r.outcome.value, r.message) for r in run.results}
    assert outcomes["PROP-LIFE-1"][0] == "fail"
    # The saved cassette replays the bug in the example-based suite.
    assert outcomes["PROP-REG-1"][0] == "fail", outcomes["PROP-REG-1"]
    assert "1: o1" in outcomes["PROP-REG-1"][1]
