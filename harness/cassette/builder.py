"""Writing cassettes (version 1) from code: what every exchange's cassette generator shares.

A generator (tools/<exchange>_cassettes/) builds one `Cassette` per scenario from the
exchange's documented payloads; `dump` writes YAML with long JSON bodies as readable literal
blocks and computes `meta.scrubbed` from the SCRUBBED values it finds.

    c = Cassette("bybit", "network_ok", "the server time answers")
    c.http("GET", "https://api.bybit.com", "/v5/market/time", body={...}, id="ping")
    c.dump(Path("cassettes/bybit"))
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from harness.cassette.format import SCRUBBED


class _Literal(str):
    """A string dumped as a YAML literal block."""


class Flow(list[Any]):
    """A list dumped inline."""


class FlowMap(dict[str, Any]):
    """A mapping dumped inline."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_literal(dumper: yaml.SafeDumper, data: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")


def _represent_flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, data: FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


_Dumper.add_representer(_Literal, _represent_literal)
_Dumper.add_representer(Flow, _represent_flow)
_Dumper.add_representer(FlowMap, _represent_flow_map)


def flow(value: Any) -> Any:
    """`value` with every nested list and mapping dumped inline (for WS frames)."""
    if isinstance(value, dict):
        return FlowMap({k: flow(v) for k, v in value.items()})
    if isinstance(value, list):
        return Flow(flow(v) for v in value)
    return value


def body_text(payload: Any) -> str:
    """A response body: short JSON on one line, longer JSON as a pretty literal block."""
    if isinstance(payload, str):
        return payload
    text = json.dumps(payload, separators=(",", ":"))
    if len(text) <= 110:
        return text
    return _Literal(_pretty(payload) + "\n")


def _pretty(payload: Any, indent: int = 0) -> str:
    """JSON that reads well in a cassette: short members packed on a line, long ones nested."""
    compact = json.dumps(payload, separators=(",", ":"))
    if len(compact) + indent <= 96 or not isinstance(payload, dict | list):
        return compact
    pad = " " * (indent + 2)
    if isinstance(payload, dict):
        parts = [f"{json.dumps(k)}:{_pretty(v, indent + 2)}" for k, v in payload.items()]
        opener, closer = "{", "}"
    else:
        parts = [_pretty(v, indent + 2) for v in payload]
        opener, closer = "[", "]"
    lines: list[str] = []
    current = ""
    for part in parts:
        if "\n" in part:
            if current:
                lines.append(current)
                current = ""
            lines.append(part)
            continue
        candidate = f"{current},{part}" if current else part
        if len(pad) + len(candidate) <= 98:
            current = candidate
        else:
            lines.append(current)
            current = part
    if current:
        lines.append(current)
    return opener + "\n" + ",\n".join(pad + line for line in lines) + "\n" + " " * indent + closer


HeaderHook = Callable[["Cassette", str, str, dict[str, str], int, "str | None"],
                      dict[str, str]]


