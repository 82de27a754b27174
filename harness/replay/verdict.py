"""What a cassette's replay concludes: the misses it logged, what was never played, and
whether to raise. Shared by the loopback replay (ReplaySession) and the in-process mocks
(harness.mocks.CassetteMock), which serve the same cassettes by other means."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from harness.cassette.format import Cassette


class CassetteMismatch(AssertionError):
    """The code under test did not do what the cassette recorded (see the message)."""


class _Unplayed(Protocol):
    def unused(self) -> Sequence[object]: ...


class _HttpUnplayed(Protocol):
    def unused(self) -> Sequence[_Labelled]: ...


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


class ReplayVerdict:
    """Mixin: `_mismatches` holds (kind, message) pairs, kind "ws" for stream frames and
    anything else ("http", "connect") for a request no interaction answered."""

    cassette: Cassette
    http: _HttpUnplayed
    ws: _Unplayed
    _mismatches: list[tuple[str, str]]
    _events: dict[str, asyncio.Event]

    @property
    def mismatches(self) -> list[str]:
        return [message for _, message in self._mismatches]

    def unused(self) -> list[str]:
        """Interactions never served and WS connections/frames never played."""
        lines = [f"never used: {item.label}" for item in self.http.unused()]
        return lines + [str(line) for line in self.ws.unused()]

    def check(self, *, unused: bool = False, ws_frames: bool = True) -> None:
        """Raise CassetteMismatch if anything did not match so far (and, with unused=True,
        if anything recorded was not played). Called on exit; usable mid-test."""
        problems = [message for kind, message in self._mismatches if ws_frames or kind != "ws"]
        if unused:
            problems += self.unused()
        if problems:
            lines = "\n".join(f"- {p}" for p in problems)
            raise CassetteMismatch(
                f"cassette {self.cassette.name}: {len(problems)} problem(s)\n{lines}")

    def _conclude(self, failed: bool, *, strict: bool) -> None:
        """On exit: a clean run checks everything (unplayed too when strict); a failed one
        raises only for a request no interaction answered, most likely why it failed (the
        original error is chained)."""
        if not failed:
            self.check(unused=strict, ws_frames=strict)
        elif any(kind != "ws" for kind, _ in self._mismatches):
            self.check(unused=False, ws_frames=False)

    def _event(self, ident: str) -> asyncio.Event:
        event = self._events.get(ident)
        if event is None:
            event = self._events[ident] = asyncio.Event()
        return event
