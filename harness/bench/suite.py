"""`harness bench suite`: how long the spot conformance suite takes for one connector.

Each run is what a user types, `python -m pytest --pyargs suites.spot --connector NAME`, in a
fresh interpreter (so imports count); the figure is the median wall time over the runs, next
to the number of checks and their outcomes read from the run's raw results.

    harness bench suite -- --connector binance --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.results import read_raw

TARGET_SECONDS = 5.0  # the spot suite for one connector, on a 2-core machine


@dataclass(frozen=True)
class SuiteRun:
    wall: float
    exit_code: int
    outcomes: Counter[str]

    @property
    def checks(self) -> int:
        return sum(self.outcomes.values())


def parse_options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="harness bench suite",
                                     description="Time the spot conformance suite.")
    parser.add_argument("--connector", default="binance", help="connector to check (binance)")
    parser.add_argument("--runs", type=int, default=5, help="number of runs (5)")
    parser.add_argument("--suite", default=None,
                        help="suite packages, comma-separated (default: suites.spot, and "
                             "suites.perp too for a perpetual connector)")
    return parser.parse_args(list(argv))


def default_suites(connector: str) -> str:
    """suites.spot, plus suites.perp for a perpetual connector (spot checks judge both)."""
    from harness.registry import load_registry

    manifest = load_registry().connectors.get(connector)
    perpetual = manifest is not None and manifest.standard.value == "perpetual"
    return "suites.spot,suites.perp" if perpetual else "suites.spot"


def run_suite(connector: str, suite: str, folder: Path, index: int) -> SuiteRun:
    """One run of the suite in a fresh interpreter."""
    raw = folder / f"raw-{index}.json"
    command = [sys.executable, "-m", "pytest", "--pyargs", *suite.split(","),
               "--connector", connector,
               "-q", "-p", "no:cacheprovider", "--harness-raw", str(raw)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    outcomes: Counter[str] = Counter()
    if raw.exists():
        for run in read_raw(raw):
            outcomes.update(result.outcome.value for result in run.results)
    elif done.returncode:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
    return SuiteRun(wall, done.returncode, outcomes)


def format_runs(connector: str, suite: str, runs: Sequence[SuiteRun]) -> str:
    walls = [run.wall for run in runs]
    median = statistics.median(walls)
    last = runs[-1]
    outcomes = ", ".join(f"{count} {name}" for name, count in sorted(last.outcomes.items()))
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    return (f"{suite} for {connector}: {last.checks} checks ({outcomes or 'none ran'})\n"
            f"wall time over {len(runs)} runs: median {median:.2f} s, min {min(walls):.2f} s, "
            f"max {max(walls):.2f} s ({verdict} the {TARGET_SECONDS:g} s target)")


def main(args: argparse.Namespace) -> int:
    """Entry point of `harness bench suite`; 1 if a run failed, else 0."""
    rest = list(getattr(args, "rest", None) or [])
    options = parse_options(rest[1:] if rest[:1] == ["--"] else rest)
    connector = getattr(args, "connector", None) or options.connector
    suite = options.suite or default_suites(connector)
    runs: list[SuiteRun] = []
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        for index in range(max(options.runs, 1)):
            runs.append(run_suite(connector, suite, Path(tmp), index))
    print(format_runs(connector, suite, runs))
    return 0 if all(run.exit_code == 0 for run in runs) else 1
