"""A check's failure as one readable line: what went wrong, then its root cause.

pytest's crash line is written for Python developers: a class path
(`harness.cassette.loader.CassetteError: ...`), an assertion message cut at its first newline
("expected one OrderCreated, got:"), assertion introspection (`assert 0 == 1`). A report reader
needs the message whole, on one line, and, when the connector logged why it went wrong (a
response it could not read), that reason too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

# `package.module.ClassName: ` at the start of a line: the class path goes, the name stays.
_CLASS_PATH = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Z]\w*)(?=:)")
# Lines pytest adds to explain an assertion; the check's own words come before them.
_INTROSPECTION = re.compile(r"^(assert |\+ |where |and |At index |Use -v|Full diff|\+\s|-\s"
                            r"|Stack of |Traceback |File \")")
MAX_LOGGED = 240


def readable(crash: str) -> str:
    """pytest's crash message as one line without class paths or assertion introspection.

    >>> readable("AssertionError: expected one, got:\\n    (no events)\\nassert 0 == 1")
    'expected one, got: (no events)'
    >>> readable("harness.cassette.loader.CassetteError: x.yaml: not valid YAML")
    'CassetteError: x.yaml: not valid YAML'
    """
    lines = [line.strip() for line in crash.strip().splitlines()]
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index and _INTROSPECTION.match(line):
            break
        if line:
            kept.append(line)
    text = " ".join(kept)
    text = _CLASS_PATH.sub(r"\1", text)
    return text.removeprefix("AssertionError: ").removeprefix("AssertionError")


def with_root_cause(crash: str, logged: Sequence[str]) -> str:
    """The failure's one line, plus the first problem the code under test logged."""
    line = readable(crash) or "failed without a message"
    if logged:
        cause = " ".join(logged[0].split())
        if len(cause) > MAX_LOGGED:
            cause = cause[: MAX_LOGGED - 1] + "…"
        if cause not in line:
            line = f"{line} (logged: {cause})"
    return line


class _Problems(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string must not hide the failure itself
            text = str(record.msg)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(text)


@contextmanager
def logged_problems() -> Iterator[list[str]]:
    """Collect warnings and errors logged while the block runs, errors first."""
    handler = _Problems()
    root = logging.getLogger()
    root.addHandler(handler)
    found: list[str] = []
    try:
        yield found
    finally:
        root.removeHandler(handler)
        found[:] = [*handler.errors, *handler.warnings]
