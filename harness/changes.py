"""Which connectors a change touches, so a pull request runs only their suites.

A change to the harness itself, to the suites or to packaging can affect every connector, so
it selects all of them; a change under connectors/<name>/ or cassettes/<name>/ selects that
one; documentation alone selects none.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

AFFECTS_ALL = ("harness/", "suites/", "pyproject.toml")


def changed_files(base_ref: str, cwd: Path | None = None) -> list[str]:
    """Files changed between the merge base with `base_ref` and the working tree."""
    result = subprocess.run(["git", "diff", "--name-only", f"{base_ref}...HEAD"], cwd=cwd,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git diff against {base_ref!r} failed: {result.stderr.strip()}; "
                           "fetch the base branch (actions/checkout with fetch-depth: 0)")
    return [line for line in result.stdout.splitlines() if line.strip()]


def touched_connectors(paths: Iterable[str], known: Iterable[str]) -> list[str]:
    names = sorted(known)
    selected: set[str] = set()
    for path in paths:
        if path.startswith(AFFECTS_ALL):
            return names
        parts = path.split("/")
        if len(parts) >= 2 and parts[0] in ("connectors", "cassettes") and parts[1] in names:
            selected.add(parts[1])
    return sorted(selected)
