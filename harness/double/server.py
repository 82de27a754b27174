"""The loopback server a connector's exchange double runs in.

`DoubleServer` starts one aiohttp HTTP server and one websockets server on 127.0.0.1
(ephemeral ports). Every URL the connector knows maps to them (`http_base_for`,
`ws_base_for`); the wire layer routes by path. The server applies the fault plan, logs
every request with its operation and validity, and pushes exchange events to the
WebSocket subscriptions the wire layer made.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from harness.double.events import ExchangeEvent
from harness.double.exchange import Exchange
from harness.double.faults import FaultPlan, HttpFault, HttpFaultKind
from harness.double.requestlog import Channel, LoggedRequest, RequestLog
from harness.double.wire import DoubleRequest, DoubleResponse, WireFormat
from harness.double.ws import DoubleWsConnection

log = logging.getLogger(__name__)
T = TypeVar("T")
_HOLDS = (HttpFaultKind.TIMEOUT, HttpFaultKind.ACCEPTED_THEN_TIMEOUT)
# Faults the exchange executes the request for before answering (or not answering) wrongly.
_EXECUTES = (HttpFaultKind.ACCEPTED_THEN_TIMEOUT, HttpFaultKind.EXECUTED_THEN_SERVER_ERROR)


class DoubleServer:
    """HTTP + WebSocket loopback servers around one `Exchange`, one `WireFormat`, one
    `FaultPlan`. Use as ``async with DoubleServer(...) as server:``.

    `hold_limit` bounds how long a timeout fault holds a request (the client normally gives
    up first); `reorder_release` is how long a reordered event waits for a successor.
    """

    def __init__(self, exchange: Exchange, wire: WireFormat, faults: FaultPlan | None = None,
                 *, host: str = "127.0.0.1", hold_limit: float = 60.0,
                 reorder_release: float = 1.0) -> None:
        self.exchange = exchange
        self.wire = wire
        self.faults = faults if faults is not None else FaultPlan()
        self.host = host
        self.hold_limit = hold_limit
        self.reorder_release = reorder_release
        self.request_log = RequestLog()
        self.errors: list[str] = []
        """Exceptions raised by wire-layer code (each a short traceback); tests assert empty."""
        self.http_port = 0
        self.ws_port = 0
        self._connections: dict[DoubleWsConnection, None] = {}
        self._runner: web.AppRunner | None = None
        self._ws_server: Server | None = None
        self._release = asyncio.Event()
        self._held = 0
        self._hooks: list[Callable[[], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> DoubleServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle_http)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True,
                                    shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.http_port = self._runner.addresses[0][1]
        # A short close timeout keeps reset/stop fast even if a client ignores the close.
        self._ws_server = await serve(self._handle_ws, self.host, 0, compression=None,
                                      close_timeout=0.5)
        self._loop = asyncio.get_running_loop()
        self.ws_port = self._ws_server.sockets[0].getsockname()[1]
        self._release = asyncio.Event()
        self._hooks = [self.exchange.subscribe(self._on_event),
                       self.faults.on_drop(self._on_drop)]
        return self

    async def stop(self) -> None:
        for unhook in self._hooks:
            unhook()
        self._hooks = []
        self.release_held()
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()
            self._ws_server = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DoubleServer:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    async def reset(self, *, close_connections: bool = True) -> None:
        """Start a new example on the running sockets: fresh exchange state, no faults, empty
        log, held requests released and (by default) client connections closed."""
        self.exchange.reset()
        self.faults.clear()
        self.request_log.clear()
        self.errors.clear()
        self.release_held()
        if close_connections:
            conns = list(self._connections)
            await asyncio.gather(*(conn.close(1001, "reset") for conn in conns),
                                 return_exceptions=True)

    # -- addresses -----------------------------------------------------------------------

    @property
    def http_base(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def ws_base(self) -> str:
        return f"ws://{self.host}:{self.ws_port}"

    def http_base_for(self, original_base: str) -> str:
        """Where to send what was meant for `original_base`, keeping its path prefix:
        ``https://api.example.com/api`` -> ``http://127.0.0.1:P/api``."""
        return self.http_base + urlsplit(original_base).path.rstrip("/")

    def ws_base_for(self, original_base: str) -> str:
        """Like `http_base_for`, for WebSocket bases (wss://... -> ws://127.0.0.1:Q/...)."""
        return self.ws_base + urlsplit(original_base).path.rstrip("/")

    # -- state for tests -----------------------------------------------------------------

    def invalid_requests(self) -> list[LoggedRequest]:
        """Requests and frames the wire layer judged invalid."""
        return self.request_log.invalid()

    @property
    def connections(self) -> list[DoubleWsConnection]:
        return list(self._connections)

    @property
    def held(self) -> int:
        """Requests currently held open by timeout faults."""
        return self._held

    def release_held(self) -> None:
        """End every held request now (their clients get a dropped connection)."""
        self._release.set()
        self._release = asyncio.Event()

    async def drop_ws(self, kind: str | None = None, *, abrupt: bool = True) -> int:
        """Drop the connections carrying `kind` (None: all); returns how many."""
        count = len(self._matching(kind))
        self.faults.drop_ws(kind, abrupt=abrupt)
        await asyncio.sleep(0)
        return count

    # -- HTTP ----------------------------------------------------------------------------

    async def _handle_http(self, http: web.Request) -> web.StreamResponse:
        request = DoubleRequest(http.method, http.path, http.rel_url.raw_query_string,
                                await http.read(), http.headers,
                                body_is_form=bool(getattr(self.wire, "body_is_form", False)))
        request.operation = self._guard(lambda: self.wire.operation_for(request), "?")
        verdict = self._guard(lambda: self.wire.validate(request), None)
        if verdict is not None:
            request.mark_invalid(verdict)
        detail = request.query_string + ("|" if request.body else "") + \
            request.body.decode("utf-8", errors="replace")
        entry = self.request_log.add(Channel.HTTP, request.method, request.path,
                                     request.operation, detail, request.invalid_reason)
        fault = self.faults.take_http(request.operation)
        if fault is not None:
            entry.fault = fault.kind.value
        response: DoubleResponse | None = None
        if fault is None or fault.kind in _EXECUTES:
            response = await self._aguard(self.wire.handle_http(request, self.exchange))
            entry.invalid_reason = request.invalid_reason
        if fault is not None:
            if fault.kind in _HOLDS:
                return await self._hold(http)
            response = self._fault_response(request, fault)
        assert response is not None
        entry.status = response.status
        return _to_aiohttp(response)

    def _fault_response(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        if fault.kind is HttpFaultKind.EXECUTED_THEN_SERVER_ERROR:
            # Rendered as the plain 5xx: the client must not be able to tell them apart.
            fault = HttpFault(HttpFaultKind.SERVER_ERROR, fault.status)
        response = self._guard(lambda: self.wire.render_fault(request, fault), None)
        if response is None:
            response = DoubleResponse.json({"error": fault.kind.value}, fault.status)
        if fault.kind is HttpFaultKind.RATE_LIMIT and not any(
                name.lower() == "retry-after" for name in response.headers):
            response.headers["Retry-After"] = f"{fault.retry_after:g}"
        return response

    async def _hold(self, http: web.Request) -> web.StreamResponse:
        """Answer nothing until released (or the client leaves), then cut the connection."""
        self._held += 1
        release = self._release
        try:
            async with asyncio.timeout(self.hold_limit):
                await release.wait()
        except TimeoutError:
            pass
        finally:
            self._held -= 1
        if http.transport is not None:
            http.transport.abort()
        return web.Response(status=504)

    # -- WebSocket -----------------------------------------------------------------------

    async def _handle_ws(self, ws: ServerConnection) -> None:
        conn = DoubleWsConnection(ws, self.faults, reorder_release=self.reorder_release)
        self._connections[conn] = None
        try:
            conn.begin_frame(self.request_log.add(Channel.WS, "CONNECT", conn.path,
                                                  "ws_connect", conn.raw_path))
            await self._aguard(self.wire.on_ws_connect(conn))
            async for message in ws:
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                conn.begin_frame(self.request_log.add(Channel.WS, "FRAME", conn.path,
                                                      "ws_message", text))
                await self._aguard(self.wire.on_ws_message(conn, text))
                conn.begin_frame(None)
        except ConnectionClosed:
            pass
        finally:
            self._connections.pop(conn, None)
            await conn.shutdown()

    def _on_event(self, event: ExchangeEvent) -> None:
        """Fan an exchange event out to subscriptions; one fault decision per event and kind.

        Events raised from another thread hop onto the server's loop first (sockets and
        queues belong to it); the exchange itself should still be driven from one thread.
        """
        if not self._in_loop():
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._on_event, event)
            return
        by_kind: dict[str, list[tuple[DoubleWsConnection, tuple[Any, ...]]]] = {}
        for conn in self._connections:
            try:
                rendered = conn.render(event)
            except Exception:
                self._record_error()
                continue
            for kind, payloads in rendered:
                by_kind.setdefault(kind, []).append((conn, payloads))
        for kind, deliveries in by_kind.items():
            fault = self.faults.take_ws(kind)
            for conn, payloads in deliveries:
                conn.push(kind, payloads, fault)

    def _on_drop(self, kind: str | None, abrupt: bool) -> None:
        if not self._in_loop():
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._on_drop, kind, abrupt)
            return
        for conn in self._matching(kind):
            conn.drop(abrupt=abrupt)

    def _in_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _matching(self, kind: str | None) -> list[DoubleWsConnection]:
        return [conn for conn in self._connections if kind is None or kind in conn.kinds]

    # -- wire-layer errors ---------------------------------------------------------------

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except Exception:
            self._record_error()
            return fallback

    async def _aguard(self, awaitable: Awaitable[T]) -> T | DoubleResponse:
        try:
            return await awaitable
        except (ConnectionClosed, asyncio.CancelledError):
            raise
        except Exception:
            self._record_error()
            return DoubleResponse.json({"error": "wire layer raised; see server.errors"}, 500)

    def _record_error(self) -> None:
        text = traceback.format_exc(limit=-3)
        log.error("double wire layer raised:\n%s", text)
        self.errors.append(text)


def _to_aiohttp(response: DoubleResponse) -> web.Response:
    body, content_type = response.encode()
    headers = dict(response.headers)
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type
    return web.Response(status=response.status, body=body, headers=headers)
