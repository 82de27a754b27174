"""Ctrl-C on a real `harness run` (a perpetual toy connector: its own three checks run after
the perpetual suite's, and the run is complete, not partial): finished checks are kept, the
others are marked not run (not failed), the interrupted report goes beside the last complete
one, which stays as it was."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAKE = ROOT / "tests" / "fixtures" / "connectors" / "fake_exchange" / "connector.toml"

CHECKS = '''
import time

from harness.checks import check


@check("PROP-SIGTOY-1", "finishes at once", area="runner", standard="perpetual")
async def test_sigtoy_finishes(subject_plan):
    pass


@check("PROP-SIGTOY-2", "takes a long while (the user presses Ctrl-C meanwhile)",
       area="runner", standard="perpetual")
async def test_sigtoy_takes_long(subject_plan):
    time.sleep(60)


@check("PROP-SIGTOY-3", "would come after it", area="runner", standard="perpetual")
async def test_sigtoy_after(subject_plan):
    pass
'''


def _finished(raw: Path, check_id: str) -> bool:
    """The worker's raw results hold `check_id` as a finished check (not only as selected)."""
    try:
        runs = json.loads(raw.read_text())
    except (OSError, ValueError):
        return False
    return any(result.get("check_id") == check_id
               for run in runs for result in run.get("results", []))


def test_ctrl_c_keeps_finished_checks_and_the_last_complete_report(tmp_path: Path) -> None:
    toy = tmp_path / "extra" / "sigtoy"
    (toy / "tests").mkdir(parents=True)
    (toy / "connector.toml").write_text(
        FAKE.read_text().replace('name = "fake_exchange"', 'name = "sigtoy"')
        .replace('standard = "spot"', 'standard = "perpetual"'))
    (toy / "tests" / "test_sigtoy.py").write_text(textwrap.dedent(CHECKS))
    out = tmp_path / "reports"
    (out / "badges").mkdir(parents=True)
    published = {out / "status.json": "the last complete run",
                 out / "badges" / "sigtoy.svg": "<svg>green</svg>",
                 out / "history.jsonl": "{}\n"}
    for path, text in published.items():
        path.write_text(text)
    env = {**os.environ, "HARNESS_CONNECTOR_PATH": str(tmp_path / "extra")}
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "run", "--connector", "sigtoy", "--out", str(out),
         "--check-timeout", "100", "--", "-p", "no:randomly"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        raw = out / "raw" / "sigtoy.json"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _finished(raw, "PROP-SIGTOY-1"):
            time.sleep(0.2)
        assert raw.exists(), "the first check never finished"
        process.send_signal(signal.SIGINT)
        printed, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, printed
    for path, text in published.items():
        assert path.read_text() == text, f"{path} was overwritten"
    status = json.loads((out / "interrupted" / "status.json").read_text())
    assert status["run"]["complete"] is False
    run = status["connectors"]["sigtoy"]
    # The perpetual suite's checks came first (most skip: the toy declares nothing; those
    # that need its cassettes fail, as for any connector without them). The toy's own: the
    # finished one kept, the two unfinished ones neither passed nor failed, only not run.
    outcomes = [(c["check_id"], c["outcome"]) for c in run["checks"]]
    assert [c for c in outcomes if c[0].startswith("PROP-SIGTOY")] == [("PROP-SIGTOY-1", "pass")]
    interrupted = [r for r in run["reasons"] if r.startswith("interrupted:")]
    assert len(interrupted) == 1, run["reasons"]
    assert re.fullmatch(r"interrupted: [2-9]\d* of \d+ checks not run", interrupted[0])
    assert not any("SIGTOY-2" in r or "SIGTOY-3" in r for r in run["reasons"]), run["reasons"]
    assert not (out / "interrupted" / "badges").exists()
    assert not (out / "interrupted" / "history.jsonl").exists()
    assert "interrupted: finished checks kept" in printed
    assert re.search(r"sigtoy  (YELLOW|RED) ", printed), printed
