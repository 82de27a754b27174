"""Forwarding to a real upstream while capturing the traffic, for recording.

`HttpForwarder` sends one loopback request on to the upstream and returns the answer plus
the scrubbed Interaction; `relay_ws` joins a loopback WebSocket to the upstream one and
captures both directions in arrival order. `Capture` keeps everything in one sequence, so
a server frame that came after an HTTP request is replayed after that interaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import websockets
from aiohttp import web
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from harness.cassette.format import (
    CloseSpec,
    Direction,
    Fault,
    FrameKind,
    HttpRequest,
    HttpResponse,
    Interaction,
    Trigger,
    WsConnection,
    WsFrame,
)
from harness.cassette.scrub import Scrubber

_DROP_REQUEST = frozenset({"host", "content-length", "transfer-encoding", "connection",
                           "keep-alive", "x-forwarded-host", "upgrade"})
_DROP_RESPONSE = frozenset({"content-length", "transfer-encoding", "content-encoding",
                            "connection", "keep-alive"})


def base_of(url: str) -> str:
    """`https://api.x.com:443/a/b?c` -> `https://api.x.com:443`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class CapturedConnection:
    url: str
    start: int
    frames: list[tuple[int, WsFrame]] = field(default_factory=list)


@dataclass
class Capture:
    """All traffic captured so far, already scrubbed, each item stamped with a sequence number."""

    scrubber: Scrubber
    seq: int = 0
    http: list[tuple[int, Interaction]] = field(default_factory=list)
    ws: list[CapturedConnection] = field(default_factory=list)

    def tick(self) -> int:
        self.seq += 1
        return self.seq

    def build(self, first_index: int = 0) -> tuple[list[Interaction], list[WsConnection]]:
        """Interactions and connections, with `after: {http: id}` on server frames that came
        after a state-changing (non-GET) request since the connection's previous frame; ids
        `http-<n>` are given to the interactions named. GETs (polling, market data) are left
        out so replayed streams are not tied to the connector's polling pace."""
        interactions = [item for _, item in self.http]
        arrivals = [arrived if item.request.method != "GET" else -1
                    for arrived, item in self.http]
        named: dict[int, str] = {}
        connections: list[WsConnection] = []
        for conn in self.ws:
            previous = conn.start
            frames: list[WsFrame] = []
            for seq, frame in conn.frames:
                if frame.dir is Direction.SERVER:
                    between = [i for i, a in enumerate(arrivals) if previous < a < seq]
                    if between:
                        index = between[-1]
                        ident = interactions[index].id or f"http-{first_index + index}"
                        named[index] = ident
                        frame = WsFrame(frame.dir, frame.kind, frame.value, frame.match,
                                        Trigger(http=ident))
                frames.append(frame)
                previous = seq
            connections.append(WsConnection(conn.url, tuple(frames)))
        for index, ident in named.items():
            item = interactions[index]
            interactions[index] = Interaction(item.request, item.response, ident, item.repeat,
                                              item.fault, item.optional)
        return interactions, connections


