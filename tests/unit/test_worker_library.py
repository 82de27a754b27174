"""A connector without the coverage gate: the library modules its manifest names are found
as files, without importing them (their import is then measured too)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from harness.registry import load_registry
from harness.worker import library_files


def test_the_named_modules_are_found_as_files() -> None:
    pytest.importorskip("ccxt")
    manifest = load_registry().get("ccxt_binance")
    files = library_files(manifest)
    assert [f.relative_to(f.parents[2]).as_posix() for f in files] == [
        "ccxt/async_support/binance.py", "ccxt/pro/binance.py"]
    assert all(f.is_file() for f in files)


def test_modules_that_are_not_installed_are_left_out(tmp_path: Path) -> None:
    manifest = load_registry().get("binance")
    absent = dataclasses.replace(manifest, coverage_gate=False, coverage_exemption="x",
                                 coverage_modules=("no_such_top_level_pkg.mod", "sys.nothing",
                                                   "harness.identity"))
    found = library_files(absent)
    assert found == [Path(sys.modules["harness.identity"].__file__ or "").resolve()]


def test_a_named_package_is_all_of_its_modules() -> None:
    # A Hummingbot connector's code: hummingbot.connector.exchange.binance, a package.
    manifest = dataclasses.replace(load_registry().get("binance"),
                                   coverage_modules=("harness.cli",))
    found = library_files(manifest)
    folder = Path(sys.modules["harness"].__file__ or "").resolve().parent / "cli"
    assert found == sorted(path.resolve() for path in folder.rglob("*.py"))
    assert folder / "__init__.py" in found and folder / "run_cmd.py" in found
