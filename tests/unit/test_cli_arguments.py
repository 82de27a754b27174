"""Command-line values a user can get wrong are refused with one line, before anything runs."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from harness.cli import main
from harness.plugin import positive_seconds


@pytest.mark.parametrize("text", ["-1", "0", "nan", "inf", "ten"])
def test_a_deadline_must_be_a_positive_number_of_seconds(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        positive_seconds(text)


def test_a_positive_deadline_is_accepted() -> None:
    assert positive_seconds("2.5") == 2.5


@pytest.mark.parametrize("option", ["--check-timeout", "--connector-timeout"])
def test_harness_run_refuses_a_negative_deadline(option: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", option, "-1"])
    assert exited.value.code == 2
    assert "must be a number of seconds above 0" in capsys.readouterr().err


def test_pytest_refuses_a_negative_check_timeout() -> None:
    result = subprocess.run([sys.executable, "-m", "pytest", "--check-timeout", "-1",
                             "--collect-only", "-q", "-p", "no:cacheprovider"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "must be a number of seconds above 0" in result.stderr
