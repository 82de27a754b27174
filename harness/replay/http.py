"""The REST half of a replay: an aiohttp.web server on 127.0.0.1 answering from a cassette.

The hot path is kept cheap: interactions are indexed by (method, path) and their responses
pre-built at start; per request we only parse the query/body and run the matchers on the
few candidates with that method and path.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from aiohttp import web
from multidict import CIMultiDict

from harness.cassette.format import SCRUBBED, Cassette, Fault, Interaction
from harness.cassette.matchers import (
    Matcher,
    Params,
    RequestView,
    failures,
    run_matcher,
    view_of_recorded,
)
from harness.replay.netguard import is_loopback_host

# Recorded bodies are stored decoded; these headers would describe the wire form instead.
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "content-encoding", "connection",
                          "keep-alive"})
FORWARDED_HOST = "X-Forwarded-Host"

RequestVerifier = Callable[[RequestView], "str | None"]
Fallback = Callable[[web.BaseRequest, RequestView], Awaitable[web.StreamResponse]]


@dataclass(eq=False)
class PreparedInteraction:
    """An interaction ready to serve: its request parsed, its response pre-serialized."""

    index: int
    interaction: Interaction
    view: RequestView
    headers: CIMultiDict[str]
    signed: bool = False  # recorded with credentials: the request_verifier checks it
    uses: int = 0

    @property
    def label(self) -> str:
        return f"#{self.index} {self.interaction.label}"


@dataclass(frozen=True)
class ServedRequest:
    """A request the replay server received, and the interaction that answered it (if any)."""

    view: RequestView
    interaction_index: int | None
    interaction_id: str | None = None
    status: int = 0
    # When it reached the exchange, on the connector's clock (HttpReplay.clock): when it was
    # *sent*, which is what a rate limit counts, whatever the connector waited afterwards.
    received_at: float = 0.0

    @property
    def method(self) -> str:
        return self.view.method

    @property
    def answered_by_default(self) -> bool:
        """Answered from the exchange's state (a read-only request the scenario never
        recorded, exchange.yaml's defaults), not by a recorded interaction."""
        return self.interaction_id == DEFAULT_ANSWER_ID

    @property
    def path(self) -> str:
        return self.view.path

    @property
    def params(self) -> Params:
        """All query and form-body parameters, volatile ones included."""
        return self.view.params

    @property
    def fields(self) -> Params:
        """`params` plus top-level JSON body members (see RequestView.fields)."""
        return self.view.fields

    def param(self, name: str) -> str | None:
        return self.view.param(name)


class ReplayPolicy(Protocol):
    """How conformance replay departs from strict replay (harness/replay/conformance.py)."""

    def pick(self, view: RequestView, candidates: Sequence[PreparedInteraction],
             matchers: Sequence[Matcher]) -> PreparedInteraction | None: ...

    def learn(self, view: RequestView, chosen: PreparedInteraction) -> None: ...

    def default_answer(self, view: RequestView,
                       recorded: Sequence[PreparedInteraction] = ()) -> bytes | None: ...

    def is_read_only(self, item: PreparedInteraction) -> bool:
        """A client may never ask for it: not a failure when unused."""
        ...

    def body_for(self, view: RequestView, chosen: PreparedInteraction) -> bytes:
        """The answer's body; LookupError (with the reason) refuses the request."""
        ...


DEFAULT_ANSWER_ID = "exchange default"


