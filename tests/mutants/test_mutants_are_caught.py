"""Proof that the spot checks bite: each broken Binance connector fails its check(s).

Every mutant (tests/mutants/connectors/<name>/, code in broken_*.py) is the reference
Binance connector with one bug. Pytest subprocesses run, for every mutant, the checks that
must catch its bug plus one control check that must still pass (so the mutant is broken in
that one way only); the results are read from their raw JSON.

Run one mutant by hand:
    HARNESS_CONNECTOR_PATH=tests/mutants/connectors pytest suites --connector no_throttle
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from harness.checks import CATALOGUE, CheckSpec
from harness.manifest import load_manifest
from harness.registry import EXTRA_ROOTS_ENV
from harness.results import CheckResult, Outcome, read_raw

ROOT = Path(__file__).resolve().parents[2]
MUTANTS_DIR = Path(__file__).resolve().parent / "connectors"

# mutant -> the checks that must fail on it.
MUTANTS: dict[str, tuple[str, ...]] = {
    # symbols, rules, network, order books (broken_markets.py)
    "lowercase_symbols": ("SPOT-SYM-1",),
    "lists_inactive_symbols": ("SPOT-SYM-2",),
    "symbol_fetch_raises": ("SPOT-SYM-3",),
    "wrong_last_prices": ("SPOT-SYM-4",),
    "rules_without_increments": ("SPOT-RUL-1", "SPOT-RUL-3", "SPOT-RUL-6"),
    "malformed_rule_aborts": ("SPOT-RUL-2",),
    "quantize_rounds_up": ("SPOT-RUL-3",),
    "ignores_price_bounds": ("SPOT-RUL-1", "SPOT-RUL-7"),
    "ping_wrong_endpoint": ("SPOT-NET-1",),
    "network_always_connected": ("SPOT-NET-2", "SPOT-NET-3"),
    "swallows_cancellation": ("SPOT-NET-4",),
    "wait_ready_returns_early": ("SPOT-NET-5",),
    "ready_before_user_stream": ("SPOT-NET-6",),
    "stop_keeps_streams": ("SPOT-NET-7",),
    "swapped_book_sides": ("SPOT-OB-1", "SPOT-OB-2"),
    "applies_stale_diffs": ("SPOT-OB-3", "SPOT-OB-4"),
    "no_resync_on_gap": ("SPOT-OB-5",),
    "no_book_reload_on_reconnect": ("SPOT-OB-6",),
    "drops_public_trades": ("SPOT-OB-7",),
    "subscribes_first_pair_only": ("SPOT-OB-8",),
    # orders, cancels, fills (broken_orders.py)
    "no_local_rule_check": ("SPOT-RUL-4", "SPOT-RUL-5", "SPOT-RUL-7"),
    "exchange_id_from_client_id": ("SPOT-ORD-1",),
    "sells_as_buys": ("SPOT-ORD-2",),
    "limit_maker_sent_as_limit": ("SPOT-ORD-3",),
    "market_as_limit": ("SPOT-ORD-4", "SPOT-ORD-5"),
    "placement_fills_as_buys": ("SPOT-ORD-5",),
    "reuses_client_ids": ("SPOT-ORD-6",),
    "tracks_rejected_orders": ("SPOT-ORD-7", "SPOT-ORD-8"),
    "retries_unknown_placement": ("SPOT-ORD-9",),
    "unknown_outcome_fails": ("SPOT-ORD-9", "SPOT-ORD-10"),
    "gives_up_after_one_not_found": ("SPOT-ORD-11", "SPOT-CXL-3"),
    "two_terminal_events": ("SPOT-CXL-1", "SPOT-FIL-9"),
    "cancel_event_on_failed_cancel": ("SPOT-CXL-2", "SPOT-CXL-3"),
    "cancel_all_reports_success": ("SPOT-CXL-4",),
    "cancels_foreign_orders": ("SPOT-CXL-5",),
    "polling_skips_fills": ("SPOT-FIL-1",),
    "polling_fill_side_inverted": ("SPOT-FIL-1", "SPOT-FIL-2"),
    "polling_fill_time_in_milliseconds": ("SPOT-FIL-1", "SPOT-FIL-2"),
    "cancelled_reported_as_filled": ("SPOT-FIL-2", "SPOT-FIL-4"),
    "ignores_partial_fills": ("SPOT-FIL-3",),
    "double_counts_fills": ("SPOT-FIL-5",),
    "fee_in_quote_asset": ("SPOT-FIL-6",),
    "stream_fill_time_in_milliseconds": ("SPOT-FIL-3",),
    "drops_fill_before_ack": ("SPOT-FIL-7",),
    "fails_lost_orders": ("SPOT-FIL-8",),
    "event_after_terminal": ("SPOT-FIL-9",),
    # balances, resilience, security (broken_account.py)
    "wrong_balance_total": ("SPOT-BAL-1",),
    "balances_never_removed": ("SPOT-BAL-2",),
    "ignores_stream_balances": ("SPOT-BAL-3",),
    "ignores_retry_after": ("SPOT-RES-1",),
    "forgets_ban": ("SPOT-RES-1",),
    "no_throttle": ("SPOT-RES-2",),
    "throttles_after_sending": ("SPOT-RES-2",),
    "no_time_resync": ("SPOT-RES-3",),
    "swallows_second_time_refusal": ("SPOT-RES-3",),
    "stream_stuck_after_garbage": ("SPOT-RES-4",),
    "drops_unreadable_frames_silently": ("SPOT-RES-4",),
    "user_stream_no_resubscribe": ("SPOT-RES-5",),
    "logs_secret": ("SPOT-SEC-1",),
    "unsigned_private_calls": ("SPOT-SEC-2",),
    "signs_public_calls": ("SPOT-SEC-2",),
    "wrong_signature": ("SPOT-SEC-2",),
    # time (broken_clock.py)
    "signs_with_local_time": ("SPOT-RES-6",),
    "timestamps_in_seconds": ("SPOT-RES-6",),
    "subtracts_server_offset": ("SPOT-RES-6",),
    # costs (broken_costs.py) and hidden outcomes (broken_outcomes.py)
    "retries_rejected_placement": ("SPOT-ORD-7", "SPOT-ORD-8"),
    "under_declares_account_weight": ("SPOT-RES-2",),
    "server_error_means_not_placed": ("SPOT-ORD-9",),
    # events the older cassettes never produced (broken_events.py)
    "skips_zero_stream_balances": ("SPOT-BAL-4",),
    "ignores_expired_orders": ("SPOT-FIL-4",),
    "drops_diffs_before_snapshot": ("SPOT-OB-9",),
    "stops_on_server_close": ("SPOT-RES-7",),
    "cancel_requested_means_cancelled": ("SPOT-CXL-6",),
    "counts_repeated_reports": ("SPOT-FIL-10",),
    "trusts_min_notional_to_exchange": ("SPOT-RUL-5",),
}

# A check each mutant must still pass: its bug is the only thing wrong with it.
CONTROL = "SPOT-SYM-1"
CONTROL_FOR = {"lowercase_symbols": "SPOT-BAL-1", "lists_inactive_symbols": "SPOT-BAL-1"}


def _load_suite() -> None:
    for path in sorted((ROOT / "suites" / "spot").glob("test_*.py")):
        importlib.import_module(f"suites.spot.{path.stem}")


def _node_id(check_id: str, connector: str) -> str:
    module, _, function = CATALOGUE[check_id].function.rpartition(".")
    return f"{module.replace('.', '/')}.py::{function}[{connector}]"


def _plan(mutants: list[str]) -> list[str]:
    """Node ids of each mutant's checks and of its control check."""
    return [_node_id(check_id, mutant) for mutant in mutants
            for check_id in (*MUTANTS[mutant], CONTROL_FOR.get(mutant, CONTROL))]


