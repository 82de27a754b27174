"""The cassette format (version 1): typed records for one scenario's REST and WebSocket traffic.

A cassette file is YAML with four top-level keys: `version`, `meta`, `http` and `ws`
(docs/cassettes.md has the full description). `http` is exactly vcrpy's cassette structure,
so vcrpy can read and write it; `harness:` keys inside an interaction are our extension.
The loader (loader.py) turns a validated document into the frozen records below, and
`to_document` turns them back into plain data for YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
"""The only cassette format version this harness reads and writes."""

SCRUBBED = "SCRUBBED"
"""The value that replaces every secret before a cassette touches disk."""

Headers = Mapping[str, tuple[str, ...]]
RequestBody = str | bytes | Mapping[str, Any] | None


class Source(str, Enum):
    """Where a cassette's traffic came from."""

    RECORDED_LIVE = "recorded-live"
    DOCUMENTED_EXAMPLE = "documented-example"
    GENERATED = "generated"


class Fault(str, Enum):
    """A failure the replay server plays instead of a normal answer."""

    TIMEOUT = "timeout"  # never answer: hold the request/connection open until replay stops
    RESET = "reset"  # close the connection without an answer


class Direction(str, Enum):
    CLIENT = "client"
    SERVER = "server"


class FrameKind(str, Enum):
    JSON = "json"
    TEXT = "text"
    CLOSE = "close"
    FAULT = "fault"


class MatchMode(str, Enum):
    """How a recorded client frame is compared with the one received."""

    EQUAL = "equal"
    SUBSET = "subset"  # every recorded key/value must be present; extra keys are fine


class ReplayMode(str, Enum):
    """How a replay matches what the client sends (docs/cassettes.md, "Two replay modes")."""

    CONFORMANCE = "conformance"  # any request a correct client may send, by meaning
    STRICT = "strict"  # the recorded client's requests, parameter for parameter


@dataclass(frozen=True)
class Meta:
    connector: str
    scenario: str
    standard_version: str
    source: Source
    date: str
    exchange_api_version: str | None = None
    scrubbed: tuple[str, ...] = ()
    description: str = ""
    replay: ReplayMode | None = None  # None: the session decides (conformance with a profile)
    inputs: Mapping[str, Any] = field(default_factory=dict)  # scenario parameters for checks
    expect: Mapping[str, Any] = field(default_factory=dict)  # what checks must see surfaced
    fault: tuple[str, ...] = ()  # the exchange rules broken on purpose (fault_labels.py)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    uri: str
    body: RequestBody = None
    headers: Headers = field(default_factory=dict)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    message: str = "OK"
    headers: Headers = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its answer, plus the harness' extension fields."""

    request: HttpRequest
    response: HttpResponse
    id: str | None = None
    repeat: bool = False
    fault: Fault | None = None
    # The exchange's answer to a request the recording client never needed (a later book
    # snapshot another correct client may fetch): strict replay does not require its use.
    optional: bool = False

    @property
    def label(self) -> str:
        """How messages name this interaction: its id if it has one, else method and URI."""
        name = f"{self.request.method} {self.request.uri}"
        return f"{self.id!r} ({name})" if self.id else name


@dataclass(frozen=True)
class Trigger:
    """When a server frame is sent: after a client frame, after an HTTP interaction, and/or a
    delay. Without client/http it fires right after the previous frame of the connection."""

    client: int | None = None
    http: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class CloseSpec:
    code: int = 1000
    reason: str = ""


@dataclass(frozen=True)
class FrameMatch:
    ignore: frozenset[str] = frozenset()
    mode: MatchMode = MatchMode.EQUAL


@dataclass(frozen=True)
class WsFrame:
    """One frame of a connection. `value` is the JSON value, the text, a CloseSpec or a Fault."""

    dir: Direction
    kind: FrameKind
    value: Any
    match: FrameMatch = FrameMatch()
    after: Trigger = Trigger()


@dataclass(frozen=True)
class WsConnection:
    url: str
    frames: tuple[WsFrame, ...] = ()


