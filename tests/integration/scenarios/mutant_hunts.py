"""Hunting a planted mutant with the lifecycle machine, in fresh processes.

The spot and perpetual machine tests (test_machine_finds_*_mutants.py) ask the same question
of every mutant: does the machine, run as CI runs PROP-LIFE-1 (ci profile, its seed and
budget), find this bug, and which invariant says so? They do not shrink: finding a bug is
cheap (a few examples), shrinking it to its fewest steps is what took minutes, and
test_machine_bites.py already proves that failures shrink. The hunts are independent, so
each goes to a fresh process (no state left by one broken connector reaches the next).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import tomllib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    found: bool
    failure: str
    examples: int


def hunt(reference: str, mutants_dir: Path, streams_only: frozenset[str], name: str) -> Finding:
    """Run the machine (ci profile, no shrinking) over mutant `name` in place of the
    registered connector `reference`, whose double and manifest it borrows: both passes, or
    for a mutant in `streams_only` the streams-only pass alone (polling off)."""
    from harness.registry import load_registry
    from harness.scenarios.runner import run_scenarios
    from harness.scenarios.settings import plan_from_env

    manifest = tomllib.loads((mutants_dir / name / "connector.toml").read_text())
    module, _, attribute = manifest["connector"].partition(":")
    broken = getattr(importlib.import_module(module), attribute)
    plan = replace(plan_from_env({}, profile="ci"), shrink=False)
    if name in streams_only:
        plan = replace(plan, max_examples=0)
    run = run_scenarios(load_registry().get(reference), plan, connector_class=broken,
                        export=False, quiet=True)
    return Finding(not run.result.passed, run.result.failure, run.result.examples)


class Hunts:
    """Each mutant's finding, hunted in fresh processes. Under pytest-xdist each worker hunts
    only the mutants its tests ask for, one at a time (the workers already fill the cores);
    in a plain run every hunt is queued at once on two processes (this machine's cores)."""

    def __init__(self, pool: ProcessPoolExecutor, reference: str, mutants_dir: Path,
                 prefetch: list[str], streams_only: set[str]) -> None:
        self._pool = pool
        self._hunt = partial(hunt, reference, mutants_dir, frozenset(streams_only))
        self._futures: dict[str, Future[Finding]] = {}
        for name in prefetch:
            self.submit(name)

    def submit(self, name: str) -> None:
        if name not in self._futures:
            self._futures[name] = self._pool.submit(self._hunt, name)

    def finding(self, name: str) -> Finding:
        self.submit(name)
        return self._futures[name].result()


@contextmanager
def hunts_for(reference: str, mutants_dir: Path, reachable: list[str], *,
              streams_only: set[str]) -> Iterator[Hunts]:
    under_xdist = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1 if under_xdist else 2, mp_context=context) as pool:
        yield Hunts(pool, reference, mutants_dir, prefetch=[] if under_xdist else reachable,
                    streams_only=streams_only)


def mutants_in(mutants_dir: Path) -> set[str]:
    return {path.parent.name for path in mutants_dir.glob("*/connector.toml")}


def unlisted_or_twice(mutants_dir: Path, *lists: Iterable[str]) -> tuple[set[str], set[str]]:
    """The mutants in `mutants_dir` that no list names, and the names that are no mutant or
    that more than one list gives: both must be empty (each mutant is found or explained)."""
    named = [name for names in lists for name in names]
    mutants = mutants_in(mutants_dir)
    twice = {name for name in named if named.count(name) > 1}
    return mutants - set(named), (set(named) - mutants) | twice
