"""ReplaySession: one cassette served on real loopback sockets for the length of a test.

    async with ReplaySession(load_cassette(path)) as replay:
        connector = make_connector(rest_base=replay.http_base_for("https://api.binance.com"),
                                   ws_base=replay.ws_base_for("wss://stream.binance.com:9443"))
        ...
    # on exit: unmatched requests, and in strict mode unused interactions, raise CassetteMismatch

While the session is active the network is blocked (only 127.0.0.1 can be reached).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from websockets.asyncio.server import ServerConnection

from harness.cassette.exchange import ExchangeProfile
from harness.cassette.format import Cassette, ReplayMode
from harness.cassette.loader import dump_cassette
from harness.cassette.matchers import (
    DEFAULT_MATCHERS,
    DEFAULT_VOLATILE_KEYS,
    Matcher,
    RequestView,
    normalize_host,
)
from harness.cassette.record_mode import RecordMode, resolve_record_mode
from harness.cassette.scrub import Scrubber
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance
from harness.replay.http import HttpReplay, RequestVerifier, ServedRequest, http_ids_awaited
from harness.replay.netguard import block_network
from harness.replay.relay import Capture, HttpForwarder, base_of, relay_ws
from harness.replay.verdict import ReplayVerdict
from harness.replay.ws import WsConnectionLog, WsReplay, WsVerifier
from harness.replay.ws_conformance import WsConformance


def loopback_base(original_base: str, port: int, scheme: str) -> str:
    """`https://api.x.com/api` + port 5 -> `http://127.0.0.1:5/api` (path prefix kept)."""
    path = urlsplit(original_base).path.rstrip("/")
    return f"{scheme}://127.0.0.1:{port}{path}"


class ReplaySession(ReplayVerdict):
    """Serve `cassette` over loopback HTTP and WebSocket servers (an async context manager).

    strict: on exit, interactions/frames never played and unexpected WS frames fail too
        (unmatched HTTP requests always fail).
    volatile_keys: parameter/JSON keys ignored when matching (None: timestamp, signature,
        nonce, recvWindow).
    request_verifier: called with each matched request; a returned string rejects it.
    ws_verifier: the same for WebSocket client frames whose recorded frame was signed
        (carried a scrubbed value), called with the decoded frame.
    record_mode: none (default) or once replay only; new_episodes forwards requests the
        cassette lacks to `upstreams` and appends them to the cassette file on exit.
        `CI` in the environment forces none.
    exchange: the exchange's conformance data (cassettes/<exchange>/exchange.yaml). With it
        the replay is a conformance replay (any correct client's requests are answered),
        unless the cassette says `meta.replay: strict`; without it, strict byte-level replay.
    """

    http: HttpReplay
    ws: WsReplay

    def __init__(
        self,
        cassette: Cassette,
        *,
        strict: bool = True,
        volatile_keys: Iterable[str] | None = None,
        request_verifier: RequestVerifier | None = None,
        record_mode: str | RecordMode = RecordMode.NONE,
        matchers: Sequence[Matcher] = DEFAULT_MATCHERS,
        upstreams: Mapping[str, str] | None = None,
        scrubber: Scrubber | None = None,
        save_to: str | Path | None = None,
        exchange: ExchangeProfile | None = None,
        ws_verifier: WsVerifier | None = None,
    ) -> None:
        self.cassette = cassette
        conformance = exchange is not None and cassette.meta.replay is not ReplayMode.STRICT
        self.mode = ReplayMode.CONFORMANCE if conformance else ReplayMode.STRICT
        self.strict = strict
        self.volatile = frozenset(DEFAULT_VOLATILE_KEYS if volatile_keys is None else volatile_keys)
        self.record_mode = resolve_record_mode(record_mode)
        if self.record_mode is RecordMode.ALL:
            raise ValueError("record mode all re-records the whole cassette: use RecordingProxy"
                             " (harness.cassette.recorder) instead of ReplaySession")
        self._upstreams = dict(upstreams or {})
        recording = self.record_mode is RecordMode.NEW_EPISODES
        if recording and not self._upstreams:
            raise ValueError("record mode new_episodes needs upstreams={original base: upstream"
                             " base} to forward requests the cassette lacks")
        self._capture = Capture(scrubber or Scrubber()) if recording else None
        self._save_to = Path(save_to) if save_to else cassette.path
        self._forwarder = HttpForwarder(self._capture) if self._capture else None
        self._mismatches: list[tuple[str, str]] = []  # (kind, message); kind is http or ws
        self._events: dict[str, asyncio.Event] = {}
        http_policy = ws_policy = None
        sent: list[Any] = []  # stream frames sent: what the exchange has told the client
        if conformance:
            assert exchange is not None
            ids = ClientIds(exchange, cassette)
            http_policy = HttpConformance(exchange, cassette, ids, sent, request_verifier)
            ws_policy = WsConformance(exchange, ids)
            matchers = http_policy.matchers
        self.http = HttpReplay(
            cassette, self.volatile, tuple(matchers),
            on_mismatch=lambda message: self._mismatches.append(("http", message)),
            verifier=request_verifier, on_served=self._served,
            fallback=self._record_http if recording else None,
            announce=http_ids_awaited(cassette), policy=http_policy,
        )
        self.ws = WsReplay(
            cassette, self.volatile,
            on_mismatch=lambda message: self._mismatches.append(("ws", message)),
            http_event=self._event, fallback=self._record_ws if recording else None,
            policy=ws_policy, verifier=ws_verifier, sent=sent,
        )
        self._stack = contextlib.ExitStack()
        self._started = False

    # -- lifecycle ---------------------------------------------------------------------
    async def __aenter__(self) -> ReplaySession:
        if self._capture is None:  # new_episodes may need the real upstream
            self._stack.enter_context(block_network())
        try:
            await self.http.start()
            await self.ws.start()
        except BaseException:
            await self._stop()
            raise
        self._started = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        await self._stop()
        self._save_new_episodes()
        self._conclude(exc is not None, strict=self.strict)
        return False

    async def _stop(self) -> None:
        try:
            await self.ws.stop()
            await self.http.stop()
            if self._forwarder is not None:
                await self._forwarder.close()
        finally:
            self._stack.close()
            self._started = False

    # -- addresses ---------------------------------------------------------------------
    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("the replay servers run only inside `async with ReplaySession(...)`")

    def http_base_for(self, original_base: str) -> str:
        """The loopback base to use instead of `original_base`, e.g.
        `https://api.binance.com` -> `http://127.0.0.1:PORT`."""
        self._require_started()
        return loopback_base(original_base, self.http.port, "http")

    def ws_base_for(self, original_base: str) -> str:
        """`wss://stream.binance.com:9443` -> `ws://127.0.0.1:PORT2`."""
        self._require_started()
        return loopback_base(original_base, self.ws.port, "ws")

    def host_map(self) -> dict[str, str]:
        """Every host of the cassette mapped to its loopback server: the argument to give
        `route_hosts` for a client that cannot take URL overrides."""
        self._require_started()
        bases = {base_of(i.request.uri) for i in self.cassette.interactions}
        bases |= {base_of(c.url) for c in self.cassette.ws}
        bases |= set(self._upstreams)
        return {
            base: loopback_base(base_of(base), self.ws.port, "ws")
            if base.startswith(("ws:", "wss:"))
            else loopback_base(base_of(base), self.http.port, "http")
            for base in sorted(bases)
        }

    # -- what happened -----------------------------------------------------------------
    @property
    def requests(self) -> list[ServedRequest]:
        """Every HTTP request received, with the index of the interaction that answered it."""
        return self.http.requests

    @property
    def ws_connections(self) -> list[WsConnectionLog]:
        """Every WebSocket connection accepted, with the client frames received on it."""
        return self.ws.connections

    # -- HTTP -> WS triggers -----------------------------------------------------------
    def _served(self, ident: str) -> None:
        self._event(ident).set()

    def release(self, ident: str) -> None:
        """Play the frames recorded `after: {http: ident}` now, whether or not a request was
        answered with that interaction: a check's own go-ahead must not depend on which
        endpoint a client asks (a network check may be a health or a server-time request)."""
        self._served(ident)

    # -- new_episodes ------------------------------------------------------------------
    def _upstream_for(self, host: str | None, schemes: tuple[str, ...], path: str) -> str:
        bases = [b for b in self._upstreams if urlsplit(b).scheme in schemes]
        for base in bases:
            if host is not None and normalize_host(urlsplit(base).netloc) == host:
                return base
        recorded = [base_of(i.request.uri) for i in self.cassette.interactions
                    if urlsplit(i.request.uri).path == path]
        for base in bases:
            if base_of(base) in recorded:
                return base
        if not bases:
            raise LookupError(f"no upstream for {schemes[0]} traffic to {path}")
        return bases[0]

    async def _record_http(self, request: web.BaseRequest, view: RequestView) -> web.Response:
        assert self._forwarder is not None
        try:
            original = self._upstream_for(view.host, ("http", "https"), view.path)
        except LookupError as exc:
            return web.Response(status=502, text=str(exc))
        return await self._forwarder.forward(request, view.body, original,
                                             self._upstreams[original])

    async def _record_ws(self, connection: ServerConnection, path: str, host: str | None) -> None:
        assert self._capture is not None
        original = self._upstream_for(host, ("ws", "wss"), path.partition("?")[0])
        upstream = base_of(self._upstreams[original]) + path
        await relay_ws(connection, upstream, base_of(original) + path, self._capture)

    def _save_new_episodes(self) -> None:
        capture = self._capture
        if capture is None or not (capture.http or capture.ws) or self._save_to is None:
            return
        interactions, connections = capture.build(first_index=len(self.cassette.interactions))
        meta = self.cassette.meta
        scrubbed = tuple(sorted(set(meta.scrubbed) | set(capture.scrubber.names()), key=str.lower))
        updated = replace(
            self.cassette,
            meta=replace(meta, scrubbed=scrubbed),
            interactions=self.cassette.interactions + tuple(interactions),
            ws=self.cassette.ws + tuple(connections),
        )
        dump_cassette(updated, self._save_to)
