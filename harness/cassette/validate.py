"""Validation of a cassette document: one Problem per thing wrong, each naming where and the fix.

Pure Python on purpose (jsonschema is only a dev dependency). The rules are the ones
docs/cassettes.md describes; `format_problem` renders the one-line form
`<file>: <location>: <what is wrong and the fix>`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.cassette.fault_labels import fault_label_problems
from harness.cassette.format import FORMAT_VERSION, Fault, MatchMode, Source

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
REPLAY_MODES = ("conformance", "strict")  # format.ReplayMode's values (meta.replay)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS = ("version", "meta", "http", "ws")
_META_REQUIRED = ("connector", "scenario", "standard_version", "source", "date")
_META_OPTIONAL = ("exchange_api_version", "scrubbed", "description", "inputs", "expect",
                  "fault")
_PAYLOADS = ("json", "text", "close", "fault")
_RESERVED_CLOSE_CODES = frozenset({1004, 1005, 1006, 1015})


@dataclass(frozen=True)
class Problem:
    location: str
    message: str


def format_problem(file: str, problem: Problem) -> str:
    """The one-line form of a problem: `<file>: <location>: <message>`."""
    return f"{file}: {problem.location}: {problem.message}"


def _choices(values: Any) -> str:
    return ", ".join(str(v) for v in values)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.ids: set[str] = set()

    def add(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def mapping(self, value: Any, loc: str, what: str) -> bool:
        if isinstance(value, Mapping):
            return True
        self.add(loc, f"must be a mapping ({what}), got {type(value).__name__}")
        return False

    def unknown_keys(self, value: Mapping[Any, Any], loc: str, allowed: tuple[str, ...]) -> None:
        for key in value:
            if key not in allowed:
                self.add(f"{loc}.{key}" if loc else str(key),
                         f"unknown key; allowed keys here are {_choices(allowed)}")

    def string(self, value: Any, loc: str, *, hint: str = "") -> bool:
        if isinstance(value, str) and value.strip():
            return True
        got = "an empty string" if isinstance(value, str) else type(value).__name__
        self.add(loc, f"must be a non-empty string, got {got}{hint}")
        return False

    def url(self, value: Any, loc: str, schemes: tuple[str, ...]) -> None:
        if not self.string(value, loc):
            return
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            self.add(loc, f"must be an absolute URL with scheme {' or '.join(schemes)} and a host,"
                          f" got {value!r}")

    def headers(self, value: Any, loc: str) -> None:
        if value is None:
            return
        if not self.mapping(value, loc, "header name -> list of values"):
            return
        for name, values in value.items():
            items = values if isinstance(values, list) else [values]
            if not all(isinstance(v, str) for v in items):
                self.add(f"{loc}.{name}", "header values must be strings (quote numbers)")


def validate_document(doc: Any) -> list[Problem]:
    """Every problem in a parsed cassette document, in file order (empty when valid)."""
    check = _Checker()
    if not isinstance(doc, Mapping):
        check.add("(top)", "a cassette must be a YAML mapping starting with `version: 1`")
        return check.problems
    if "version" not in doc:
        check.add("version", f"missing; add `version: {FORMAT_VERSION}` at the top")
    elif doc["version"] != FORMAT_VERSION or isinstance(doc["version"], bool):
        check.add("version", f"unsupported cassette format version {doc['version']!r}; this "
                             f"harness reads version {FORMAT_VERSION}: convert or re-record it")
    check.unknown_keys(doc, "", _TOP_KEYS)
    if "meta" not in doc:
        check.add("meta", f"missing; add a meta mapping with {_choices(_META_REQUIRED)}")
    else:
        _meta(check, doc["meta"])
    if doc.get("http") is not None:
        _http(check, doc["http"])
    if doc.get("ws") is not None:
        _ws(check, doc["ws"])
    if not doc.get("http") and not doc.get("ws"):
        check.add("(top)", "no traffic: add an `http` section, a `ws` section, or both")
    return check.problems


def _meta(check: _Checker, meta: Any) -> None:
    if not check.mapping(meta, "meta", "connector, scenario, standard_version, source, date"):
        return
    check.unknown_keys(meta, "meta", _META_REQUIRED + _META_OPTIONAL + ("replay",))
    for key in _META_REQUIRED:
        if key not in meta:
            check.add(f"meta.{key}", "missing; it is required")
    for key in ("connector", "scenario"):
        if key in meta:
            check.string(meta[key], f"meta.{key}")
    if "standard_version" in meta:
        check.string(meta["standard_version"], "meta.standard_version", hint=' (quote it: "1.0.0")')
    if "source" in meta and meta["source"] not in {s.value for s in Source}:
        check.add("meta.source", f"must be one of {_choices(s.value for s in Source)},"
                                 f" got {meta['source']!r}")
    if "date" in meta:
        date = meta["date"]
        if not (isinstance(date, dt.date) or (isinstance(date, str) and _DATE.match(date))):
            check.add("meta.date", f"must be a date YYYY-MM-DD, got {date!r}")
    if "exchange_api_version" in meta:
        check.string(meta["exchange_api_version"], "meta.exchange_api_version",
                     hint=' (quote it: "v3")')
    scrubbed = meta.get("scrubbed", [])
    if not isinstance(scrubbed, list) or not all(isinstance(s, str) for s in scrubbed):
        check.add("meta.scrubbed", "must be a list of the field/header names that were scrubbed")
    description = meta.get("description", "")
    if not isinstance(description, str) or "\n" in description.strip():
        check.add("meta.description", "must be one line of text")
    if "replay" in meta and meta["replay"] not in REPLAY_MODES:
        check.add("meta.replay", f"must be one of {_choices(REPLAY_MODES)},"
                                 f" got {meta['replay']!r}")
    for key in ("inputs", "expect"):
        if key in meta and not isinstance(meta[key], Mapping):
            check.add(f"meta.{key}", "must be a mapping of name: value")
    if "fault" in meta:
        for where, message in fault_label_problems(meta["fault"]):
            check.add(f"meta.fault{where}", message)


def _http(check: _Checker, http: Any) -> None:
    if not check.mapping(http, "http", "vcrpy's `version: 1` and `interactions: [...]`"):
        return
    check.unknown_keys(http, "http", ("version", "interactions"))
    if http.get("version") != 1:
        check.add("http.version",
                  f"must be 1 (vcrpy's cassette format), got {http.get('version')!r}")
    interactions = http.get("interactions")
    if not isinstance(interactions, list):
        check.add("http.interactions", "must be a list of {request, response} mappings")
        return
    # Collect ids first: a WS trigger may name any of them, and duplicates must be caught.
    for index, item in enumerate(interactions):
        ext = item.get("harness") if isinstance(item, Mapping) else None
        ident = ext.get("id") if isinstance(ext, Mapping) else None
        if isinstance(ident, str):
            if ident in check.ids:
                check.add(f"http.interactions[{index}].harness.id",
                          f"duplicate id {ident!r}; ids must be unique within a cassette")
            check.ids.add(ident)
    for index, item in enumerate(interactions):
        _interaction(check, item, f"http.interactions[{index}]")


def _interaction(check: _Checker, item: Any, loc: str) -> None:
    if not check.mapping(item, loc, "request, response and optional harness"):
        return
    check.unknown_keys(item, loc, ("request", "response", "harness"))
    for key in ("request", "response"):
        if key not in item:
            check.add(f"{loc}.{key}", "missing; every interaction needs a request and a response")
    request = item.get("request")
    if request is not None and check.mapping(request, f"{loc}.request",
                                             "method, uri, body, headers"):
        if request.get("method") not in HTTP_METHODS:
            check.add(f"{loc}.request.method", f"must be an upper-case HTTP method"
                                               f" ({_choices(sorted(HTTP_METHODS))}),"
                                               f" got {request.get('method')!r}")
        check.url(request.get("uri"), f"{loc}.request.uri", ("http", "https"))
        body = request.get("body")
        if body is not None and not isinstance(body, str | bytes | Mapping | list):
            check.add(f"{loc}.request.body", "must be null, a string, or a mapping of parameters")
        check.headers(request.get("headers"), f"{loc}.request.headers")
    response = item.get("response")
    if response is not None and check.mapping(response, f"{loc}.response", "status, headers, body"):
        _response(check, response, f"{loc}.response")
    ext = item.get("harness")
    if ext is not None and check.mapping(ext, f"{loc}.harness", "id, repeat, optional, fault"):
        check.unknown_keys(ext, f"{loc}.harness", ("id", "repeat", "optional", "fault"))
        if "id" in ext:
            check.string(ext["id"], f"{loc}.harness.id")
        for flag in ("repeat", "optional"):
            if flag in ext and not isinstance(ext[flag], bool):
                check.add(f"{loc}.harness.{flag}", f"must be true or false, got {ext[flag]!r}")
        if "fault" in ext and ext["fault"] not in {f.value for f in Fault}:
            check.add(f"{loc}.harness.fault", f"must be one of {_choices(f.value for f in Fault)},"
                                              f" got {ext['fault']!r}")


def _response(check: _Checker, response: Mapping[str, Any], loc: str) -> None:
    status = response.get("status")
    if check.mapping(status, f"{loc}.status", "code and message") and status is not None:
        code = status.get("code")
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            check.add(f"{loc}.status.code", f"must be an HTTP status code 100-599, got {code!r}")
        if not isinstance(status.get("message", ""), str):
            check.add(f"{loc}.status.message", "must be a string such as OK")
    check.headers(response.get("headers"), f"{loc}.headers")
    body = response.get("body")
    if body is None:
        return
    if not check.mapping(body, f"{loc}.body", "`string: <the response body>`"):
        return
    if not isinstance(body.get("string", ""), str | bytes | type(None)):
        check.add(f"{loc}.body.string", "must be a string (quote JSON bodies: string: '{...}')")


def _ws(check: _Checker, ws: Any) -> None:
    if not isinstance(ws, list):
        check.add("ws", "must be a list of connections, each with url and frames")
        return
    for index, conn in enumerate(ws):
        loc = f"ws[{index}]"
        if not check.mapping(conn, loc, "url and frames"):
            continue
        check.unknown_keys(conn, loc, ("url", "frames"))
        check.url(conn.get("url"), f"{loc}.url", ("ws", "wss"))
        frames = conn.get("frames")
        if not isinstance(frames, list):
            check.add(f"{loc}.frames", "must be a list of frames")
            continue
        for position, frame in enumerate(frames):
            _frame(check, frames, position, frame, f"{loc}.frames[{position}]")


def _frame(check: _Checker, frames: list[Any], position: int, frame: Any, loc: str) -> None:
    if not check.mapping(frame, loc, "dir plus one of json, text, close, fault"):
        return
    check.unknown_keys(frame, loc, ("dir", *_PAYLOADS, "match", "after"))
    direction = frame.get("dir")
    if direction not in ("client", "server"):
        check.add(f"{loc}.dir", f"must be client or server, got {direction!r}")
        return
    payloads = [key for key in _PAYLOADS if key in frame]
    if len(payloads) != 1:
        check.add(loc, f"needs exactly one of json, text, close, fault; found {payloads or 'none'}")
        return
    kind = payloads[0]
    if direction == "client" and kind not in ("json", "text"):
        check.add(f"{loc}.{kind}", "a client frame carries json or text only")
    if kind == "text" and not isinstance(frame["text"], str):
        check.add(f"{loc}.text", "must be a string (use json: for structured frames)")
    if kind == "close":
        _close(check, frame["close"], f"{loc}.close")
    if kind == "fault" and frame["fault"] != Fault.RESET.value:
        check.add(f"{loc}.fault",
                  "the only WebSocket fault is reset (use close: for a clean close)")
    if kind in ("close", "fault") and position != len(frames) - 1:
        check.add(loc, f"a {kind} frame ends the connection, so it must be the last frame")
    if "match" in frame:
        _match(check, frame, direction, kind, f"{loc}.match")
    if "after" in frame:
        _after(check, frames, position, frame["after"], direction, f"{loc}.after")


def _close(check: _Checker, close: Any, loc: str) -> None:
    if not check.mapping(close, loc, "code and reason"):
        return
    check.unknown_keys(close, loc, ("code", "reason"))
    code = close.get("code", 1000)
    if not isinstance(code, int) or not (1000 <= code <= 4999) or code in _RESERVED_CLOSE_CODES:
        check.add(f"{loc}.code", f"must be a WebSocket close code 1000-4999 that may be sent"
                                 f" (not 1004/1005/1006/1015), got {code!r}")
    if not isinstance(close.get("reason", ""), str):
        check.add(f"{loc}.reason", "must be a string")


def _match(check: _Checker, frame: Mapping[str, Any], direction: str, kind: str, loc: str) -> None:
    match = frame["match"]
    if direction != "client":
        check.add(loc, "only client frames are matched; remove match from this server frame")
        return
    if not check.mapping(match, loc, "ignore and/or mode"):
        return
    check.unknown_keys(match, loc, ("ignore", "mode"))
    ignore = match.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(k, str) for k in ignore):
        check.add(f"{loc}.ignore", "must be a list of JSON key names")
    mode = match.get("mode", MatchMode.EQUAL.value)
    if mode not in {m.value for m in MatchMode}:
        check.add(f"{loc}.mode", f"must be one of {_choices(m.value for m in MatchMode)},"
                                 f" got {mode!r}")
    if kind != "json" and (ignore or mode != MatchMode.EQUAL.value):
        check.add(loc, "ignore/subset apply to json frames; text frames are compared exactly")


def _after(
    check: _Checker, frames: list[Any], position: int, after: Any, direction: str, loc: str
) -> None:
    if direction != "server":
        check.add(loc, "only server frames have triggers; client frames are expected in order")
        return
    if not check.mapping(after, loc, "client, http and/or delay"):
        return
    check.unknown_keys(after, loc, ("client", "http", "delay"))
    if "client" in after and "http" in after:
        check.add(loc, "give either client or http, not both (split into two frames)")
    if "client" in after:
        target = after["client"]
        earlier = isinstance(target, int) and not isinstance(target, bool) \
            and 0 <= target < position
        if not earlier or not isinstance(frames[target], Mapping) \
                or frames[target].get("dir") != "client":
            check.add(f"{loc}.client", f"must be the index of an earlier client frame of this"
                                       f" connection, got {target!r}")
    if "http" in after and after["http"] not in check.ids:
        known = _choices(sorted(check.ids)) or "none defined"
        check.add(f"{loc}.http", f"no HTTP interaction has harness.id {after['http']!r}"
                                 f" (known ids: {known})")
    if "delay" in after:
        delay = after["delay"]
        if not isinstance(delay, int | float) or isinstance(delay, bool) or delay < 0:
            check.add(f"{loc}.delay", f"must be a number of seconds >= 0, got {delay!r}")
