"""The REST half of a cassette mock: a cassette's interactions answered inside aioresponses.

aioresponses matches a URL exactly or by regular expression, which is not meaning-based
enough: parameters may come in any order, JSON bodies compare by structure, volatile keys
(timestamp, signature) never match anything recorded. So each recorded (method, URL without
query) becomes one repeatable aioresponses pattern whose callback chooses the interaction
with the cassette's own matchers (harness.cassette.matchers), exactly as loopback replay
does, and answers with the recorded status, reason, headers and body bytes.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn
from urllib.parse import unquote, urlencode

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from harness.cassette.format import SCRUBBED, Cassette, Fault, Interaction
from harness.cassette.matchers import Matcher, RequestView, failures, run_matcher, view_of_recorded
from harness.replay.http import (
    DEFAULT_ANSWER_ID,
    PreparedInteraction,
    ReplayPolicy,
    ServedRequest,
)

# Recorded bodies are stored decoded; these headers would describe the wire form instead.
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "content-encoding", "connection",
                          "keep-alive"})
# What aiohttp.web (and so loopback replay) says about a body recorded without a Content-Type.
_DEFAULT_CONTENT_TYPE = "application/octet-stream"

RequestVerifier = Callable[[RequestView], "str | None"]


class UnmatchedRequest(aiohttp.ClientConnectionError):
    """The cassette holds no interaction for a request; the message names the closest ones."""


def url_without_query(uri: str) -> str:
    """The URL aioresponses sees, no query: `https://x.com:443/a?b=1` -> `https://x.com/a`."""
    return str(URL(uri).with_query(None).with_fragment(None))


class HttpMock:
    """Answers a cassette's interactions from aioresponses callbacks; reports misses."""

    def __init__(self, cassette: Cassette, volatile: frozenset[str], matchers: Sequence[Matcher],
                 *, on_mismatch: Callable[[str], None], on_served: Callable[[str], None],
                 verifier: RequestVerifier | None = None,
                 policy: ReplayPolicy | None = None,
                 read_only: Sequence[tuple[str, str]] = ()) -> None:
        self.cassette = cassette
        self.policy = policy  # conformance replay (harness/replay/conformance.py); None: strict
        self._read_only = tuple(read_only)  # (method, path) answered even if never recorded
        self.volatile = volatile
        self.matchers = tuple(matchers)
        self.verifier = verifier
        self._on_mismatch = on_mismatch
        self._on_served = on_served
        self.prepared = [self._prepare(i, item) for i, item in enumerate(cassette.interactions)]
        self.requests: list[ServedRequest] = []
        self.clock: Callable[[], float] = time.monotonic  # the subject sets the connector's

    def _prepare(self, index: int, interaction: Interaction) -> PreparedInteraction:
        view = view_of_recorded(interaction.request, self.volatile)
        view.path = unquote(view.path)
        headers: CIMultiDict[str] = CIMultiDict()
        for name, values in interaction.response.headers.items():
            if name.lower() not in _HOP_HEADERS:
                for value in values:
                    headers.add(name, value)
        return PreparedInteraction(index, interaction, view, headers, _was_signed(view))

    def register(self, mock: Any) -> None:
        """Add one repeatable pattern per recorded (method, URL without query) to `mock`."""
        callback_type = _callback_result_type()
        routes = [(item.view.method, url_without_query(item.interaction.request.uri))
                  for item in self.prepared]
        origins = {str(URL(uri).origin()) for _, uri in routes}
        routes += [(method, origin + path) for origin in sorted(origins)
                   for method, path in self._read_only]
        seen: set[tuple[str, str]] = set()
        for method, base in routes:
            if (method, base) in seen:
                continue
            seen.add((method, base))
            pattern = re.compile(re.escape(base) + r"(\?.*)?\Z")

            def answer(url: URL, *, _method: str = method, **kwargs: Any) -> Any:
                return self.answer(_method, url, kwargs, callback_type)

            mock.add(pattern, method=method, repeat=True, callback=answer)

    def answer(self, method: str, url: URL, kwargs: Mapping[str, Any], result_type: Any) -> Any:
        """The recorded answer to a request, as aioresponses' CallbackResult, or raise."""
        view = request_view(method, url, kwargs, self.volatile)
        chosen = self._find(view)
        if chosen is None and self.policy is not None:
            default = self._default_answer(view)
            if default is not None:
                return result_type(method=method, status=200, body=default)
        if chosen is None:
            self.miss(view)
        if self.verifier is not None and chosen.signed:
            reason = self.verifier(view)
            if reason is not None:
                self.miss(view, f"request_verifier rejected it ({reason}); it matched"
                                f" {chosen.label}")
        body = chosen.interaction.response.body
        if self.policy is not None:
            self.policy.learn(view, chosen)  # first: the answer echoes the client's own ids
            try:
                body = self.policy.body_for(view, chosen)
            except LookupError as exc:
                self.miss(view, f"{exc}; it matched {chosen.label}")
        chosen.uses += 1
        interaction = chosen.interaction
        self.requests.append(ServedRequest(view, chosen.index, interaction.id,
                                           interaction.response.status, self.clock()))
        if interaction.fault is Fault.RESET:
            raise aiohttp.ServerDisconnectedError()
        if interaction.fault is Fault.TIMEOUT:
            raise aiohttp.SocketTimeoutError(f"Timeout on reading data from socket ({view.path})")
        if interaction.id is not None:
            self._on_served(interaction.id)
        response = interaction.response
        return result_type(method=method, status=response.status, body=body,
                           content_type=chosen.headers.get("Content-Type", _DEFAULT_CONTENT_TYPE),
                           headers=chosen.headers, reason=response.message or None)

    def _default_answer(self, view: RequestView) -> bytes | None:
        """exchange.yaml's answer for a read-only endpoint the scenario never recorded."""
        assert self.policy is not None
        try:
            default = self.policy.default_answer(view, self.prepared)
        except LookupError as exc:
            self.miss(view, f"{exc} (exchange.yaml's default answer for {view.path})")
        if default is not None:
            self.requests.append(ServedRequest(view, None, DEFAULT_ANSWER_ID, 200,
                                                   self.clock()))
        return default

    def _find(self, view: RequestView) -> PreparedInteraction | None:
        if self.policy is not None:
            candidates = [item for item in self.prepared
                          if (item.view.method, item.view.path) == (view.method, view.path)]
            return self.policy.pick(view, candidates, self.matchers)
        for item in self.prepared:
            if item.view.method != view.method or item.view.path != view.path:
                continue
            if item.uses and not item.interaction.repeat:
                continue
            if all(run_matcher(m, view, item.view) is None for m in self.matchers):
                return item
        return None

    def miss(self, view: RequestView, why: str | None = None) -> NoReturn:
        """Record a request the cassette cannot answer and raise UnmatchedRequest."""
        explanation = why or self.explain(view)
        self.requests.append(ServedRequest(view, None, None, 0, self.clock()))
        self._on_mismatch(f"unmatched request {view.describe()}\n  {explanation}")
        raise UnmatchedRequest(f"cassette {self.cassette.name} cannot answer"
                               f" {view.describe()}: {explanation}")

    def explain(self, view: RequestView) -> str:
        """The closest recorded interactions (top 3 by matchers passed) and what failed."""
        scored: list[tuple[int, int, str]] = []
        total = len(self.matchers)
        for item in self.prepared:
            failed = failures(view, item.view, self.matchers)
            if failed:
                why = "; ".join(f"{name} failed: {reason}" for name, reason in failed)
            else:
                why = ("all matchers pass but it was already served (add harness.repeat: true"
                       " to serve it again)")
            passed = total - len(failed)
            scored.append((-passed, item.index, f"{item.label}: {passed}/{total} matchers"
                                                f" passed; {why}"))
        if not scored:
            return "the cassette has no HTTP interactions"
        scored.sort()
        return "closest recorded interactions:\n" + "\n".join(
            f"    - {line}" for _, _, line in scored[:3])

    def unused(self) -> list[PreparedInteraction]:
        """Interactions never served (a read-only one a client need not ask for is not)."""
        return [item for item in self.prepared if item.uses == 0
                and (self.policy is None or not self.policy.is_read_only(item))]


