"""Request matching, vcrpy style: each matcher is a plain function `(request, recorded)`.

A matcher returns None when the two requests agree and a short reason when they don't
(raising AssertionError is accepted too, as in vcrpy). Both sides are RequestViews: the
incoming request parsed once per request, the recorded one parsed once at load time.
Volatile keys (timestamp, signature, ...) never take part in a comparison; a connector can
check them with a request_verifier instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from harness.cassette.format import HttpRequest

DEFAULT_VOLATILE_KEYS = frozenset({"timestamp", "signature", "nonce", "recvWindow"})

Params = dict[str, tuple[str, ...]]
_NO_JSON: Any = object()
_DEFAULT_PORTS = (":443", ":80")


def normalize_host(netloc: str | None) -> str | None:
    """`API.Binance.com:443` -> `api.binance.com`: lower-case, default ports dropped."""
    if not netloc:
        return None
    host = netloc.lower()
    for port in _DEFAULT_PORTS:
        if host.endswith(port):
            return host[: -len(port)]
    return host


def parse_params(text: str) -> Params:
    """A query string or form body as name -> values (in the order given)."""
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in params.items()}


def _strip_keys(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip_keys(v, keys) for v in value]
    return value


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


class RequestView:
    """A request reduced to what matching and request verifiers look at.

    method, path (decoded), host (the original host if known, else None), query_string (raw,
    percent-encoded as sent: what an HMAC is computed over), body (raw bytes), headers,
    query / form (name -> values), json (the parsed JSON body; see has_json).
    `params` merges query and form-body parameters (a name in both keeps the query's
    values, as exchanges such as Binance do).
    """

    __slots__ = ("_significant", "body", "form", "headers", "host", "json", "method", "path",
                 "query", "query_string", "volatile")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query_string: str = "",
        body: bytes = b"",
        content_type: str = "",
        headers: Mapping[str, str] | None = None,
        host: str | None = None,
        volatile: Iterable[str] = DEFAULT_VOLATILE_KEYS,
    ) -> None:
        self.method = method.upper()
        self.path = path or "/"
        self.host = normalize_host(host)
        self.query_string = query_string
        self.query = parse_params(query_string) if query_string else {}
        self.body = body
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.volatile = frozenset(volatile)
        self.form: Params = {}
        self.json: Any = _NO_JSON
        self._significant: Params | None = None
        if body:
            self._parse_body(body, content_type.lower())

    def _parse_body(self, body: bytes, content_type: str) -> None:
        if "json" in content_type or (not content_type and body[:1] in (b"{", b"[")):
            try:
                self.json = json.loads(body)
                return
            except ValueError:
                pass
        # A form body is read as one whatever its label says: some clients send
        # `a=1&b=2` as application/json, and the exchange still reads the parameters.
        if "x-www-form-urlencoded" in content_type or (b"=" in body and b" " not in body
                                                         and body[:1] not in (b"{", b"[")):
            try:
                self.form = parse_params(body.decode("utf-8"))
            except UnicodeDecodeError:
                self.form = {}

    @property
    def has_json(self) -> bool:
        return self.json is not _NO_JSON

    @property
    def params(self) -> Params:
        """Query and form-body parameters together (the query wins on a clash)."""
        return {**self.form, **self.query} if self.form else self.query

    @property
    def significant_params(self) -> Params:
        """`params` without the volatile keys: what the params matcher compares."""
        if self._significant is None:
            self._significant = {k: v for k, v in self.params.items() if k not in self.volatile}
        return self._significant

    def significant_json(self) -> Any:
        return _strip_keys(self.json, self.volatile) if self.has_json else None

    @property
    def fields(self) -> Params:
        """`params` plus the top-level scalar members of a JSON object body, as the text
        JSON gives them (`true`, `0.01`): what a request carries, wherever the exchange
        wants it (Binance: query string; Bybit v5: JSON body)."""
        if not (self.has_json and isinstance(self.json, dict)):
            return self.params
        members = {key: (_json_text(value),) for key, value in self.json.items()
                   if not isinstance(value, dict | list)}
        return {**members, **self.params}

    def param(self, name: str) -> str | None:
        """The (first) value of a query, form or top-level JSON parameter, or None."""
        values = self.fields.get(name)
        return values[0] if values else None

    def describe(self) -> str:
        """One line: `POST api.binance.com/api/v3/order?side=BUY&...` (body appended if any)."""
        where = f"{self.host}{self.path}" if self.host else self.path
        text = f"{self.method} {where}"
        if self.query_string:
            text += f"?{self.query_string}"
        if self.body:
            snippet = self.body[:200].decode("utf-8", "replace")
            text += f" body={snippet!r}"
        return text


def view_of_recorded(request: HttpRequest, volatile: Iterable[str]) -> RequestView:
    """The RequestView of a cassette's request (done once, at session start)."""
    parts = urlsplit(request.uri)
    headers = {name: values[0] for name, values in request.headers.items() if values}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    raw = request.body
    body: bytes
    if raw is None:
        body = b""
    elif isinstance(raw, bytes):
        body = raw
    elif isinstance(raw, str):
        body = raw.encode("utf-8")
    elif isinstance(raw, Mapping) and "json" not in content_type.lower():
        # vcrpy records aiohttp's `data={...}` as a mapping: that is a form body.
        body = urlencode({k: str(v) for k, v in raw.items()}).encode()
        content_type = content_type or "application/x-www-form-urlencoded"
    else:
        body = json.dumps(raw).encode()
        content_type = content_type or "application/json"
    return RequestView(
        request.method,
        parts.path,
        query_string=parts.query,
        body=body,
        content_type=content_type,
        headers=headers,
        host=parts.netloc,
        volatile=volatile,
    )


