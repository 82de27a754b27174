"""Checks are selectable by their stable ids, as README and reports tell users to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def registered() -> str:
    """The registered connectors as the error lines list them (others get added over time)."""
    from harness.registry import load_registry

    return ", ".join(sorted(load_registry().connectors))


def collected(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "suites", "--connector", "binance",
                           "--co", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_k_with_an_area_prefix_selects_that_areas_checks() -> None:
    nodes = collected("-k", "SPOT-BAL")
    assert len(nodes) == 4 and all("test_balances.py" in node for node in nodes)


def test_k_with_a_check_id_selects_that_check() -> None:
    nodes = collected("-k", "SPOT-CXL-2")
    assert len(nodes) == 1 and "test_cancel.py" in nodes[0]


def test_an_unknown_connector_is_one_clear_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "suites", "--connector", "nope",
                           "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 4  # pytest's usage error
    assert f"--connector: unknown connector 'nope'; registered: {registered()}" in done.stderr


def test_harness_run_with_an_unknown_connector_says_so_in_one_line(tmp_path: Path,
                                                                   capsys: object) -> None:
    from harness.cli import main

    assert main(["run", "--connector", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert err.strip() == (f"harness: unknown connector 'nope'; registered: {registered()} "
                           "(see `harness list`)")
