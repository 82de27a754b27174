"""The WebSocket half of a cassette mock: aiohttp's ws_connect, answered from a cassette.

`ClientSession.ws_connect` is replaced while the mock runs (bridge.py). Each call is given the
next unused cassette connection recorded on its URL (host, path, and the query if one was
recorded), as a FakeWebSocket (socket.py) whose frames play exactly as loopback replay plays
them. A URL the cassette has no connection left for is refused, naming what it has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from yarl import URL

from harness.cassette.format import WsConnection
from harness.cassette.matchers import normalize_host, parse_params
from harness.mocks.script import Script
from harness.mocks.socket import FakeWebSocket
from harness.replay.ws import describe_frame

# Builds the Script of a connection: (frames, label, on_mismatch) -> Script.
ScriptFactory = Callable[..., Script]


class UnmatchedConnection(aiohttp.ClientConnectionError):
    """ws_connect to a URL for which the cassette has no unused connection left."""


class RecordedConnection:
    """One cassette connection, with what is needed to route a ws_connect call to it."""

    def __init__(self, index: int, conn: WsConnection) -> None:
        url = URL(conn.url)
        self.index = index
        self.conn = conn
        self.host = normalize_host(url.raw_authority)
        self.path = url.path or "/"
        self.query = parse_params(url.raw_query_string)
        self.socket: FakeWebSocket | None = None

    @property
    def label(self) -> str:
        return f"ws[{self.index}] {self.conn.url}"

    def accepts(self, url: URL, same_path: Callable[[str, str], bool]) -> bool:
        if self.socket is not None or not same_path(self.path, url.path or "/"):
            return False
        if self.query and parse_params(url.raw_query_string) != self.query:
            return False
        return normalize_host(url.raw_authority) == self.host


class Connecting:
    """What the fake ws_connect returns: awaitable, and an async context manager, as aiohttp's."""

    def __init__(self, open_socket: Callable[[], FakeWebSocket]) -> None:
        self._open_socket = open_socket
        self._socket: FakeWebSocket | None = None

    async def _open(self) -> FakeWebSocket:
        return self._open_socket()  # runs in the event loop: the player task needs one

    def __await__(self) -> Any:
        return self._open().__await__()

    async def __aenter__(self) -> FakeWebSocket:
        self._socket = await self._open()
        return self._socket

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._socket is not None:
            await self._socket.close()


class WsMock:
    """Routes ws_connect calls to the cassette's connections, in order; reports misses."""

    def __init__(self, connections: tuple[WsConnection, ...], volatile: frozenset[str], *,
                 http_event: Callable[[str], asyncio.Event],
                 on_mismatch: Callable[[str], None],
                 on_unmatched: Callable[[str], None],
                 same_path: Callable[[str, str], bool] | None = None,
                 script: ScriptFactory = Script, told: list[Any] | None = None) -> None:
        self.told = told  # the JSON frames played on any connection (conformance replay)
        self.recorded = [RecordedConnection(i, conn) for i, conn in enumerate(connections)]
        self._volatile = volatile
        self._http_event = http_event
        self._same_path = same_path or (lambda recorded, requested: recorded == requested)
        self._script = script
        self._on_mismatch = on_mismatch  # a client frame the cassette did not expect
        self._on_unmatched = on_unmatched  # a connection the cassette does not hold

    def connect(self, url: str | URL, params: Any = None) -> Connecting:
        """What `session.ws_connect(url, params=...)` gives under the mock."""
        target = URL(url).extend_query(params) if params else URL(url)
        return Connecting(lambda: self._open(target))

    def _open(self, url: URL) -> FakeWebSocket:
        for recorded in self.recorded:
            if recorded.accepts(url, self._same_path):
                script = self._script(recorded.conn.frames, recorded.label, self._volatile,
                                      self._on_mismatch, path=recorded.path)
                recorded.socket = FakeWebSocket(script, self._http_event, self.told)
                return recorded.socket
        known = ", ".join(r.label + (" (used)" if r.socket else "") for r in self.recorded)
        message = (f"unmatched WebSocket connection to {url}: no unused cassette connection has"
                   f" that URL (cassette has: {known or 'none'})")
        self._on_unmatched(message)
        raise UnmatchedConnection(message)

    @property
    def sockets(self) -> list[FakeWebSocket]:
        return [r.socket for r in self.recorded if r.socket is not None]

    def stop(self) -> None:
        for socket in self.sockets:
            socket.stop()

    def unused(self) -> list[str]:
        """Connections never opened and frames never played."""
        lines: list[str] = []
        for recorded in self.recorded:
            frames = recorded.conn.frames
            if recorded.socket is None:
                lines.append(f"{recorded.label}: never connected")
            elif recorded.socket.progress < len(frames):
                progress = recorded.socket.progress
                lines.append(f"{recorded.label}: frames[{progress}..{len(frames) - 1}] never"
                             f" played (next: {describe_frame(frames[progress])})")
        return lines