Matcher = Callable[[RequestView, RequestView], "str | None"]


def method(request: RequestView, recorded: RequestView) -> str | None:
    """Same HTTP method."""
    return None if request.method == recorded.method else f"{request.method} != {recorded.method}"


def host(request: RequestView, recorded: RequestView) -> str | None:
    """Same original host, when the request says which (X-Forwarded-Host from route_hosts)."""
    if request.host is None or recorded.host is None or request.host == recorded.host:
        return None
    return f"{request.host} != {recorded.host}"


def path(request: RequestView, recorded: RequestView) -> str | None:
    """Same URL path."""
    return None if request.path == recorded.path else f"{request.path} != {recorded.path}"


def _diff_params(got: Params, want: Params) -> str | None:
    if got == want:
        return None
    parts: list[str] = []
    for key in sorted(want.keys() - got.keys()):
        parts.append(f"missing {key}={','.join(want[key])}")
    for key in sorted(got.keys() - want.keys()):
        parts.append(f"unexpected {key}={','.join(got[key])}")
    for key in sorted(got.keys() & want.keys()):
        if sorted(got[key]) != sorted(want[key]):
            parts.append(f"{key}={','.join(got[key])} but recorded {','.join(want[key])}")
    return "; ".join(parts) or None


def query(request: RequestView, recorded: RequestView) -> str | None:
    """Same query parameters, order-insensitive, volatile keys ignored."""
    strip = request.volatile
    return _diff_params({k: v for k, v in request.query.items() if k not in strip},
                        {k: v for k, v in recorded.query.items() if k not in strip})


def params(request: RequestView, recorded: RequestView) -> str | None:
    """Same query + form-body parameters, order-insensitive, volatile keys ignored."""
    return _diff_params(request.significant_params, recorded.significant_params)


def body(request: RequestView, recorded: RequestView) -> str | None:
    """Same JSON body (volatile keys ignored) or same raw body; form bodies are left to params."""
    if request.has_json or recorded.has_json:
        if request.significant_json() == recorded.significant_json():
            return None
        got = json.dumps(request.significant_json(), sort_keys=True)[:120] if request.has_json \
            else "no JSON body"
        want = json.dumps(recorded.significant_json(), sort_keys=True)[:120] \
            if recorded.has_json else "no JSON body"
        return f"JSON body {got} but recorded {want}"
    if request.form or recorded.form or request.body == recorded.body:
        return None
    return f"body {request.body[:80]!r} but recorded {recorded.body[:80]!r}"


DEFAULT_MATCHERS: tuple[Matcher, ...] = (method, host, path, params, body)


def run_matcher(matcher: Matcher, request: RequestView, recorded: RequestView) -> str | None:
    """Run one matcher; an AssertionError it raises becomes its reason."""
    try:
        return matcher(request, recorded)
    except AssertionError as exc:
        return (str(exc) or "assertion failed").splitlines()[0]  # reasons stay one line


def failures(
    request: RequestView, recorded: RequestView, matchers: Sequence[Matcher] = DEFAULT_MATCHERS
) -> list[tuple[str, str]]:
    """(matcher name, reason) for every matcher that fails; empty when the request matches."""
    found: list[tuple[str, str]] = []
    for matcher in matchers:
        reason = run_matcher(matcher, request, recorded)
        if reason is not None:
            found.append((getattr(matcher, "__name__", repr(matcher)), reason))
    return found


def json_frame_matches(
    got: Any, want: Any, *, ignore: frozenset[str], subset: bool
) -> bool:
    """WebSocket client-frame comparison: equality (or subset) with `ignore` keys dropped."""
    got, want = _strip_keys(got, ignore), _strip_keys(want, ignore)
    return _is_subset(want, got) if subset else got == want


def _is_subset(want: Any, got: Any) -> bool:
    if isinstance(want, Mapping):
        return isinstance(got, Mapping) and all(
            key in got and _is_subset(value, got[key]) for key, value in want.items()
        )
    return bool(want == got)