@dataclass
class HttpReplay:
    """Serves a cassette's interactions; reports misses through `on_mismatch`."""

    cassette: Cassette
    volatile: frozenset[str]
    matchers: Sequence[Matcher]
    on_mismatch: Callable[[str], None]
    verifier: RequestVerifier | None = None
    on_served: Callable[[str], None] | None = None
    fallback: Fallback | None = None
    announce: frozenset[str] = frozenset()  # ids some WS frame waits for
    policy: ReplayPolicy | None = None  # conformance replay; None: strict
    requests: list[ServedRequest] = field(default_factory=list)
    port: int = 0
    clock: Callable[[], float] = time.monotonic  # the subject sets the connector's clock

    def __post_init__(self) -> None:
        self.prepared = [self._prepare(i, item)
                         for i, item in enumerate(self.cassette.interactions)]
        self._index: dict[tuple[str, str], list[PreparedInteraction]] = {}
        for item in self.prepared:
            self._index.setdefault((item.view.method, item.view.path), []).append(item)
        self._stopping = asyncio.Event()
        self._runner: web.ServerRunner | None = None

    def _prepare(self, index: int, interaction: Interaction) -> PreparedInteraction:
        view = view_of_recorded(interaction.request, self.volatile)
        view.path = unquote(view.path)  # aiohttp hands us decoded paths
        headers: CIMultiDict[str] = CIMultiDict()
        for name, values in interaction.response.headers.items():
            if name.lower() not in _HOP_HEADERS:
                for value in values:
                    headers.add(name, value)
        return PreparedInteraction(index, interaction, view, headers, _was_signed(view))

    async def start(self) -> int:
        """Listen on 127.0.0.1 (ephemeral port); returns the port."""
        server = web.Server(self.handle, handler_cancellation=True, access_log=None)
        self._runner = web.ServerRunner(server, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        self._stopping.set()  # releases requests held open by a `timeout` fault
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def unused(self) -> list[PreparedInteraction]:
        return [item for item in self.prepared if item.uses == 0
                and not item.interaction.optional
                and (self.policy is None or not self.policy.is_read_only(item))]

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read() if request.body_exists else b""
        headers = request.headers
        host = headers.get(FORWARDED_HOST)
        if host is None:
            raw_host = request.host
            host = None if is_loopback_host(raw_host.rsplit(":", 1)[0]) else raw_host
        view = RequestView(request.method, request.path,
                           query_string=request.rel_url.raw_query_string,
                           body=body, content_type=request.content_type if body else "",
                           headers=headers, host=host, volatile=self.volatile)
        chosen = self._find(view)
        if chosen is None and self.policy is not None:
            try:
                default = self.policy.default_answer(view, self.prepared)
            except LookupError as exc:
                return self._unmatched(view, f"{exc} (exchange.yaml's default answer for"
                                             f" {view.path})")
            if default is not None:
                self.requests.append(ServedRequest(view, None, DEFAULT_ANSWER_ID, 200,
                                                   self.clock()))
                return web.Response(body=default, content_type="application/json")
        if chosen is None:
            if self.fallback is not None:
                return await self.fallback(request, view)
            return self._unmatched(view, self._explain(view))
        if self.verifier is not None and chosen.signed:
            reason = self.verifier(view)
            if reason is not None:
                return self._unmatched(view, f"request_verifier rejected it ({reason}); it"
                                             f" matched {chosen.label}")
        body = chosen.interaction.response.body
        if self.policy is not None:
            self.policy.learn(view, chosen)  # first: the answer echoes the client's own ids
            try:
                body = self.policy.body_for(view, chosen)
            except LookupError as exc:
                return self._unmatched(view, f"{exc}; it matched {chosen.label}")
        chosen.uses += 1
        interaction = chosen.interaction
        self.requests.append(ServedRequest(view, chosen.index, interaction.id,
                                           interaction.response.status, self.clock()))
        if interaction.fault is Fault.RESET:
            return await self._reset(request)
        if interaction.fault is Fault.TIMEOUT:
            return await self._hold(request)
        response = web.Response(body=body, status=interaction.response.status,
                                reason=interaction.response.message or None,
                                headers=chosen.headers)
        if interaction.id is not None and interaction.id in self.announce:
            # WS frames waiting for this interaction go out only after its answer did.
            await response.prepare(request)
            await response.write_eof()
            if self.on_served is not None:
                self.on_served(interaction.id)
        elif interaction.id is not None and self.on_served is not None:
            self.on_served(interaction.id)
        return response

    def _find(self, view: RequestView) -> PreparedInteraction | None:
        if self.policy is not None:
            return self.policy.pick(view, self._index.get((view.method, view.path), ()),
                                    self.matchers)
        for item in self._index.get((view.method, view.path), ()):
            if item.uses and not item.interaction.repeat:
                continue
            for matcher in self.matchers:
                if run_matcher(matcher, view, item.view) is not None:
                    break
            else:
                return item
        return None

    def _explain(self, view: RequestView) -> str:
        """The closest recorded interactions (top 3 by matchers passed) and what failed."""
        scored: list[tuple[int, int, str]] = []
        for item in self.prepared:
            failed = failures(view, item.view, self.matchers)
            passed = len(self.matchers) - len(failed)
            if failed:
                why = "; ".join(f"{name} failed: {reason}" for name, reason in failed)
            else:
                why = "all matchers pass but it was already served (add harness.repeat: true" \
                      " to serve it again, or record the request once more)"
            scored.append((-passed, item.index, f"{item.label}: {passed}/{len(self.matchers)}"
                                                f" matchers passed; {why}"))
        scored.sort()
        if not scored:
            return "the cassette has no HTTP interactions"
        closest = "\n".join(f"    - {line}" for _, _, line in scored[:3])
        return f"closest recorded interactions:\n{closest}"

    def _unmatched(self, view: RequestView, explanation: str) -> web.Response:
        self.requests.append(ServedRequest(view, None, None, 500, self.clock()))
        self.on_mismatch(f"unmatched request {view.describe()}\n  {explanation}")
        payload = {"harness_unmatched": f"{view.describe()}: {explanation.splitlines()[0]}"}
        return web.Response(status=500, text=json.dumps(payload), content_type="application/json")

    async def _reset(self, request: web.BaseRequest) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            transport.abort()
        return web.Response()  # never written: aiohttp drops it, the transport is gone

    async def _hold(self, request: web.BaseRequest) -> web.StreamResponse:
        await self._stopping.wait()  # the client gives up first (handler cancelled), or we stop
        return await self._reset(request)


def http_ids_awaited(cassette: Cassette) -> frozenset[str]:
    """Ids of HTTP interactions that some WS frame is triggered by."""
    return frozenset(
        frame.after.http for conn in cassette.ws for frame in conn.frames if frame.after.http
    )


def _was_signed(view: RequestView) -> bool:
    """True if the recorded request carried credentials: a volatile key (signature, timestamp,
    nonce...) among its parameters or top-level JSON keys, or a scrubbed header. Public
    requests are not given to the request_verifier."""
    if any(key in view.volatile for key in view.params):
        return True
    if view.has_json and isinstance(view.json, dict) and any(k in view.volatile for k in view.json):
        return True
    return any(value == SCRUBBED for value in view.headers.values())
