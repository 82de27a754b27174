"""A connector's version is a digest of its folder: it changes with its code, not with what
running it leaves behind; the worker and runner record it with the exchange."""

from __future__ import annotations

from pathlib import Path

from harness.identity import connector_version, identify
from harness.manifest import load_manifest
from harness.results import ConnectorRun

ROOT = Path(__file__).resolve().parents[2]


def test_version_changes_with_the_code_only(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    assert connector_version(folder) == ""
    (folder / "connector.py").write_text("x = 1\n")
    first = connector_version(folder)
    assert len(first) == 10
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "connector.cpython-311.pyc").write_bytes(b"\0")
    (folder / "data.coverage").write_bytes(b"\0")
    assert connector_version(folder) == first
    (folder / "connector.py").write_text("x = 2\n")
    assert connector_version(folder) != first
    (folder / "connector.py").rename(folder / "other.py")  # a renamed file is a change too
    assert connector_version(folder) not in ("", first)


def test_identify_takes_exchange_standard_and_version_from_the_manifest() -> None:
    manifest = load_manifest(ROOT / "connectors" / "binance" / "connector.toml")
    run = identify(ConnectorRun("binance", standard="perpetual"), manifest)
    assert (run.exchange, run.standard) == ("binance", "spot")
    assert run.version == connector_version(manifest.folder) != ""
    assert ConnectorRun.from_json(run.to_json()).version == run.version
    assert ConnectorRun("x").exchange_name == "x"  # raw files from before: its own name