class HttpForwarder:
    """Forwards requests to upstream bases and captures them as scrubbed interactions."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def forward(
        self, request: web.BaseRequest, body: bytes, original_base: str, upstream_base: str
    ) -> web.Response:
        """Send `request` to `upstream_base` + its path; capture it as if sent to
        `original_base` + path; answer the client with the real (unscrubbed) response."""
        arrived = self.capture.tick()
        if self._session is None:
            self._session = aiohttp.ClientSession(auto_decompress=True)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}
        target = base_of(upstream_base) + request.raw_path
        try:
            async with self._session.request(request.method, target, data=body or None,
                                             headers=headers, allow_redirects=False) as upstream:
                payload = await upstream.read()
                status, reason = upstream.status, upstream.reason or ""
                response_headers = [(k, v) for k, v in upstream.headers.items()
                                    if k.lower() not in _DROP_RESPONSE]
        except aiohttp.ClientError as exc:
            message = {"harness_upstream_error": f"{request.method} {target}: {exc}"}
            return web.Response(status=502, text=json.dumps(message),
                                content_type="application/json")
        self.capture.http.append((arrived, self._interaction(
            request, body, original_base, status, reason, response_headers, payload)))
        response = web.Response(status=status, reason=reason, body=payload)
        for name, value in response_headers:
            response.headers.add(name, value)
        return response

    def _interaction(self, request: web.BaseRequest, body: bytes, original_base: str, status: int,
                     reason: str, headers: list[tuple[str, str]], payload: bytes) -> Interaction:
        scrub = self.capture.scrubber
        request_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            if name.lower() not in _DROP_REQUEST:
                request_headers.setdefault(name, []).append(value)
        response_headers: dict[str, list[str]] = {}
        for name, value in headers:
            response_headers.setdefault(name, []).append(value)
        content_type = request.headers.get("Content-Type", "")
        clean_body = scrub.body(body, content_type, sent=True)
        return Interaction(
            request=HttpRequest(
                method=request.method,
                uri=scrub.url(base_of(original_base) + request.raw_path, sent=True),
                body=clean_body.decode("utf-8", "replace") if clean_body else None,
                headers=scrub.headers(request_headers, sent=True),
            ),
            response=HttpResponse(
                status=status,
                message=reason,
                headers=scrub.headers(response_headers),
                body=scrub.body(payload, next((v for k, v in headers
                                               if k.lower() == "content-type"), "")),
            ),
        )


def _frame(scrubber: Scrubber, direction: Direction, message: str | bytes) -> WsFrame:
    text = message if isinstance(message, str) else message.decode("utf-8", "replace")
    parsed: Any = None
    if text.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            parsed = json.loads(text)
    if parsed is not None:
        clean = scrubber.json_value(parsed, sent=direction is Direction.CLIENT)
        # Keep JSON when it round-trips exactly (whitespace aside: numbers such as 1.10 would
        # not), when scrubbing had to change it, and for client frames (matched as JSON).
        exact = text in (json.dumps(parsed, separators=(",", ":"), ensure_ascii=False),
                         json.dumps(parsed, ensure_ascii=False))
        if clean != parsed or exact or direction is Direction.CLIENT:
            return WsFrame(direction, FrameKind.JSON, clean)
    return WsFrame(direction, FrameKind.TEXT,
                   scrubber.text(text, sent=direction is Direction.CLIENT))


async def relay_ws(
    client: ServerConnection, upstream_url: str, original_url: str, capture: Capture
) -> None:
    """Join `client` to `upstream_url` until either side closes, capturing every frame."""
    conn = CapturedConnection(capture.scrubber.url(original_url, sent=True), capture.tick())
    capture.ws.append(conn)
    scrubber = capture.scrubber
    async with websockets.connect(upstream_url, compression=None, max_size=None,
                                  ping_interval=None, close_timeout=1) as upstream:

        async def pump_up() -> None:
            async for message in client:
                conn.frames.append((capture.tick(), _frame(scrubber, Direction.CLIENT, message)))
                await upstream.send(message)

        async def pump_down() -> None:
            async for message in upstream:
                conn.frames.append((capture.tick(), _frame(scrubber, Direction.SERVER, message)))
                await client.send(message)

        tasks = [asyncio.create_task(pump_up()), asyncio.create_task(pump_down())]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await task
        for task in done:
            with contextlib.suppress(ConnectionClosed):
                task.result()
        if tasks[1] in done and upstream.close_code is not None and client.close_code is None:
            # The exchange hung up: record it and pass the same close on to the client.
            code, reason = upstream.close_code, upstream.close_reason or ""
            if code == 1006:  # dropped without a close frame
                conn.frames.append((capture.tick(), WsFrame(Direction.SERVER, FrameKind.FAULT,
                                                            Fault.RESET)))
                client.transport.abort()
                return
            code = 1000 if code == 1005 else code
            conn.frames.append((capture.tick(), WsFrame(
                Direction.SERVER, FrameKind.CLOSE, CloseSpec(code, scrubber.text(reason)))))
            await client.close(code, reason)
