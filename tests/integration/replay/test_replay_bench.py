"""The replay benchmark runs and reports (figures only: no timing assertions here)."""

from __future__ import annotations

import pytest

from harness.bench.replay import ReplayBenchResult, format_replay_bench, run_replay_bench
from harness.cli import main


def test_bench_measures_both_sides_and_formats_a_table(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    result = run_replay_bench(n_requests=40, n_frames=400)
    assert result.n_requests == 40 and result.n_frames == 400
    for value in (result.bare_rest_median_ms, result.replay_rest_median_ms,
                  result.bare_ws_fps, result.replay_ws_fps):
        assert value > 0
    assert result.bare_rest_p99_ms >= result.bare_rest_median_ms
    assert main(["bench", "replay", "--requests", "20", "--frames", "200"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("replay bench: 20 requests, 200 frames, loopback")
    assert "REST median (ms)" in table and "WS frames/s" in table


def test_verdicts_follow_the_targets() -> None:
    fast = ReplayBenchResult(10, 10, 0.4, 0.8, 0.5, 0.9, 65000.0, 50000.0)
    slow = ReplayBenchResult(10, 10, 0.4, 0.8, 0.7, 0.9, 65000.0, 30000.0)
    assert fast.rest_ok and fast.ws_ok and not slow.rest_ok and not slow.ws_ok
    assert "1.25x  <= 1.5x  PASS" in format_replay_bench(fast)
    lines = format_replay_bench(slow).splitlines()
    assert lines[2].endswith("1.75x  <= 1.5x  MISS") and lines[4].endswith("MISS")
    assert "46%" in lines[4]