# Most of a mutant run is waiting for events a broken connector never emits (each check waits
# up to suites.spot._support.WAIT for them): processes wait side by side.
PROCESSES = 3
SLOW = {"no_book_reload_on_reconnect", "user_stream_no_resubscribe", "ignores_stream_balances",
        "no_resync_on_gap", "stream_stuck_after_garbage", "stop_keeps_streams",
        "unsigned_private_calls"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], CheckResult]:
    """Run every mutant's checks in pytest subprocesses; results by (mutant, check id)."""
    _load_suite()
    folder = tmp_path_factory.mktemp("mutants")
    env = {**os.environ, EXTRA_ROOTS_ENV: str(MUTANTS_DIR)}
    names = sorted(SLOW) + sorted(set(MUTANTS) - SLOW)  # so each process gets its share
    runs = []
    for index in range(PROCESSES):
        group = names[index::PROCESSES]
        raw = folder / f"raw-{index}.json"
        command = [sys.executable, "-m", "pytest", *_plan(group), "-q", "-p", "no:cacheprovider",
                   "-p", "no:randomly", "--harness-raw", str(raw),
                   *[arg for name in group for arg in ("--connector", name)]]
        runs.append((raw, subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
    found: dict[tuple[str, str], CheckResult] = {}
    for raw, process in runs:
        output, _ = process.communicate(timeout=600)
        if not raw.exists():
            pytest.fail(f"a mutant run wrote no results (exit {process.returncode}):\n"
                        f"{output[-4000:]}")
        found.update({(r.connector, r.check_id): r for run in read_raw(raw) for r in run.results})
    return found


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_mutant_is_caught(results: dict[tuple[str, str], CheckResult], mutant: str) -> None:
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


def test_every_spot_check_has_a_mutant() -> None:
    _load_suite()
    spot = {check_id for check_id, spec in CATALOGUE.items() if _is_spot_suite_check(spec)}
    caught = {check_id for checks in MUTANTS.values() for check_id in checks}
    assert spot - caught == set(), f"checks that no mutant fails: {sorted(spot - caught)}"
    assert caught - spot == set(), f"mutants expect unknown checks: {sorted(caught - spot)}"


def test_mutant_manifests_mirror_binance() -> None:
    """Each mutant declares what binance declares, so the same checks run on it."""
    binance = load_manifest(ROOT / "connectors" / "binance" / "connector.toml")
    folders = sorted(p.parent.name for p in MUTANTS_DIR.glob("*/connector.toml"))
    assert folders == sorted(MUTANTS), "tests/mutants/connectors/ and MUTANTS disagree"
    for name in folders:
        path = MUTANTS_DIR / name / "connector.toml"
        mutant = load_manifest(path)
        assert mutant.name == name
        for field in ("standard", "pairs", "order_types", "capabilities", "urls"):
            assert getattr(mutant, field) == getattr(binance, field), f"{path}: {field} differs"
        cassettes = tomllib.loads(path.read_text())["cassettes"]
        assert (mutant.folder / cassettes["root"]).resolve() == ROOT / "cassettes" / "binance"
        for key in ("volatile", "verifier"):
            assert cassettes[key] == binance.cassette_options[key], f"{path}: cassettes.{key}"


def _is_spot_suite_check(spec: CheckSpec) -> bool:
    """A check of the spot suite (the harness' own tests declare toy checks too)."""
    return spec.standard.value == "spot" and spec.function.startswith("suites.spot.")


def test_standard_doc_lists_every_check() -> None:
    """docs/standard.md's table has a row per check, with the check's own statement."""
    _load_suite()
    doc = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    missing = [f"{check_id}: {spec.title}" for check_id, spec in sorted(CATALOGUE.items())
               if _is_spot_suite_check(spec) and f"| {check_id} | {spec.title} |" not in doc]
    assert missing == [], "docs/standard.md lacks (or words differently) these checks:\n" + \
        "\n".join(missing)
