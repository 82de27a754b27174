"""Proof that the PERP checks bite: each broken Bybit perpetual connector fails its check.

Every mutant (tests/mutants/perp_connectors/<name>/, code in broken_perpetual.py) is
BybitPerpetualConnector with one bug. One pytest subprocess runs each mutant's PERP check and
a control check it must still pass; the results are read from the raw JSON.

Run one mutant by hand:
    HARNESS_CONNECTOR_PATH=tests/mutants/perp_connectors pytest suites/perp \\
        --connector base_collateral
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.checks import CATALOGUE
from harness.manifest import load_manifest
from harness.registry import EXTRA_ROOTS_ENV
from harness.results import CheckResult, Outcome, read_raw

ROOT = Path(__file__).resolve().parents[2]
MUTANTS_DIR = Path(__file__).resolve().parent / "perp_connectors"

MUTANTS: dict[str, tuple[str, ...]] = {
    "unsigned_short_positions": ("PERP-POS-1",),
    "ignores_position_stream": ("PERP-POS-2",),
    "hedge_sides_merged": ("PERP-POS-3",),
    "leverage_never_sent": ("PERP-LEV-1",),
    "leverage_refusal_ignored": ("PERP-LEV-2",),
    "no_local_leverage_check": ("PERP-LEV-3",),
    "mode_never_sent": ("PERP-MODE-1",),
    "mode_refusal_ignored": ("PERP-MODE-2",),
    "funding_rate_in_percent": ("PERP-FUND-1",),
    "ignores_ticker_stream": ("PERP-FUND-2",),
    "reports_funding_history": ("PERP-FUND-3",),
    "close_not_reduce_only": ("PERP-ORD-1",),
    "base_collateral": ("PERP-COL-1",),
    "positions_never_closed": ("PERP-POS-4",),
    "emits_unchanged_positions": ("PERP-POS-5",),
    "leverage_events_missing": ("PERP-LEV-4",),
    "mode_events_missing": ("PERP-MODE-3",),
    "payments_for_every_pair": ("PERP-FUND-4",),
    "ready_without_funding": ("PERP-NET-1",),
    "open_as_reduce_only": ("PERP-ORD-2",),
    "hedge_index_ignored": ("PERP-ORD-3",),
    "leverage_for_all_pairs": ("PERP-LEV-5",),
    "unsigned_set_leverage": ("PERP-SEC-1",),
    "default_close": ("PERP-ORD-4",),
    "ready_without_positions": ("PERP-NET-2",),
    "fills_without_position_terms": ("PERP-FIL-1",),
    "capped_close_never_completes": ("PERP-ORD-5",),
    "liquidations_ignored": ("PERP-LIQ-1",),
}
CONTROL = "PERP-COL-1"
CONTROL_FOR = {"base_collateral": "PERP-POS-1"}


def _load_suite() -> None:
    for path in sorted((ROOT / "suites" / "perp").glob("test_*.py")):
        importlib.import_module(f"suites.perp.{path.stem}")


def _node_id(check_id: str, connector: str) -> str:
    module, _, function = CATALOGUE[check_id].function.rpartition(".")
    return f"{module.replace('.', '/')}.py::{function}[{connector}]"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], CheckResult]:
    _load_suite()
    raw = tmp_path_factory.mktemp("perp-mutants") / "raw.json"
    nodes = [_node_id(check_id, mutant) for mutant, checks in sorted(MUTANTS.items())
             for check_id in (*checks, CONTROL_FOR.get(mutant, CONTROL))]
    command = [sys.executable, "-m", "pytest", *nodes, "-q", "-p", "no:cacheprovider",
               "-p", "no:randomly", "--harness-raw", str(raw),
               *[arg for name in sorted(MUTANTS) for arg in ("--connector", name)]]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, EXTRA_ROOTS_ENV: str(MUTANTS_DIR)},
                          capture_output=True, text=True, timeout=600, check=False)
    if not raw.exists():
        pytest.fail(f"the mutant run wrote no results (exit {done.returncode}):\n"
                    f"{done.stdout[-4000:]}")
    return {(r.connector, r.check_id): r for run in read_raw(raw) for r in run.results}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_perp_mutant_is_caught(results: dict[tuple[str, str], CheckResult], mutant: str) -> None:
    for check_id in MUTANTS[mutant]:
        result = results.get((mutant, check_id))
        assert result is not None, f"{check_id} did not run on {mutant}"
        assert result.outcome is Outcome.FAIL, (
            f"{check_id} should fail on the mutant {mutant}, it was {result.outcome.value}: "
            f"{result.message[:500]}")
    control = CONTROL_FOR.get(mutant, CONTROL)
    result = results.get((mutant, control))
    assert result is not None and result.outcome is Outcome.PASS, (
        f"the control check {control} should pass on {mutant} (one bug only): "
        f"{result.message[:500] if result else 'did not run'}")


def test_every_perp_check_has_a_mutant_and_a_row_in_the_standard() -> None:
    _load_suite()
    perp = {check_id for check_id, spec in CATALOGUE.items()
            if spec.function.startswith("suites.perp.")}
    caught = {check_id for checks in MUTANTS.values() for check_id in checks}
    assert perp == caught, f"without a mutant: {sorted(perp - caught)}; " \
                           f"unknown: {sorted(caught - perp)}"
    doc = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    missing = [f"{check_id}: {CATALOGUE[check_id].title}" for check_id in sorted(perp)
               if f"| {check_id} | {CATALOGUE[check_id].title} |" not in doc]
    assert missing == [], "docs/standard.md lacks these PERP checks:\n" + "\n".join(missing)


def test_perp_mutant_manifests_mirror_bybit_perpetual() -> None:
    reference = load_manifest(ROOT / "connectors" / "bybit_perpetual" / "connector.toml")
    folders = sorted(p.parent.name for p in MUTANTS_DIR.glob("*/connector.toml"))
    assert folders == sorted(MUTANTS), "tests/mutants/perp_connectors/ and MUTANTS disagree"
    for name in folders:
        mutant = load_manifest(MUTANTS_DIR / name / "connector.toml")
        for field in ("standard", "pairs", "order_types", "capabilities", "urls"):
            assert getattr(mutant, field) == getattr(reference, field), f"{name}: {field}"
