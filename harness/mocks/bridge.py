"""CassetteMock: one cassette as in-process mocks, for unit tests in the aioresponses style.

    with CassetteMock("cassettes/binance/fills_by_stream.yaml") as mock:
        ...  # aiohttp REST calls are answered by aioresponses, ws_connect by a fake socket
    # on exit: unmatched requests (and, if strict, anything never played) raise CassetteMismatch

REST goes through an aioresponses instance (`mock.responses`; pass your own to add the
cassette to a test's existing mock), WebSocket through a replaced `ClientSession.ws_connect`.
Nothing opens a socket.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any
from unittest import mock as unittest_mock

import aiohttp
from yarl import URL

from harness.cassette.exchange import PROFILE_FILE, ExchangeProfile, load_exchange_profile
from harness.cassette.format import Cassette, ReplayMode
from harness.cassette.loader import load_cassette
from harness.cassette.matchers import DEFAULT_MATCHERS, DEFAULT_VOLATILE_KEYS, Matcher
from harness.mocks.dependency import require_aioresponses
from harness.mocks.http import HttpMock, RequestVerifier, request_view
from harness.mocks.meaning import MeaningScript, WsVerifier
from harness.mocks.script import Script
from harness.mocks.socket import FakeWebSocket
from harness.mocks.ws import Connecting, ScriptFactory, WsMock
from harness.replay.client_ids import ClientIds
from harness.replay.conformance import HttpConformance
from harness.replay.http import ServedRequest
from harness.replay.verdict import ReplayVerdict
from harness.replay.ws_conformance import WsConformance

AUTO = "auto"


class CassetteMock(ReplayVerdict):
    """Serve `cassette` (a Cassette or a path) to aiohttp in-process; a (sync or async)
    context manager.

    responses: an aioresponses instance to add the cassette to (it stays the caller's to
        start and stop); None: the mock makes and runs its own.
    strict: on exit, interactions never served, frames never played and unexpected client
        frames fail too (unmatched HTTP requests and connections always fail). Off by
        default: a unit test usually exercises a part of a scenario.
    exchange: the exchange's conformance data (an ExchangeProfile or its exchange.yaml);
        "auto" (the default) reads the exchange.yaml beside the cassette, if there is one.
        With it the mock answers any request a correct client may send, as conformance
        replay does (`mode` says which); None, or `replay: strict` in the cassette's meta,
        keeps the recorded client's requests, parameter for parameter.
    volatile_keys, matchers, request_verifier, ws_verifier: as for ReplaySession.
    """

    http: HttpMock
    ws: WsMock

    def __init__(
        self,
        cassette: Cassette | str | os.PathLike[str],
        *,
        responses: Any = None,
        strict: bool = False,
        volatile_keys: Iterable[str] | None = None,
        matchers: Sequence[Matcher] = DEFAULT_MATCHERS,
        request_verifier: RequestVerifier | None = None,
        exchange: ExchangeProfile | str | os.PathLike[str] | None = AUTO,
        ws_verifier: WsVerifier | None = None,
    ) -> None:
        module = require_aioresponses()
        self.cassette = cassette if isinstance(cassette, Cassette) else load_cassette(cassette)
        self.strict = strict
        volatile = frozenset(DEFAULT_VOLATILE_KEYS if volatile_keys is None else volatile_keys)
        self._owns_responses = responses is None
        self.responses: Any = module.aioresponses() if responses is None else responses
        self._mismatches: list[tuple[str, str]] = []  # (kind, message): http, connect or ws
        self._events: dict[str, asyncio.Event] = {}
        profile = exchange_profile(exchange, self.cassette)
        conformance = profile is not None and self.cassette.meta.replay is not ReplayMode.STRICT
        self.mode = ReplayMode.CONFORMANCE if conformance else ReplayMode.STRICT
        http_policy: HttpConformance | None = None
        script: ScriptFactory = Script
        same_path = None
        read_only: list[tuple[str, str]] = []
        told: list[Any] | None = None
        if profile is not None and conformance:
            ids = ClientIds(profile, self.cassette)
            told = []  # the stream frames played: what the exchange told of its orders
            http_policy = HttpConformance(profile, self.cassette, ids, told, request_verifier)
            matchers = http_policy.matchers
            read_only = [(r.method, r.path) for r in profile.read_only
                         if r.default is not None or r.order_state is not None]
            ws_policy = WsConformance(profile, ids)
            script = partial(MeaningScript, policy=ws_policy, verifier=ws_verifier)
            same_path = ws_policy.accepts_path
        self.http = HttpMock(self.cassette, volatile, matchers, verifier=request_verifier,
                             on_mismatch=lambda m: self._mismatches.append(("http", m)),
                             on_served=lambda ident: self._event(ident).set(),
                             policy=http_policy, read_only=read_only)
        self.ws = WsMock(self.cassette.ws, volatile, http_event=self._event,
                         on_mismatch=lambda m: self._mismatches.append(("ws", m)),
                         on_unmatched=lambda m: self._mismatches.append(("connect", m)),
                         same_path=same_path, script=script, told=told)
        self._ws_patch: Any = None
        self._added: set[str] = set()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> CassetteMock:
        """Register the cassette and replace ws_connect (the context managers call this)."""
        if self._ws_patch is not None:
            raise RuntimeError(f"CassetteMock({self.cassette.name}) is already started")
        if self._owns_responses:
            self.responses.start()
        before = set(self.responses._matches)
        self.http.register(self.responses)
        self._added = set(self.responses._matches) - before
        self._explain_misses(self.responses)
        ws = self.ws

        def ws_connect(session: aiohttp.ClientSession, url: str | URL, *args: Any,
                       **kwargs: Any) -> Connecting:
            return ws.connect(url, kwargs.get("params"))

        self._ws_patch = unittest_mock.patch.object(aiohttp.ClientSession, "ws_connect",
                                                    ws_connect)
        self._ws_patch.start()
        return self

    def stop(self) -> None:
        """Undo start(): ws_connect restored, sockets stopped, our aioresponses stopped."""
        self.ws.stop()
        if self._ws_patch is None:
            return
        self._ws_patch.stop()
        self._ws_patch = None
        if self._owns_responses:
            self.responses.stop()
            return
        # The caller's aioresponses goes on without the cassette (its patterns are uuid-keyed
        # entries of `_matches`; aioresponses has no public way to remove one).
        for key in self._added:
            self.responses._matches.pop(key, None)
        vars(self.responses).pop("match", None)

    def _explain_misses(self, responses: Any) -> None:
        """A request no pattern matches fails naming the closest recorded interactions too
        (aioresponses alone says only "Connection refused")."""
        if responses.passthrough_unmatched:
            return  # the caller wants such requests to reach the network
        original = responses.match
        http = self.http

        async def match(method: str, url: URL, allow_redirects: bool = True,
                        **kwargs: Any) -> Any:
            found = await original(method, url, allow_redirects=allow_redirects, **kwargs)
            if found is None:
                http.miss(request_view(method, url, kwargs, http.volatile))
            return found

        responses.match = match

    def __enter__(self) -> CassetteMock:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        self._conclude(exc is not None, strict=self.strict)

    async def __aenter__(self) -> CassetteMock:
        return self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.__exit__(exc_type, exc, tb)

    # -- what happened -----------------------------------------------------------------
    @property
    def requests(self) -> list[ServedRequest]:
        """Every HTTP request the cassette was asked, with the interaction that answered it."""
        return self.http.requests

    @property
    def sockets(self) -> list[FakeWebSocket]:
        """Every WebSocket connection opened, in cassette order; `.sent` is what the client sent."""
        return self.ws.sockets


def exchange_profile(exchange: ExchangeProfile | str | os.PathLike[str] | None,
                     cassette: Cassette) -> ExchangeProfile | None:
    """The profile `exchange` names; for "auto", the exchange.yaml beside the cassette."""
    if exchange is None or isinstance(exchange, ExchangeProfile):
        return exchange
    if exchange == AUTO:
        if cassette.path is None:
            return None
        beside = Path(cassette.path).parent / PROFILE_FILE
        return load_exchange_profile(beside) if beside.is_file() else None
    return load_exchange_profile(Path(exchange))
