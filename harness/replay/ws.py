"""The WebSocket half of a replay: a websockets server on 127.0.0.1 playing a cassette's `ws`.

Each cassette connection is served, in order, to the connections made on its URL path.
Its frames are played in order: a client frame waits until the client sent a matching
frame; a server frame waits for its trigger (a client frame, an HTTP interaction, a delay)
and is then sent from bytes serialized at start. close/fault frames really end the socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from harness.cassette.format import (
    SCRUBBED,
    Cassette,
    Direction,
    FrameKind,
    MatchMode,
    WsConnection,
    WsFrame,
)
from harness.cassette.matchers import Params, json_frame_matches, normalize_host, parse_params
from harness.replay.http import FORWARDED_HOST
from harness.replay.ws_conformance import Subscriptions, WsConformance

# The replay server's own log: websockets logs every frame at DEBUG, and a check records the
# connector's logs at DEBUG (SPOT-SEC-1 reads them), which made formatting the server's frame
# log a tenth of the spot suite's time. Its connection events (INFO and above) stay.
SERVER_LOG = logging.getLogger("harness.replay.ws.server")
SERVER_LOG.setLevel(logging.INFO)

WsFallback = Callable[[ServerConnection, str, "str | None"], Awaitable[None]]
WsVerifier = Callable[[Any], "str | None"]

# Step codes of the pre-compiled script (ints: the send loop runs 50,000 times a second).
_SEND, _CLIENT, _CLOSE, _RESET = 0, 1, 2, 3


@dataclass
class ReceivedFrame:
    """A frame the client sent; `matched` is the index of the cassette frame it matched."""

    text: str
    json: Any = None
    matched: int | None = None

    @classmethod
    def of(cls, message: str | bytes) -> ReceivedFrame:
        """The frame as received; `json` is its parsed body when it is a JSON object/array."""
        text = message if isinstance(message, str) else message.decode("utf-8", "replace")
        parsed: Any = None
        if text[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                parsed = json.loads(text)
        return cls(text, parsed)


@dataclass
class WsConnectionLog:
    """One WebSocket connection the replay server accepted, and what the client sent on it."""

    path: str
    host: str | None
    entry_index: int | None
    received: list[ReceivedFrame] = field(default_factory=list)
    progress: int = 0  # how many frames of the cassette connection have been played
    closed: bool = False
    streams: frozenset[str] = frozenset()  # asked in the URL (a combined-stream connection)

    def client_messages(self) -> list[Any]:
        """The client's frames, JSON-decoded where they were JSON."""
        return [frame.json if frame.json is not None else frame.text for frame in self.received]


@dataclass(eq=False)
class _Entry:
    index: int
    conn: WsConnection
    path: str
    query: Params
    host: str | None
    steps: list[tuple[int, Any, WsFrame]]
    connected: bool = False
    replies: dict[int, list[int]] = field(default_factory=dict)  # conformance: answers

    @property
    def label(self) -> str:
        return f"ws[{self.index}] {self.conn.url}"


def _payload(frame: WsFrame) -> bytes:
    if frame.kind is FrameKind.JSON:
        return json.dumps(frame.value, separators=(",", ":"), ensure_ascii=False).encode()
    return str(frame.value).encode()


def _compile(index: int, conn: WsConnection) -> _Entry:
    parts = urlsplit(conn.url)
    steps: list[tuple[int, Any, WsFrame]] = []
    for frame in conn.frames:
        if frame.dir is Direction.CLIENT:
            steps.append((_CLIENT, None, frame))
        elif frame.kind is FrameKind.CLOSE:
            steps.append((_CLOSE, frame.value, frame))
        elif frame.kind is FrameKind.FAULT:
            steps.append((_RESET, None, frame))
        else:
            steps.append((_SEND, _payload(frame), frame))
    return _Entry(index, conn, unquote(parts.path) or "/", parse_params(parts.query),
                  normalize_host(parts.netloc), steps)


def describe_frame(frame: WsFrame) -> str:
    text = json.dumps(frame.value, sort_keys=True) if frame.kind is FrameKind.JSON else str(
        frame.value)
    return f"{frame.dir.value} {frame.kind.value} {text[:160]}"


