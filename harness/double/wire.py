"""The seam between the double server and an exchange's wire format.

A connector's exchange double (connectors/<name>/double.py) implements `WireFormat`:
it classifies and validates requests, answers them from the in-memory exchange, renders
faults and pushes events on WebSocket connections in the exchange's own formats. The
server (server.py) owns sockets, faults and the request log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from harness.double.exchange import Exchange
from harness.double.faults import HttpFault

if TYPE_CHECKING:
    from harness.double.ws import DoubleWsConnection

_FORM = "application/x-www-form-urlencoded"


@dataclass
class DoubleRequest:
    """One HTTP request as the double received it.

    `query_string` and `body` are exactly what was sent (signatures are computed over them);
    `query`, `form` and `json` are parsed views. `params` merges form and query, the query
    winning (as Binance does).
    """

    method: str
    path: str
    query_string: str = ""
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    operation: str = ""
    invalid_reason: str | None = None
    # The exchange reads a body as a form whatever its Content-Type says (the wire format's
    # `body_is_form`; Binance: see connectors/binance/double/wire.py).
    body_is_form: bool = False
    query: tuple[tuple[str, str], ...] = field(init=False)
    form: tuple[tuple[str, str], ...] = field(init=False)
    json: Any = field(init=False)

    def __post_init__(self) -> None:
        self._headers = {name.lower(): value for name, value in self.headers.items()}
        self.query = tuple(parse_qsl(self.query_string, keep_blank_values=True))
        content_type = self._headers.get("content-type", "").split(";")[0].strip().lower()
        text = self.body.decode("utf-8", errors="replace")
        self.form = tuple(parse_qsl(text, keep_blank_values=True)) \
            if content_type == _FORM or self.body_is_form else ()
        self.json = None
        if content_type == "application/json" and self.body and not self.body_is_form:
            try:
                self.json = json.loads(text)
            except ValueError:
                self.mark_invalid("body is not valid JSON")

    @property
    def params(self) -> dict[str, str]:
        return {**dict(self.form), **dict(self.query)}

    def param(self, name: str) -> str | None:
        return self.params.get(name)

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        return self._headers.get(name.lower())

    def mark_invalid(self, reason: str) -> None:
        """Record that the client should not have sent this (bad signature, precision...)."""
        self.invalid_reason = reason if self.invalid_reason is None \
            else f"{self.invalid_reason}; {reason}"


@dataclass
class DoubleResponse:
    """What the wire layer answers: a JSON `body`, or `text` when it is set."""

    status: int = 200
    body: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None

    @classmethod
    def json(cls, body: Any, status: int = 200,
             headers: dict[str, str] | None = None) -> DoubleResponse:
        return cls(status, body=body, headers=dict(headers or {}))

    @classmethod
    def plain(cls, text: str, status: int = 200,
              headers: dict[str, str] | None = None) -> DoubleResponse:
        return cls(status, text=text, headers=dict(headers or {}))

    def encode(self) -> tuple[bytes, str]:
        """(body bytes, content type)."""
        if self.text is not None:
            return self.text.encode(), self.content_type or "text/plain"
        return dumps(self.body).encode(), self.content_type or "application/json"


def json_command(text: str, key: str) -> dict[str, Any] | None:
    """A client's WebSocket frame as a JSON object naming its command under `key`, or None
    for anything else (not JSON, not an object, no string command), which the caller refuses
    in its exchange's words.

    >>> json_command('{"op": "ping"}', "op"), json_command('{"op": 1}', "op")
    ({'op': 'ping'}, None)
    """
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if not isinstance(frame, dict) or not isinstance(frame.get(key), str):
        return None
    return frame


def dumps(obj: Any) -> str:
    """JSON with Decimals as strings and enums as their values (compact, like exchanges)."""
    return json.dumps(obj, default=_json_default, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class WireFormat(Protocol):
    """The exchange-specific half of a double server (see `BaseWireFormat` for defaults)."""

    def operation_for(self, request: DoubleRequest) -> str:
        """The operation name of a request ("place", "cancel", "depth"...): faults and logs."""
        ...

    def validate(self, request: DoubleRequest) -> str | None:
        """Why the client should not have sent this request, or None. Called for every
        request, before faults; the verdict is also in `request.invalid_reason`."""
        ...

    async def handle_http(self, request: DoubleRequest, exchange: Exchange) -> DoubleResponse:
        """Answer a request from the exchange (also for accepted-then-timeout faults)."""
        ...

    def render_fault(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        """The exchange's own response for a 5xx, 429 or timestamp fault."""
        ...

    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        """A client connected (conn.path says to what): subscribe it, greet it, or close it."""
        ...

    async def on_ws_message(self, conn: DoubleWsConnection, text: str) -> None:
        """A client frame arrived (text; binary frames are decoded as UTF-8)."""
        ...


class BaseWireFormat:
    """Defaults for every `WireFormat` method: subclass and override what the exchange has."""

    def operation_for(self, request: DoubleRequest) -> str:
        return f"{request.method} {request.path}"

    def validate(self, request: DoubleRequest) -> str | None:
        return None

    async def handle_http(self, request: DoubleRequest, exchange: Exchange) -> DoubleResponse:
        return DoubleResponse.json({"error": f"no route {request.method} {request.path}"}, 404)

    def render_fault(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        return DoubleResponse.json({"error": fault.kind.value}, fault.status)

    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        return None

    async def on_ws_message(self, conn: DoubleWsConnection, text: str) -> None:
        return None
