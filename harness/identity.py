"""Which exchange a connector run belongs to and which version of the connector ran.

The dashboard puts every implementation of one exchange (ours, Hummingbot's, ccxt's) in that
exchange's row, and pins each run to the connector's version, as it pins it to the harness
and standard versions. A connector has no release number of its own here: its version is a
digest of its folder's source files, so any change to its code or manifest shows as a new
version and an unchanged connector keeps its version across runs and machines.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness.manifest import Manifest
from harness.results import ConnectorRun

VERSION_LENGTH = 10
# What makes up a connector (its code, manifest and data), not what running it leaves behind.
_SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo", ".coverage"}


def connector_version(folder: Path) -> str:
    """A short digest of every source file under `folder` (names and bytes), or "" if none.

    >>> connector_version(Path("/nonexistent"))
    ''
    """
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not _SKIPPED_PARTS.intersection(path.relative_to(folder).parts)
        and path.suffix not in _SKIPPED_SUFFIXES
    )
    if not files:
        return ""
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:VERSION_LENGTH]


def identify(run: ConnectorRun, manifest: Manifest) -> ConnectorRun:
    """`run` with the standard, exchange and version its manifest declares (in place)."""
    run.standard = manifest.standard.value
    run.exchange = manifest.exchange_name
    run.version = connector_version(manifest.folder)
    return run
