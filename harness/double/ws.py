"""One client WebSocket connection to a double server, as the wire layer sees it.

The wire layer answers frames with `send_json`/`send_text` and subscribes the connection
to exchange events with `subscribe(kind, render)`: the server renders every exchange event
through `render` and pushes the payloads in order, applying the plan's WS faults
(duplicate, reorder, delay) for that kind. Pushes go through one queue per connection so a
delay holds back what follows it, as a slow network would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from harness.double.events import ExchangeEvent
from harness.double.faults import FaultPlan, WsFault, WsFaultKind
from harness.double.requestlog import LoggedRequest
from harness.double.wire import dumps

Renderer = Callable[[ExchangeEvent], Sequence[Any]]
"""Turns an exchange event into the payloads to push: dicts/lists are sent as JSON,
strings as text; an empty list ignores the event."""


@dataclass(frozen=True)
class _Push:
    payloads: tuple[Any, ...]
    delay: float = 0.0


class DoubleWsConnection:
    """A connected client: its path, per-connection `state`, subscriptions and sending."""

    def __init__(self, ws: ServerConnection, faults: FaultPlan, *,
                 reorder_release: float = 1.0) -> None:
        self._ws = ws
        request = ws.request
        self.raw_path = request.path if request is not None else "/"
        self.path, _, self.query_string = self.raw_path.partition("?")
        self.query: tuple[tuple[str, str], ...] = tuple(
            parse_qsl(self.query_string, keep_blank_values=True))
        self.headers: dict[str, str] = (
            {k.lower(): v for k, v in request.headers.raw_items()} if request else {})
        self.state: dict[str, Any] = {}
        self.kinds: set[str] = set()
        """Stream kinds this connection carries (for drops); subscribing adds the kind."""
        self.faults = faults
        """The server's fault plan, for wire layers that apply faults to WS API requests."""
        self.sent: int = 0
        self._subscriptions: dict[str, Renderer] = {}
        self._outbox: asyncio.Queue[_Push] = asyncio.Queue()
        self._held: dict[str, tuple[tuple[Any, ...], asyncio.TimerHandle]] = {}
        self._reorder_release = reorder_release
        self._entry: LoggedRequest | None = None
        self._closed = False
        self._sender = asyncio.get_running_loop().create_task(self._send_pushes())

    # -- for the wire layer --------------------------------------------------------------

    async def send_json(self, obj: Any) -> None:
        await self.send_text(dumps(obj))

    async def send_text(self, text: str) -> None:
        await self._ws.send(text)
        self.sent += 1

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self._ws.close(code, reason)

    def drop(self, *, abrupt: bool = True) -> None:
        """Cut the connection now: abruptly (no close frame) or with close code 1001."""
        if abrupt:
            transport = self._ws.transport
            if transport is not None:
                transport.abort()
        else:
            asyncio.get_running_loop().create_task(self.close(1001, "going away"))

    def subscribe(self, kind: str, render: Renderer) -> None:
        """Push `render(event)` for every exchange event from now on (replaces `kind`'s)."""
        self._subscriptions[kind] = render
        self.kinds.add(kind)

    def unsubscribe(self, kind: str) -> bool:
        """Stop pushing `kind`; False if it was not subscribed."""
        self.kinds.discard(kind)
        return self._subscriptions.pop(kind, None) is not None

    @property
    def subscriptions(self) -> tuple[str, ...]:
        return tuple(self._subscriptions)

    @property
    def closed(self) -> bool:
        return self._closed or self._ws.state is State.CLOSED

    def note(self, *, operation: str | None = None, invalid: str | None = None) -> None:
        """Name the operation of the frame being handled, or mark it invalid (request log)."""
        if self._entry is None:
            return
        if operation is not None:
            self._entry.operation = operation
        if invalid is not None:
            previous = self._entry.invalid_reason
            self._entry.invalid_reason = invalid if previous is None else f"{previous}; {invalid}"

    # -- for the server ------------------------------------------------------------------

    def render(self, event: ExchangeEvent) -> list[tuple[str, tuple[Any, ...]]]:
        """(kind, payloads) of every subscription that has something to push for `event`."""
        out = []
        for kind, render in tuple(self._subscriptions.items()):
            payloads = tuple(render(event))
            if payloads:
                out.append((kind, payloads))
        return out

    def push(self, kind: str, payloads: tuple[Any, ...], fault: WsFault | None) -> None:
        """Queue payloads of one event, applying `fault`."""
        if fault is not None and fault.kind is WsFaultKind.REORDER:
            self._release_held(kind)
            handle = asyncio.get_running_loop().call_later(
                self._reorder_release, self._release_held, kind)
            self._held[kind] = (payloads, handle)
            return
        if fault is not None and fault.kind is WsFaultKind.DUPLICATE:
            payloads = payloads + payloads
        delay = fault.delay if fault is not None and fault.kind is WsFaultKind.DELAY else 0.0
        self._outbox.put_nowait(_Push(payloads, delay))
        self._release_held(kind)

    def begin_frame(self, entry: LoggedRequest | None) -> None:
        """The log entry that `note` updates while the wire layer handles a frame."""
        self._entry = entry

    async def shutdown(self) -> None:
        self._closed = True
        for _, handle in self._held.values():
            handle.cancel()
        self._held.clear()
        self._sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sender

    def _release_held(self, kind: str) -> None:
        held = self._held.pop(kind, None)
        if held is not None:
            payloads, handle = held
            handle.cancel()
            self._outbox.put_nowait(_Push(payloads))

    async def _send_pushes(self) -> None:
        try:
            while True:
                push = await self._outbox.get()
                if push.delay:
                    await asyncio.sleep(push.delay)
                for payload in push.payloads:
                    await self.send_text(payload if isinstance(payload, str) else dumps(payload))
        except ConnectionClosed:
            return
