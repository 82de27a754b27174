"""A fake of aiohttp's ClientWebSocketResponse, fed by one cassette connection.

The methods connectors use (receive*, send*, close, async iteration) behave as aiohttp's do;
behind them, a player task plays the connection's server frames in order, each once its
trigger fired (a client frame, an HTTP interaction answered by the REST mock, a delay), and
the Script (script.py) judges what the client sends. No socket is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import WSMessage, WSMsgType

from harness.cassette.format import FrameKind
from harness.mocks.script import Script

_CLOSED = WSMessage(WSMsgType.CLOSED, None, None)


class FakeWebSocket:
    """A ClientWebSocketResponse look-alike fed by one cassette connection."""

    def __init__(self, script: Script, http_event: Callable[[str], asyncio.Event],
                 told: list[Any] | None = None) -> None:
        """`told`: where the JSON frames played are noted, in order (conformance replay
        answers an order's polls from them: harness/replay/order_state.py)."""
        self.script = script
        self._told = told
        self.sent: list[str] = []  # every frame the client sent, as text
        self.progress = 0  # how many of the connection's frames have been played
        self._frames = script.frames
        self._http_event = http_event
        self._inbox: asyncio.Queue[WSMessage] = asyncio.Queue()
        self._closed = False
        self._close_code: int | None = None
        self._exception: BaseException | None = None
        self._player = asyncio.get_running_loop().create_task(self._play())

    # -- the script ------------------------------------------------------------------------
    async def _play(self) -> None:
        client = self.script.client
        for position, frame in enumerate(self._frames):
            trigger = self.script.answered_by_client(position)
            if trigger is not None:  # a client frame, or a reply sent when one arrives
                await client[trigger].wait()
                self.progress = position + 1
                continue
            after = frame.after
            if after.client is not None:
                await client[after.client].wait()
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
            if self._told is not None and frame.kind is FrameKind.JSON:
                self._told.append(frame.value)
            self._inbox.put_nowait(WSMessage(WSMsgType.TEXT, self.script.server_text(frame),
                                             None))

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
        self.sent.append(data)
        for reply in self.script.receive(data):
            self._inbox.put_nowait(WSMessage(WSMsgType.TEXT, reply, None))

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