@dataclass(frozen=True)
class Cassette:
    meta: Meta
    interactions: tuple[Interaction, ...] = ()
    ws: tuple[WsConnection, ...] = ()
    path: Path | None = None

    @property
    def name(self) -> str:
        """`connector/scenario`, or the file path when it was loaded from one."""
        return str(self.path) if self.path else f"{self.meta.connector}/{self.meta.scenario}"


def _headers_doc(headers: Headers) -> dict[str, list[str]]:
    return {str(name): [str(v) for v in values] for name, values in headers.items()}


def _body_doc(body: bytes) -> str | bytes:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body  # PyYAML writes it as !!binary, which vcrpy reads back as bytes


def _interaction_doc(interaction: Interaction) -> dict[str, Any]:
    req, resp = interaction.request, interaction.response
    body: Any = dict(req.body) if isinstance(req.body, Mapping) else req.body
    doc: dict[str, Any] = {
        "request": {
            "method": req.method,
            "uri": req.uri,
            "body": body,
            "headers": _headers_doc(req.headers),
        },
        "response": {
            "status": {"code": resp.status, "message": resp.message},
            "headers": _headers_doc(resp.headers),
            "body": {"string": _body_doc(resp.body)},
        },
    }
    ext: dict[str, Any] = {}
    if interaction.id is not None:
        ext["id"] = interaction.id
    if interaction.repeat:
        ext["repeat"] = True
    if interaction.optional:
        ext["optional"] = True
    if interaction.fault is not None:
        ext["fault"] = interaction.fault.value
    if ext:
        doc["harness"] = ext
    return doc


def _frame_doc(frame: WsFrame) -> dict[str, Any]:
    doc: dict[str, Any] = {"dir": frame.dir.value}
    if frame.kind is FrameKind.CLOSE:
        doc["close"] = {"code": frame.value.code, "reason": frame.value.reason}
    elif frame.kind is FrameKind.FAULT:
        doc["fault"] = frame.value.value
    else:
        doc[frame.kind.value] = frame.value
    if frame.match != FrameMatch():
        match: dict[str, Any] = {}
        if frame.match.ignore:
            match["ignore"] = sorted(frame.match.ignore)
        if frame.match.mode is not MatchMode.EQUAL:
            match["mode"] = frame.match.mode.value
        doc["match"] = match
    if frame.after != Trigger():
        after: dict[str, Any] = {}
        if frame.after.client is not None:
            after["client"] = frame.after.client
        if frame.after.http is not None:
            after["http"] = frame.after.http
        if frame.after.delay:
            after["delay"] = frame.after.delay
        doc["after"] = after
    return doc


def to_document(cassette: Cassette) -> dict[str, Any]:
    """The cassette as plain data (dicts, lists, scalars), ready for YAML."""
    meta = cassette.meta
    meta_doc: dict[str, Any] = {
        "connector": meta.connector,
        "scenario": meta.scenario,
        "standard_version": meta.standard_version,
        "source": meta.source.value,
        "date": meta.date,
    }
    if meta.exchange_api_version is not None:
        meta_doc["exchange_api_version"] = meta.exchange_api_version
    meta_doc["scrubbed"] = list(meta.scrubbed)
    if meta.description:
        meta_doc["description"] = meta.description
    if meta.replay is not None:
        meta_doc["replay"] = meta.replay.value
    if meta.inputs:
        meta_doc["inputs"] = dict(meta.inputs)
    if meta.expect:
        meta_doc["expect"] = dict(meta.expect)
    if meta.fault:
        meta_doc["fault"] = list(meta.fault)
    doc: dict[str, Any] = {"version": FORMAT_VERSION, "meta": meta_doc}
    if cassette.interactions:
        doc["http"] = {
            "version": 1,
            "interactions": [_interaction_doc(i) for i in cassette.interactions],
        }
    if cassette.ws:
        doc["ws"] = [
            {"url": conn.url, "frames": [_frame_doc(f) for f in conn.frames]}
            for conn in cassette.ws
        ]
    return doc
