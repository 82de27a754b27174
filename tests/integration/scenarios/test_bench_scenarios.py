"""`harness bench scenarios` prints examples per second and where the time went."""

from __future__ import annotations

import argparse

import pytest

from harness.bench.scenarios import main


def test_the_benchmark_prints_the_rate_and_the_time_by_phase(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argparse.Namespace(rest=["--connector", "binance", "--examples", "5",
                                         "--steps", "10", "--seed", "3"]))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "binance: " in out and " examples of up to 10 steps (5 + 1 streams only asked) " \
        "in " in out
    assert "examples/s, profile ci, seed 3, passed" in out
    for phase in ("start", "steps", "invariants", "checks", "stop", "hypothesis and the rest"):
        assert f"{phase} " in out
    assert "target: 200 examples in < 10 s on 2 cores" in out


def test_the_streams_only_pass_can_be_benched_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argparse.Namespace(rest=["--connector", "bybit", "--examples", "0",
                                         "--streams-only", "3", "--steps", "8", "--seed", "3"]))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(0 + 3 streams only asked)" in out and "passed" in out
    assert main(argparse.Namespace(rest=["--examples", "0", "--streams-only", "0"])) == 2
    assert "leave no example to run" in capsys.readouterr().out


def test_an_unknown_connector_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argparse.Namespace(rest=["--connector", "nope"])) == 2
    assert "unknown connector 'nope'" in capsys.readouterr().out


def test_gateway_connectors_are_left_to_their_own_machine(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argparse.Namespace(rest=["--connector", "uniswap_amm"])) == 2
    out = capsys.readouterr().out
    assert "uniswap_amm: Gateway connectors run PROP-GW-1" in out
    assert "no spot or perpetual connector with an exchange double selected" in out
