"""Parsed cassettes kept between runs: YAML parsing is most of what loading a cassette costs.

A cassette's parsed document is stored in marshal form under the user's cache directory,
keyed by a digest of the file's text, so an edited cassette is parsed afresh and never
confused with its old self. A cache that cannot be read or written is simply not used.
Every process of a run (each check's subprocess, each worker) then reads a cassette's YAML
once per change instead of once per check.

`HARNESS_CACHE_DIR` moves the cache (an empty value turns it off); otherwise it lives in
`$XDG_CACHE_HOME/connector-harness` or `~/.cache/connector-harness`.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_ENV = "HARNESS_CACHE_DIR"
# Part of every key: a new marshal format or a change in what a parse returns starts afresh.
_FORMAT = f"yaml1-m{marshal.version}"


def cache_dir() -> Path | None:
    """Where parsed documents are kept; None when HARNESS_CACHE_DIR is set empty."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "connector-harness" / "parsed"


def cached_parse(text: str, parse: Callable[[str], Any], kind: str,
                 folder: Path | None = None) -> Any:
    """`parse(text)`, or the document a previous parse of the same text by the same kind of
    parser (`kind`: a cassette's loader, the exchange profile's) stored."""
    folder = folder if folder is not None else cache_dir()
    if folder is None:
        return parse(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    file = folder / f"{digest}.{kind}.{_FORMAT}"
    try:
        return marshal.loads(file.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not cached yet, or unreadable: parse it
    document = parse(text)
    try:
        blob = marshal.dumps(document)
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a parallel reader sees the whole file or none.
        partial = folder / f".{digest}.{os.getpid()}.{threading.get_ident()}"
        partial.write_bytes(blob)
        os.replace(partial, file)
    except (OSError, ValueError):
        pass  # a value marshal cannot store (a YAML date), or no room: just not cached
    return document
