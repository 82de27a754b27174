"""What a cassette connection expects from the client, and how it answers.

One Script per fake socket: it checks each client frame against the next one the cassette
expects (as loopback replay does) and releases the server frames waiting for it. The
player in socket.py plays the server side; the Script decides what a client frame means.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Sequence

from harness.cassette.format import Direction, FrameKind, MatchMode, WsFrame
from harness.cassette.matchers import json_frame_matches
from harness.replay.ws import describe_frame


def client_frame_mismatch(frame: WsFrame, text: str, ignore: frozenset[str]) -> str | None:
    """Why a client frame does not match the recorded one (None: it does)."""
    if frame.kind is FrameKind.TEXT:
        return None if text == frame.value else "text differs"
    try:
        parsed = json.loads(text)
    except ValueError:
        return "expected a JSON frame"
    subset = frame.match.mode is MatchMode.SUBSET
    if json_frame_matches(parsed, frame.value, ignore=frame.match.ignore | ignore, subset=subset):
        return None
    return "JSON differs" + (" (recorded keys must all be present)" if subset else "")


class Script:
    """Strict replay: client frames must match the cassette's, in order."""

    def __init__(self, frames: Sequence[WsFrame], label: str, volatile: frozenset[str],
                 on_mismatch: Callable[[str], None], *, path: str = "/") -> None:
        self.frames = frames
        self.label = label
        self.path = path  # the recorded connection's URL path
        self.volatile = volatile
        self.on_mismatch = on_mismatch
        self.client = {i: asyncio.Event() for i, f in enumerate(frames)
                       if f.dir is Direction.CLIENT}
        self.expected = deque(sorted(self.client))

    def answered_by_client(self, position: int) -> int | None:
        """The client frame whose arrival sends frame `position` (None: the player sends it)."""
        return position if position in self.client else None

    def server_text(self, frame: WsFrame) -> str:
        """A server frame's text as the client receives it."""
        if frame.kind is FrameKind.JSON:
            return json.dumps(frame.value, separators=(",", ":"), ensure_ascii=False)
        return str(frame.value)

    def receive(self, text: str) -> list[str]:
        """Take one client frame; returns the frames to send back at once (none, here)."""
        if not self.expected:
            self.on_mismatch(f"{self.label}: unexpected client frame {text[:160]!r} (the"
                             f" cassette expects no more client frames)")
            return []
        position = self.expected[0]
        reason = client_frame_mismatch(self.frames[position], text, self.volatile)
        if reason is not None:
            self.mismatch(text, position, reason)
            return []
        self.matched(position)
        return []

    def matched(self, position: int) -> None:
        self.expected.popleft()
        self.client[position].set()

    def mismatch(self, text: str, position: int, reason: str) -> None:
        self.on_mismatch(f"{self.label}: client frame {text[:160]!r} does not match"
                         f" frames[{position}] ({describe_frame(self.frames[position])}):"
                         f" {reason}")

