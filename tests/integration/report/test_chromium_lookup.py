"""The browser tests' chromium lookup: a fresh machine without chromium skips them, CI cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from headless_chromium import find_chromium, require_chromium


def test_a_configured_chromium_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = tmp_path / "chromium"
    binary.write_text("#!/bin/sh\n", encoding="utf-8")
    monkeypatch.setenv("HARNESS_CHROMIUM", str(binary))
    assert find_chromium() == binary
    assert require_chromium() == binary


def test_without_chromium_a_browser_test_skips_locally(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        require_chromium()


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_chromium_a_browser_test_fails_under_ci(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("HARNESS_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_chromium()


def test_ci_false_counts_as_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_chromium()


def test_the_fixture_gives_the_lookup(chromium: Path) -> None:
    assert chromium == find_chromium()
