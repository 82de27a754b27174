"""`harness run` says what it is doing: live on a terminal, plain lines in a CI log."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.progress import Progress

from harness.cli import run_cmd


def test_plain_progress_lines_when_the_output_is_not_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=120)
    clock = iter([100.0, 101.0, 105.0, 112.0, 113.0])
    monkeypatch.setattr(run_cmd.time, "monotonic", lambda: next(clock))
    with Progress(console=console) as progress:
        report = run_cmd._progress_reporter(console, progress)
        report("binance", "running")
        report("binance", "3/63 checks, 0 failed")  # 1 s later: too soon for another line
        report("binance", "9/63 checks, 0 failed")  # 5 s later: still too soon
        report("binance", "40/63 checks, 1 failed")  # 12 s after the first line
        report("binance", "done")
    assert [line for line in buffer.getvalue().splitlines() if line] == [
        "binance: running", "binance: 40/63 checks, 1 failed", "binance: done"]


def test_live_progress_on_a_terminal() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    with Progress(console=console) as progress:
        report = run_cmd._progress_reporter(console, progress)
        report("binance", "running")
        report("binance", "3/63 checks, 0 failed")
        (task,) = progress.tasks
        assert task.description == "binance: 3/63 checks, 0 failed"