def _was_signed(view: RequestView) -> bool:
    """Recorded with credentials (a volatile key among its parameters or top-level JSON keys,
    or a scrubbed header): the request_verifier checks it, as in loopback replay."""
    if any(key in view.volatile for key in view.params):
        return True
    if view.has_json and isinstance(view.json, dict) and any(k in view.volatile for k in view.json):
        return True
    return any(value == SCRUBBED for value in view.headers.values())


def _callback_result_type() -> Any:
    from harness.mocks.dependency import require_aioresponses

    return require_aioresponses("aioresponses.core").CallbackResult


def request_view(method: str, url: URL, kwargs: Mapping[str, Any],
                 volatile: frozenset[str]) -> RequestView:
    """What aiohttp would have sent, rebuilt from the URL and keyword arguments aioresponses
    hands a callback (it sorts the query; `params` keeps the order aiohttp sends them in)."""
    headers = {str(k): str(v) for k, v in (kwargs.get("headers") or {}).items()}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    body, inferred = _body_of(kwargs.get("data"), kwargs.get("json"))
    return RequestView(method, url.path, query_string=_query_as_sent(url, kwargs.get("params")),
                       body=body, content_type=content_type or inferred, headers=headers,
                       host=url.raw_authority, volatile=volatile)


def _query_as_sent(url: URL, params: Any) -> str:
    if not params:
        return url.raw_query_string
    added = URL("/").extend_query(params)
    rest = Counter(url.query.items())
    rest.subtract(Counter(added.query.items()))
    before: list[tuple[str, str]] = []  # what the URL itself carried, before `params`
    for pair in url.query.items():
        if rest[pair] > 0:
            rest[pair] -= 1
            before.append(pair)
    query = URL("/").with_query(before).raw_query_string if before else ""
    return "&".join(part for part in (query, added.raw_query_string) if part)


def _body_of(data: Any, json_body: Any) -> tuple[bytes, str]:
    """The body bytes and the Content-Type aiohttp would give them."""
    if json_body is not None:
        return json.dumps(json_body).encode(), "application/json"
    if data is None:
        return b"", ""
    if isinstance(data, bytes | bytearray):
        return bytes(data), "application/octet-stream"
    if isinstance(data, str):
        return data.encode(), "text/plain"
    if isinstance(data, Mapping):
        data = list(data.items())
    if isinstance(data, list | tuple):
        return urlencode([(str(k), str(v)) for k, v in data]).encode(), \
            "application/x-www-form-urlencoded"
    return str(data).encode(), ""
