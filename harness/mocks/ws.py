"""The WebSocket half of a cassette mock: aiohttp's ws_connect, answered from a cassette.

`ClientSession.ws_connect` is replaced while the mock runs. Each call is given the next
unused cassette connection recorded on its URL, as a FakeWebSocket with the methods of
aiohttp's ClientWebSocketResponse that connectors use. Its frames play in order, exactly as
loopback replay plays them: a client frame waits until the client sent a matching frame; a
server frame waits for its trigger (a client frame, an HTTP interaction, a delay) and is then
received by the client. No socket is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import WSMessage, WSMsgType
from yarl import URL

from harness.cassette.format import Direction, FrameKind, MatchMode, WsConnection, WsFrame
from harness.cassette.matchers import json_frame_matches, normalize_host, parse_params
from harness.replay.ws import describe_frame

_CLOSED = WSMessage(WSMsgType.CLOSED, None, None)


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

    def accepts(self, url: URL) -> bool:
        if self.socket is not None or (url.path or "/") != self.path:
            return False
        if self.query and parse_params(url.raw_query_string) != self.query:
            return False
        return normalize_host(url.raw_authority) == self.host


class FakeWebSocket:
    """A ClientWebSocketResponse look-alike fed by one cassette connection."""

    def __init__(self, recorded: RecordedConnection, volatile: frozenset[str],
                 http_event: Callable[[str], asyncio.Event],
                 on_mismatch: Callable[[str], None]) -> None:
        self.recorded = recorded
        self.sent: list[str] = []  # every frame the client sent, as text
        self.progress = 0  # how many of the connection's frames have been played
        self._frames = recorded.conn.frames
        self._volatile = volatile
        self._http_event = http_event
        self._on_mismatch = on_mismatch
        self._inbox: asyncio.Queue[WSMessage] = asyncio.Queue()
        self._client = {i: asyncio.Event() for i, f in enumerate(self._frames)
                        if f.dir is Direction.CLIENT}
        self._expected = deque(sorted(self._client))
        self._closed = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._player = asyncio.get_running_loop().create_task(self._play())

    # -- the script ------------------------------------------------------------------------
    async def _play(self) -> None:
        for position, frame in enumerate(self._frames):
            if frame.dir is Direction.CLIENT:
                await self._client[position].wait()
                self.progress = position + 1
                continue
            after = frame.after
            if after.client is not None:
                await self._client[after.client].wait()
            if after.http is not None:
                await self._http_event(after.http).wait()
            if after.delay:
                await asyncio.sleep(after.delay)
            self.progress = position + 1
            if frame.kind is FrameKind.CLOSE:
                self._inbox.put_nowait(WSMessage(WSMsgType.CLOSE, frame.value.code,
                                                 frame.value.reason))
                return
            if frame.kind is FrameKind.FAULT:
                self._inbox.put_nowait(WSMessage(WSMsgType.ERROR, aiohttp.ServerDisconnectedError(
                    "the cassette dropped the connection (fault: reset)"), None))
                return
            text = json.dumps(frame.value, separators=(",", ":"), ensure_ascii=False) \
                if frame.kind is FrameKind.JSON else str(frame.value)
            self._inbox.put_nowait(WSMessage(WSMsgType.TEXT, text, None))

    def _client_frame(self, text: str) -> None:
        self.sent.append(text)
        label = self.recorded.label
        if not self._expected:
            self._on_mismatch(f"{label}: unexpected client frame {text[:160]!r} (the cassette"
                              f" expects no more client frames)")
            return
        position = self._expected[0]
        frame = self._frames[position]
        reason = client_frame_mismatch(frame, text, self._volatile)
        if reason is None:
            self._expected.popleft()
            self._client[position].set()
        else:
            self._on_mismatch(f"{label}: client frame {text[:160]!r} does not match"
                              f" frames[{position}] ({describe_frame(frame)}): {reason}")

    # -- aiohttp's ClientWebSocketResponse API ---------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def close_code(self) -> int | None:
        return self._close_code

    def exception(self) -> BaseException | None:
        return self._exception

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    async def send_str(self, data: str, compress: int | None = None) -> None:
        if self._closed:
            raise aiohttp.ClientConnectionResetError("Cannot write to closing transport")
        self._client_frame(data)

    async def send_bytes(self, data: bytes, compress: int | None = None) -> None:
        await self.send_str(data.decode("utf-8", "replace"))

    async def send_json(self, data: Any, compress: int | None = None,
                        *, dumps: Callable[[Any], str] = json.dumps) -> None:
        await self.send_str(dumps(data))

    async def ping(self, message: bytes = b"") -> None:
        return None

    async def pong(self, message: bytes = b"") -> None:
        return None

    async def receive(self, timeout: float | None = None) -> WSMessage:
        if self._closed:
            return _CLOSED
        message = await asyncio.wait_for(self._inbox.get(), timeout)
        if message.type is WSMsgType.CLOSE:
            self._finish(int(message.data))
        elif message.type is WSMsgType.ERROR:
            self._exception = message.data
            self._finish(1006)
        return message

    async def receive_str(self, *, timeout: float | None = None) -> str:
        message = await self.receive(timeout)
        if message.type is not WSMsgType.TEXT:
            raise TypeError(f"Received message {message.type}:{message.data!r} is not str")
        return str(message.data)

    async def receive_json(self, *, loads: Callable[[str], Any] = json.loads,
                           timeout: float | None = None) -> Any:
        return loads(await self.receive_str(timeout=timeout))

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        if self._closed:
            return False
        self._finish(code)
        return True

    def _finish(self, code: int) -> None:
        self._closed = True
        self._close_code = code
        self.stop()

    def stop(self) -> None:
        """Stop playing (the connection is over, or the mock is)."""
        if not self._player.done():
            with contextlib.suppress(RuntimeError):  # its loop may be gone already
                self._player.cancel()

    def __aiter__(self) -> FakeWebSocket:
        return self

    async def __anext__(self) -> WSMessage:
        message = await self.receive()
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            raise StopAsyncIteration
        return message


def client_frame_mismatch(frame: WsFrame, text: str, volatile: frozenset[str]) -> str | None:
    """Why a client frame does not match the recorded one (None: it does)."""
    if frame.kind is FrameKind.TEXT:
        return None if text == frame.value else "text differs"
    try:
        parsed = json.loads(text)
    except ValueError:
        return "expected a JSON frame"
    subset = frame.match.mode is MatchMode.SUBSET
    if json_frame_matches(parsed, frame.value, ignore=frame.match.ignore | volatile, subset=subset):
        return None
    return "JSON differs" + (" (recorded keys must all be present)" if subset else "")


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
                 on_unmatched: Callable[[str], None]) -> None:
        self.recorded = [RecordedConnection(i, conn) for i, conn in enumerate(connections)]
        self._volatile = volatile
        self._http_event = http_event
        self._on_mismatch = on_mismatch  # a client frame the cassette did not expect
        self._on_unmatched = on_unmatched  # a connection the cassette does not hold

    def connect(self, url: str | URL, params: Any = None) -> Connecting:
        """What `session.ws_connect(url, params=...)` gives under the mock."""
        target = URL(url).extend_query(params) if params else URL(url)
        return Connecting(lambda: self._open(target))

    def _open(self, url: URL) -> FakeWebSocket:
        for recorded in self.recorded:
            if recorded.accepts(url):
                recorded.socket = FakeWebSocket(recorded, self._volatile, self._http_event,
                                                self._on_mismatch)
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
