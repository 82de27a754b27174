"""Under pytest-xdist, one connector's checks stay on one worker and the raw results of all
workers end up in the one file the caller asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.results import read_raw

ROOT = Path(__file__).resolve().parents[2]


def test_raw_results_of_all_workers_are_merged_into_one_file(tmp_path: Path) -> None:
    raw = tmp_path / "raw.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "suites/spot/test_symbols.py",
         "suites/spot/test_balances.py", "--connector", "binance", "-n", "2",
         "--dist", "loadgroup", "-q", "-p", "no:cacheprovider", "--harness-raw", str(raw)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    runs = read_raw(raw)
    assert [run.connector for run in runs] == ["binance"]
    ids = sorted(result.check_id for result in runs[0].results)
    assert ids == sorted({*(f"SPOT-SYM-{n}" for n in range(1, 5)),
                          *(f"SPOT-BAL-{n}" for n in range(1, 5))})
    assert list(tmp_path.glob("raw-gw*.json")) == [], "worker files were left behind"