class Cassette:
    """One scenario being built: meta, HTTP interactions and WS connections."""

    def __init__(self, connector: str, scenario: str, description: str, *,
                 inputs: dict[str, Any] | None = None, expect: dict[str, Any] | None = None,
                 source: str = "documented-example", date: str = "2026-11-21",
                 api_version: str = "v3", scrubbed: list[str] | None = None,
                 fault: list[str] | None = None) -> None:
        self.scenario = scenario
        self.meta: dict[str, Any] = {
            "connector": connector, "scenario": scenario, "standard_version": "1.0.0",
            "source": source, "date": date, "exchange_api_version": api_version,
            "scrubbed": scrubbed or [], "description": description,
        }
        if inputs:
            self.meta["inputs"] = inputs
        if expect:
            self.meta["expect"] = expect
        if fault:  # the exchange rules this scenario breaks on purpose (docs/cassettes.md)
            self.meta["fault"] = Flow(fault)
        self.interactions: list[dict[str, Any]] = []
        self.connections: list[dict[str, Any]] = []
        self.state: dict[str, Any] = {}  # what a header hook counts (weights, orders)

    def http(self, method: str, base: str, path: str, params: dict[str, str] | None = None, *,
             signed_params: dict[str, str] | None = None,
             request_headers: dict[str, str] | None = None, json_body: Any = None,
             status: int = 200, message: str | None = None, body: Any = None,
             response_headers: dict[str, str] | HeaderHook | None = None,
             id: str | None = None, repeat: bool = False, fault: str | None = None,
             optional: bool = False) -> None:
        """One interaction. `json_body` is a request's JSON body (sent compact, as clients
        do); `body` the response's. The reason phrase defaults to the status's standard one;
        a body that is an HTML page is labelled text/html; `response_headers` may be a hook
        that computes them (e.g. used weight growing as the scenario spends it)."""
        query = dict(params or {})
        query.update(signed_params or {})
        uri = base + path + (("?" + urlencode(query, safe=",")) if query else "")
        if message is None:
            message = HTTPStatus(status).phrase
        html = isinstance(body, str) and body.lstrip().startswith("<")
        content_type = "text/html" if html else "application/json;charset=UTF-8"
        headers: dict[str, Any] = {"Content-Type": Flow([content_type])}
        if callable(response_headers):
            response_headers = response_headers(self, method, path, dict(params or {}), status,
                                                fault)
        for name, value in (response_headers or {}).items():
            headers[name] = Flow([value])
        sent_headers = dict(request_headers or {})
        if json_body is not None:
            sent_headers["Content-Type"] = "application/json"
        item: dict[str, Any] = {
            "request": {"method": method, "uri": uri,
                        "body": (json.dumps(json_body, separators=(",", ":"))
                                 if json_body is not None else None),
                        "headers": FlowMap({k: Flow([v]) for k, v in sent_headers.items()})},
            "response": {"status": FlowMap({"code": status, "message": message}),
                         "headers": headers,
                         "body": {"string": body_text(body if body is not None else {})}},
        }
        ext: dict[str, Any] = {}
        if id:
            ext["id"] = id
        if repeat:
            ext["repeat"] = True
        if optional:
            ext["optional"] = True
        if fault:
            ext["fault"] = fault
        if ext:
            item["harness"] = ext
        self.interactions.append(item)

    def ws(self, url: str, frames: list[dict[str, Any]]) -> None:
        self.connections.append({"url": url, "frames": frames})

    def document(self) -> dict[str, Any]:
        scrubbed = set(self.meta["scrubbed"])
        for item in self.interactions:
            scrubbed |= {name for name, values in item["request"]["headers"].items()
                         if SCRUBBED in values}
            if f"={SCRUBBED}" in item["request"]["uri"]:
                scrubbed |= {part.split("=")[0] for part
                             in item["request"]["uri"].split("?", 1)[1].split("&")
                             if part.endswith(f"={SCRUBBED}")}
        for conn in self.connections:
            for frame in conn["frames"]:
                scrubbed |= set(_scrubbed_keys(frame.get("json")))
        self.meta["scrubbed"] = Flow(sorted(scrubbed, key=str.lower))
        doc: dict[str, Any] = {"version": 1, "meta": self.meta}
        if self.interactions:
            doc["http"] = {"version": 1, "interactions": self.interactions}
        if self.connections:
            doc["ws"] = self.connections
        return doc

    def dump(self, folder: Path) -> Path:
        path = folder / f"{self.scenario}.yaml"
        text = yaml.dump(self.document(), Dumper=_Dumper, sort_keys=False, width=100,
                         allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path


SERVICE_UNAVAILABLE_HTML = "<html><body>503 Service Unavailable</body></html>"
"""What an exchange's front end answers (with HTTP 503) while the exchange is down."""
MAINTENANCE_HTML = "<html><body>Maintenance</body></html>"


def unavailable_three_ways(answer: Callable[..., object]) -> None:
    """Record one request failing three ways, in the order a scenario plays them: HTTP 503 with
    an HTML page, an HTML page with 200, and a reset connection (repeated: HTTP clients retry a
    reset idempotent request once). `answer` records one answer to the request, taking the
    builder's `status`, `body`, `fault` and `repeat` keywords (e.g. a generator's `ping_`)."""
    answer(status=503, body=SERVICE_UNAVAILABLE_HTML)
    answer(body=MAINTENANCE_HTML)
    answer(fault="reset", repeat=True)


def write_scenarios(builders: Iterable[Callable[[], Cassette]], folder: Path,
                    wanted: Collection[str] = ()) -> list[Cassette]:
    """Build every scenario (or only the `wanted` builder names) and dump it into `folder`:
    the main loop of every generator. A builder is named after the scenario it builds, so
    that `generate.py order_book` finds it; one that is not stops the generator, named.
    """
    written: list[Cassette] = []
    for build in builders:
        if wanted and build.__name__ not in wanted:
            continue
        cassette = build()
        if cassette.scenario != build.__name__:
            raise ValueError(f"{build.__name__}() builds scenario {cassette.scenario!r}: "
                             "rename one of them, a builder is named after its scenario")
        cassette.dump(folder)
        written.append(cassette)
    return written


def _scrubbed_keys(value: Any, name: str = "") -> list[str]:
    """Names of the members holding SCRUBBED (a list's items are named after the list)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += [key] if item == SCRUBBED else _scrubbed_keys(item, key)
    elif isinstance(value, list):
        for item in value:
            found += [name] if item == SCRUBBED and name else _scrubbed_keys(item, name)
    return found


def _after(after_client: int | None, after_http: str | None, delay: float | None
           ) -> FlowMap | None:
    after = FlowMap()
    if after_client is not None:
        after["client"] = after_client
    if after_http is not None:
        after["http"] = after_http
    if delay is not None:
        after["delay"] = delay
    return after or None


def client(payload: Any, *, ignore: list[str] | None = None) -> dict[str, Any]:
    """A frame the client sends (matched against what it does send)."""
    frame: dict[str, Any] = {"dir": "client", "json": payload}
    if ignore:
        frame["match"] = {"ignore": Flow(ignore)}
    return frame


def server(payload: Any = None, *, text: str | None = None, after_client: int | None = None,
           after_http: str | None = None, delay: float | None = None) -> dict[str, Any]:
    """A frame the server sends, optionally only after a client frame or an HTTP request."""
    frame: dict[str, Any] = {"dir": "server"}
    if text is not None:
        frame["text"] = text
    else:
        frame["json"] = payload
    after = _after(after_client, after_http, delay)
    if after:
        frame["after"] = after
    return frame


def close(code: int = 1000, reason: str = "", *, after_http: str | None = None,
          after_client: int | None = None, delay: float | None = None) -> dict[str, Any]:
    """The server closes the connection."""
    frame: dict[str, Any] = {"dir": "server", "close": FlowMap({"code": code, "reason": reason})}
    after = _after(after_client, after_http, delay)
    if after:
        frame["after"] = after
    return frame
