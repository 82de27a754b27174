"""Manifests kept out of the registry (docs/pending/) stay loadable and name real checks, so
registering one is moving its folder to connectors/ (docs/connectors.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.manifest import load_manifest
from harness.subject import cassette_path

ROOT = Path(__file__).resolve().parents[2]
PENDING = sorted((ROOT / "docs" / "pending").glob("*/connector.toml"))
CHECK_ID = re.compile(r'@check\(\s*"([A-Z]+-[A-Z]+-\d+)"')


def declared_checks() -> set[str]:
    return {found for path in (ROOT / "suites").rglob("*.py")
            for found in CHECK_ID.findall(path.read_text(encoding="utf-8"))}


def test_there_is_a_pending_manifest() -> None:
    assert [path.parent.name for path in PENDING] == ["hummingbot_bybit"]


@pytest.mark.parametrize("path", PENDING, ids=[p.parent.name for p in PENDING])
def test_a_pending_manifest_loads_and_its_known_failures_name_checks(path: Path) -> None:
    manifest = load_manifest(path, source="docs/pending")
    unknown = {kf.check_id for kf in manifest.known_failures} - declared_checks()
    assert not unknown, f"{path}: known failures of checks no suite declares: {sorted(unknown)}"
    assert all(kf.reason and kf.link.startswith("https://github.com/hummingbot/")
               for kf in manifest.known_failures)
    assert cassette_path(manifest, "exchange").is_file()  # its cassette root is right