@dataclass
class WsReplay:
    """Serves a cassette's `ws` connections; reports misses through `on_mismatch`."""

    cassette: Cassette
    volatile: frozenset[str]
    on_mismatch: Callable[[str], None]
    http_event: Callable[[str], asyncio.Event]
    fallback: WsFallback | None = None
    policy: WsConformance | None = None  # conformance replay; None: strict
    verifier: WsVerifier | None = None  # checks frames recorded as signed
    # Conformance replay: every JSON frame sent so far, as recorded (its ids the scenario's),
    # in the order sent; read-only order polls are answered from it (order_state.py).
    sent: list[Any] = field(default_factory=list)
    connections: list[WsConnectionLog] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._entries = [_compile(i, conn) for i, conn in enumerate(self.cassette.ws)]
        if self.policy is not None:
            for entry in self._entries:
                entry.replies = self.policy.replies(entry.conn.frames)
        self._assigned: dict[ServerConnection, _Entry | None] = {}
        self._url_streams: dict[ServerConnection, frozenset[str]] = {}
        self._server: Server | None = None

    async def start(self) -> int:
        """Listen on 127.0.0.1 (ephemeral port); returns the port."""
        self._server = await serve(self._handle, "127.0.0.1", 0, process_request=self._route,
                                   compression=None, ping_interval=None, close_timeout=1,
                                   max_size=None, logger=SERVER_LOG)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _route(self, connection: ServerConnection, request: Request) -> Response | None:
        path, _, query = request.path.partition("?")
        path = unquote(path) or "/"
        params = parse_params(query)
        host = normalize_host(request.headers.get(FORWARDED_HOST))
        combined = self.policy.combined(path, params) if self.policy is not None else None
        if combined is not None:
            path, params = combined[0], {}
        for entry in self._entries:
            if entry.connected or not self._same_path(entry.path, path):
                continue
            if entry.query and entry.query != params:
                continue
            if host is not None and entry.host is not None and host != entry.host:
                continue
            if combined is not None and self.policy is not None:
                refused = Subscriptions(self.policy, entry.conn.frames).refuse(combined[1])
                if refused is not None:
                    return self._refuse(connection, request.path, f"{entry.label}: {refused}")
                self._url_streams[connection] = combined[1]
            entry.connected = True
            self._assigned[connection] = entry
            return None
        if self.fallback is not None:
            self._assigned[connection] = None
            return None
        known = ", ".join(e.label + (" (used)" if e.connected else "") for e in self._entries)
        return self._refuse(connection, f"{host or ''}{request.path}",
                            f"no unused cassette connection has that path (cassette has:"
                            f" {known or 'none'})")

    def _refuse(self, connection: ServerConnection, where: str, why: str) -> Response:
        self.on_mismatch(f"unmatched WebSocket connection to {where}: {why}")
        body = json.dumps({"harness_unmatched": f"WebSocket connection to {where}"})
        return connection.respond(HTTPStatus.INTERNAL_SERVER_ERROR, body)

    def _same_path(self, recorded: str, requested: str) -> bool:
        if self.policy is not None:
            return self.policy.accepts_path(recorded, requested)
        return recorded == requested

    async def _handle(self, connection: ServerConnection) -> None:
        entry = self._assigned.pop(connection, None)
        request = connection.request
        path = request.path if request is not None else "/"
        host = request.headers.get(FORWARDED_HOST) if request is not None else None
        if entry is None:
            if self.fallback is not None:
                await self.fallback(connection, path, host)
            return
        log = WsConnectionLog(path, normalize_host(host), entry.index,
                              streams=self._url_streams.pop(connection, frozenset()))
        self.connections.append(log)
        events = {i: asyncio.Event() for i, step in enumerate(entry.steps) if step[0] == _CLIENT}
        read = self._read if self.policy is None else self._read_by_meaning
        reader = asyncio.create_task(read(connection, entry, log, events))
        writer = asyncio.create_task(self._write(connection, entry, log, events))
        try:
            done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
            if writer in done:
                await reader  # the script is played: keep the stream open until the client goes
        finally:
            for task in (reader, writer):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await task
            log.closed = True

    async def _write(self, connection: ServerConnection, entry: _Entry, log: WsConnectionLog,
                     events: dict[int, asyncio.Event]) -> None:
        policy = self.policy
        replies = {p for ps in entry.replies.values() for p in ps} if policy else set()
        try:
            for position, (code, payload, frame) in enumerate(entry.steps):
                if code == _CLIENT or position in replies:
                    # (in conformance replay, the reader answers each request itself)
                    trigger = position if code == _CLIENT else frame.after.client
                    assert trigger is not None
                    await events[trigger].wait()
                    log.progress = position + 1
                    continue
                after = frame.after
                if after.client is not None:
                    await events[after.client].wait()
                if after.http is not None:
                    await self.http_event(after.http).wait()
                if after.delay:
                    await asyncio.sleep(after.delay)
                if code == _SEND:
                    if policy is not None:
                        payload = policy.server_frame(frame, payload, log.streams)
                    if policy is not None and frame.kind is FrameKind.JSON:
                        # (before the send: a client that read the frame and polls at once
                        # finds it said; the exchange's REST is never behind its stream)
                        self.sent.append(frame.value)
                    await connection.send(payload, text=True)
                elif code == _CLOSE:
                    log.progress = position + 1
                    await connection.close(payload.code, payload.reason)
                    return
                else:
                    log.progress = position + 1
                    connection.transport.abort()  # no close frame: the client sees a dropped link
                    return
                log.progress = position + 1
        except ConnectionClosed:
            return

    async def _read(self, connection: ServerConnection, entry: _Entry, log: WsConnectionLog,
                    events: dict[int, asyncio.Event]) -> None:
        expected = deque(sorted(events))
        frames = entry.conn.frames
        try:
            async for message in connection:
                received = ReceivedFrame.of(message)
                text, parsed = received.text, received.json
                log.received.append(received)
                if not expected:
                    self.on_mismatch(f"{entry.label}: unexpected client frame {text[:160]!r}"
                                     f" (the cassette expects no more client frames)")
                    continue
                position = expected[0]
                reason = self._compare(frames[position], text, parsed)
                if reason is None:
                    expected.popleft()
                    received.matched = position
                    events[position].set()
                else:
                    self.on_mismatch(f"{entry.label}: client frame {text[:160]!r} does not match"
                                     f" frames[{position}] ({describe_frame(frames[position])}):"
                                     f" {reason}")
        except ConnectionClosed:
            return

    async def _read_by_meaning(self, connection: ServerConnection, entry: _Entry,
                               log: WsConnectionLog, events: dict[int, asyncio.Event]) -> None:
        """Conformance replay: subscriptions as a set of streams, any request id."""
        assert self.policy is not None
        policy = self.policy
        expected = deque(sorted(events))
        frames = entry.conn.frames
        subscriptions = Subscriptions(policy, frames)
        if log.streams and expected and subscriptions.ask(log.streams, expected[0]):
            events[expected.popleft()].set()  # the URL asked for the scenario's streams
        try:
            async for message in connection:
                received = ReceivedFrame.of(message)
                text, parsed = received.text, received.json
                log.received.append(received)
                pong = policy.heartbeat(log.path, parsed)
                if pong is not None:  # answered whenever it comes, as the exchange does
                    await connection.send(pong)
                    continue
                position = expected[0] if expected else None
                streams = policy.streams_of(parsed)
                if streams is not None:
                    refused = subscriptions.refuse(streams)
                    if refused is not None:
                        self.on_mismatch(f"{entry.label}: subscription {text[:160]!r} refused:"
                                         f" {refused}")
                        continue
                    done = subscriptions.ask(streams, position)
                    step = position if position in subscriptions.wanted else max(
                        subscriptions.wanted, default=None)
                    received.matched = step
                    await self._answer(connection, entry, step, parsed)
                    if done and position is not None:
                        expected.popleft()
                        events[position].set()
                    continue
                if position is None:
                    self.on_mismatch(f"{entry.label}: unexpected client frame {text[:160]!r}"
                                     f" (the scenario expects no more requests here)")
                    continue
                reason = self._compare(frames[position], text, parsed)
                if reason is not None:
                    self.on_mismatch(f"{entry.label}: client frame {text[:160]!r} does not match"
                                     f" frames[{position}] ({describe_frame(frames[position])}):"
                                     f" {reason}")
                    continue
                expected.popleft()
                received.matched = position
                await self._answer(connection, entry, position, parsed)
                events[position].set()
        except ConnectionClosed:
            return

    async def _answer(self, connection: ServerConnection, entry: _Entry, step: int | None,
                      message: Any) -> None:
        assert self.policy is not None
        for position in entry.replies.get(step, []) if step is not None else []:
            await connection.send(self.policy.reply(entry.conn.frames[position], message))

    def _compare(self, frame: WsFrame, text: str, parsed: Any) -> str | None:
        if frame.kind is FrameKind.TEXT:
            return None if text == frame.value else "text differs"
        if parsed is None and text.strip() != "null":
            return "expected a JSON frame"
        ignore = frame.match.ignore | self.volatile
        if self.policy is not None:
            ignore = ignore | self.policy.ignored
        subset = frame.match.mode is MatchMode.SUBSET
        if not json_frame_matches(parsed, frame.value, ignore=ignore, subset=subset):
            return "JSON differs" + (" (recorded keys must all be present)" if subset else "")
        if self.verifier is not None and _carries_scrubbed(frame.value):
            reason = self.verifier(parsed)
            if reason is not None:
                return f"ws_verifier rejected it ({reason})"
        return None

    def unused(self) -> list[str]:
        """What of the cassette's `ws` was never played: connections and frames."""
        lines: list[str] = []
        played: dict[int, int] = {}
        for log in self.connections:
            if log.entry_index is not None:
                played[log.entry_index] = log.progress
        for entry in self._entries:
            if entry.index not in played:
                lines.append(f"{entry.label}: never connected")
                continue
            progress = played[entry.index]
            frames = entry.conn.frames
            if progress < len(frames):
                lines.append(f"{entry.label}: frames[{progress}..{len(frames) - 1}] never played"
                             f" (next: {describe_frame(frames[progress])})")
        return lines


def _carries_scrubbed(value: Any) -> bool:
    """True if a recorded frame carried credentials (a scrubbed value, at any depth)."""
    if isinstance(value, dict):
        return any(_carries_scrubbed(v) for v in value.values())
    if isinstance(value, list):
        return any(_carries_scrubbed(v) for v in value)
    return bool(value == SCRUBBED)
