"""A WebSocket stream that stays connected: connect, subscribe, read, reconnect.

Frames that are not JSON are logged and skipped; the stream goes on. A message hook that raises
ConnectionError (the exchange said the stream ended) closes the socket. Every disconnect is
followed by a reconnect after the configured delay, and the connect hook runs again, so
subscriptions are always renewed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from harness.standard.clock import Clock

log = logging.getLogger(__name__)


class StreamConnection:
    """What a connect hook gets: a way to send frames and read replies on the new socket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws

    async def send_json(self, payload: Any) -> None:
        await self._ws.send_str(json.dumps(payload, separators=(",", ":")))

    async def receive_json(self) -> Any:
        """Next JSON frame (used by hooks that must await an acknowledgement)."""
        while True:
            message = await self._ws.receive()
            if message.type is not aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"stream closed while waiting for a reply: {message.type}")
            try:
                return json.loads(message.data)
            except ValueError:
                log.warning("stream: skipped a frame that is not JSON: %.80r", message.data)


class ManagedStream:
    def __init__(
        self,
        name: str,
        *,
        url: Callable[[], str],
        session: Callable[[], aiohttp.ClientSession],
        on_connected: Callable[[StreamConnection], Awaitable[None]],
        on_message: Callable[[Any], Awaitable[None]],
        on_disconnected: Callable[[], None],
        clock: Clock,
        reconnect_delay: float,
    ) -> None:
        self.name = name
        self._url = url
        self._session = session
        self._on_connected = on_connected
        self._on_message = on_message
        self._on_disconnected = on_disconnected
        self._clock = clock
        self._reconnect_delay = reconnect_delay
        self.connections = 0

    async def run(self) -> None:
        """Run until cancelled."""
        while True:
            try:
                await self._run_once()
            except (aiohttp.ClientError, ConnectionError, OSError) as exc:
                log.warning("%s stream: connection failed: %s", self.name, exc)
            except Exception:
                log.exception("%s stream: unexpected error; reconnecting", self.name)
            finally:
                self._on_disconnected()
            await self._clock.sleep(self._reconnect_delay)

    async def _run_once(self) -> None:
        async with self._session().ws_connect(self._url(), autoping=True) as ws:
            self.connections += 1
            await self._on_connected(StreamConnection(ws))
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        break
                    continue
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    log.warning("%s stream: skipped a frame that is not JSON: %.80r",
                                self.name, message.data)
                    continue
                try:
                    await self._on_message(payload)
                except ConnectionError:
                    raise  # the hook says the stream is over (the server ended it): reconnect
                except Exception:
                    log.exception("%s stream: could not process a message; skipped", self.name)
            log.info("%s stream: disconnected (close code %s)", self.name, ws.close_code)
