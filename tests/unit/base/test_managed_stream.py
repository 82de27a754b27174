"""ManagedStream against a loopback websockets server: subscribe, skip garbage, reconnect."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from websockets.asyncio.server import ServerConnection, serve

from harness.base.stream import ManagedStream, StreamConnection
from harness.standard.clock import ScaledClock
from tests.fixtures.aio import eventually, run


class Server:
    """Per connection: wait for a subscribe, ack it (after a garbage frame), then play
    `script`, a list of frames (str, bytes, or "CLOSE" to drop the connection)."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.subscriptions: list[Any] = []
        self.connections = 0

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        self.subscriptions.append(json.loads(await ws.recv()))
        await ws.send("not json at all {")
        await ws.send(json.dumps({"ack": self.connections}))
        for frame in self.script:
            if frame == "CLOSE":
                await ws.close()
                return
            await ws.send(frame)
        await ws.wait_closed()


Body = Callable[[ManagedStream, Server, list[Any], list[str]], Awaitable[None]]


def with_stream(script: list[Any], body: Body, *, url: str | None = None,
                on_message: Callable[[Any], Awaitable[None]] | None = None,
                on_connected: Callable[[StreamConnection], Awaitable[None]] | None = None
                ) -> None:
    async def main() -> None:
        server = Server(script)
        received: list[Any] = []
        timeline: list[str] = []
        acks: list[Any] = []

        async def subscribe(connection: StreamConnection) -> None:
            await connection.send_json({"op": "subscribe", "args": ["book"]})
            acks.append(await connection.receive_json())
            timeline.append("connected")

        async def record(message: Any) -> None:
            received.append(message)

        async with serve(server.handler, "127.0.0.1", 0) as ws_server:
            port = ws_server.sockets[0].getsockname()[1]
            async with aiohttp.ClientSession() as session:
                stream = ManagedStream(
                    "test", url=lambda: url or f"ws://127.0.0.1:{port}/ws",
                    session=lambda: session, on_connected=on_connected or subscribe,
                    on_message=on_message or record,
                    on_disconnected=lambda: timeline.append("disconnected"),
                    clock=ScaledClock(speed=100.0), reconnect_delay=1.0)
                task = asyncio.create_task(stream.run())
                try:
                    await body(stream, server, received, timeline)
                finally:
                    task.cancel()
                    with pytest.raises(asyncio.CancelledError):
                        await task
        if on_connected is None and server.connections:
            assert acks[0] == {"ack": 1}  # the garbage frame before the ack was skipped

    run(main())


def test_garbage_and_binary_frames_are_skipped_and_the_stream_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: len(received) == 2, what="two JSON messages")
        assert received == [{"n": 1}, {"n": 2}]
        assert stream.connections == 1

    with caplog.at_level(logging.WARNING):
        with_stream(["{broken", b"\x00\x01", json.dumps({"n": 1}), "[1,", json.dumps({"n": 2})],
                    body)
    assert caplog.text.count("skipped a frame that is not JSON") >= 3


def test_a_dropped_connection_is_reconnected_and_resubscribed() -> None:
    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: stream.connections >= 2 and len(received) >= 2,
                         what="a reconnect")
        assert timeline[:3] == ["connected", "disconnected", "connected"]
        assert server.subscriptions[:2] == [{"op": "subscribe", "args": ["book"]}] * 2

    with_stream([json.dumps({"n": 1}), "CLOSE"], body)


def test_a_message_the_connector_cannot_process_is_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    handled: list[Any] = []

    async def fussy(message: Any) -> None:
        if message.get("bad"):
            raise KeyError("price")
        handled.append(message)

    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: handled == [{"n": 2}])

    with caplog.at_level(logging.ERROR):
        with_stream([json.dumps({"bad": True}), json.dumps({"n": 2})], body, on_message=fussy)
    assert "could not process a message; skipped" in caplog.text


def test_a_refused_connection_is_retried(caplog: pytest.LogCaptureFixture) -> None:
    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: timeline.count("disconnected") >= 2, what="two attempts")
        assert stream.connections == 0

    with caplog.at_level(logging.WARNING):
        with_stream([], body, url="ws://127.0.0.1:1/ws")
    assert "test stream: connection failed" in caplog.text


def test_a_failing_connect_hook_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []

    async def broken_hook(connection: StreamConnection) -> None:
        attempts.append(1)
        raise ValueError("cannot build the subscription")

    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: len(attempts) >= 2, what="a second attempt")

    with caplog.at_level(logging.ERROR):
        with_stream([], body, on_connected=broken_hook)
    assert "unexpected error; reconnecting" in caplog.text


def test_waiting_for_a_reply_on_a_closed_socket_raises() -> None:
    replies: list[Any] = []

    async def hook(connection: StreamConnection) -> None:
        await connection.send_json({"op": "subscribe"})
        replies.append(await connection.receive_json())   # the ack (garbage skipped)
        try:
            await connection.receive_json()                 # the server closes instead
        except ConnectionError as exc:
            replies.append(str(exc))
            raise

    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: len(replies) >= 2)

    with_stream(["CLOSE"], body, on_connected=hook)
    assert replies[0] == {"ack": 1}
    assert "stream closed while waiting for a reply" in replies[1]


def test_a_hook_that_says_the_stream_ended_makes_it_reconnect() -> None:
    seen: list[Any] = []

    async def ended(message: Any) -> None:
        seen.append(message)
        if message.get("event") == "listenKeyExpired":
            raise ConnectionError("the exchange ended the user stream")

    async def body(stream: ManagedStream, server: Server, received: list[Any],
                   timeline: list[str]) -> None:
        await eventually(lambda: timeline.count("connected") >= 2 and len(seen) >= 2,
                         what="a resubscription and its first message")
        assert timeline[:3] == ["connected", "disconnected", "connected"]
        # The message after the end was never handed over on the first connection.
        assert seen[:2] == [{"event": "listenKeyExpired"}, {"event": "listenKeyExpired"}]

    with_stream([json.dumps({"event": "listenKeyExpired"}), json.dumps({"n": 1})], body,
                on_message=ended)
