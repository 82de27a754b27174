"""Checks are selectable by their stable ids, as README and reports tell users to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def collected(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "suites", "--connector", "binance",
                           "--co", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_k_with_an_area_prefix_selects_that_areas_checks() -> None:
    nodes = collected("-k", "SPOT-BAL")
    assert len(nodes) == 3 and all("test_balances.py" in node for node in nodes)


def test_k_with_a_check_id_selects_that_check() -> None:
    nodes = collected("-k", "SPOT-CXL-2")
    assert len(nodes) == 1 and "test_cancel.py" in nodes[0]
