"""What an exchange leaves to its clients: `cassettes/<exchange>/exchange.yaml`, as data.

Conformance replay (docs/cassettes.md) answers any request a correct client may send in a
scenario. What "correct" allows is the exchange's business, so each exchange declares it
next to its cassettes: the parameters a client chooses (never matched), how a client names
its orders (its own id, echoed back to it), which endpoints only read state (answered as
often as asked, with the parameters a client may add applied as the exchange applies them),
and the WebSocket conventions (request ids, subscriptions, connection paths).

    profile = load_exchange_profile(Path("cassettes/binance/exchange.yaml"))
    profile.is_client_chosen("recvWindow")   # True

A bad file raises ExchangeProfileError with one line per problem (file, field, fix).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from harness.cassette.order_state import OrderState, parse_order_state
from harness.cassette.parse_cache import cached_parse
from harness.cassette.stream_balances import StreamBalances, parse_stream_balances

PROFILE_FILE = "exchange.yaml"
FILTER_KEEPS = ("==", ">=", "<=", "first", "last", "nonzero")


class ExchangeProfileError(Exception):
    """An exchange.yaml that cannot be used; the message has one line per problem."""


@dataclass(frozen=True)
class ResponseFilter:
    """A parameter a client may add to a read-only request, applied to the recorded answer.

    keep: `==`/`>=`/`<=` keep the items of `items` whose `field` compares so with the value;
    `first`/`last` keep that many items (a limit); `nonzero` (when the value is `true`) drops
    the items whose `fields` are all zero.
    """

    param: str
    keep: str
    # "." is the body itself (a JSON array), else the key of an array, or keys joined by
    # dots for a nested one (`result.list`: harness/replay/items.py)
    items: str = "."
    field: str = ""
    fields: tuple[str, ...] = ()
    unwrap: bool = False  # with the parameter, the answer is the one item, not a list
    required: bool = False  # the parameter names something that must exist (a symbol)
    # Narrowed answers are entries of the wide answer, keyed by `field`: a later narrowed
    # answer updates the wide one's entry, a narrowed request is served from the latest
    # wide answer (harness/replay/read_state.py).
    overlay: bool = False


@dataclass(frozen=True)
class StateView:
    """Where a read-only route's default answer reads the scenario's state: another route
    that shows the same state (Binance's `ticker/24hr` lastPrice is `ticker/price`'s price).

    The route's default answer is its template; the other route is asked the same question
    (the parameters named in `params`), and each of its entries sets `fields` (this route's
    field: the other route's field) of the template's entry with the same `key`.
    """

    path: str
    key: str
    fields: Mapping[str, str]
    method: str = "GET"
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadOnlyRoute:
    """An endpoint that only reads the scenario's state."""

    path: str
    method: str = "GET"
    optional: frozenset[str] = frozenset()
    filters: tuple[ResponseFilter, ...] = ()
    # where nothing recorded answers a request naming an order: what the exchange already
    # told the client of it (harness/cassette/order_state.py, harness/replay/order_state.py)
    order_state: OrderState | None = None
    default: Any = None  # answered when the scenario recorded no such request
    # ...unless the request names one of these (an order the scenario lacks is not "none")
    default_unless: frozenset[str] = frozenset()
    view_of: StateView | None = None  # the default answer shows this other route's state
    # Where the scenario recorded nothing here: the outcome recorded at this other route (an
    # error, a fault, the trigger it fires), answered with this route's default on success.
    outcome_of: str | None = None
    # The balances the user stream already reported, written over a recorded answer
    # (harness/cassette/stream_balances.py, harness/replay/stream_balances.py).
    stream_balances: StreamBalances | None = None


@dataclass(frozen=True)
class ResponseType:
    """A parameter by which the client picks how much of a response it gets (Binance's
    newOrderRespType): `shapes[value]` is `keep: [...]` or `drop: [...]` top-level keys."""

    method: str
    path: str
    param: str
    shapes: Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class CombinedStreams:
    """A connection that names its streams in the URL (Binance `/stream?streams=a/b`): it is
    served the scenario's connections recorded on `serves`, each data frame wrapped as
    `{stream: <name>, data: <frame>}`. `stream_of` finds a frame's stream: the first asked
    stream starting with the template of the first rule whose `field` has value `equals`
    (the template is formatted with the frame's fields, lower-cased)."""

    path: str
    serves: str
    query: str = "streams"
    separator: str = "/"
    stream_key: str = "stream"
    data_key: str = "data"
    stream_of: tuple[tuple[str, str, str], ...] = ()  # (field, equals, template)

    def stream_for(self, frame: Any, asked: frozenset[str]) -> str | None:
        if not isinstance(frame, Mapping):
            return None
        for name, equals, template in self.stream_of:
            if frame.get(name) != equals:
                continue
            try:
                prefix = template.format(**{k: str(v).lower() for k, v in frame.items()})
            except (KeyError, IndexError, ValueError):
                return None
            return next((s for s in sorted(asked) if s.startswith(prefix)), None)
        return None


@dataclass(frozen=True)
class Heartbeat:
    """An application-level ping the exchange answers on any connection (of `path`, when
    given) at any time: a client frame holding every key of `request` gets `reply`, with
    the client's request id (Bybit: `{"op": "ping"}`)."""

    request: Mapping[str, Any]
    reply: Mapping[str, Any]
    path: str = ""

    def answers(self, path: str, message: Any) -> bool:
        return (not self.path or self.path == path) and isinstance(message, Mapping) and all(
            key in message and message[key] == value for key, value in self.request.items())


@dataclass(frozen=True)
class IgnoredParam:
    """A request parameter the exchange ignores where it does not apply (Bybit order/create:
    `price` on a Market order, `marketUnit` on a Limit one): it is left out of the comparison
    when the recorded request's `when` fields have those values, so a client may send it or
    not, with any value."""

    path: str
    param: str
    when: Mapping[str, str]
    method: str = "POST"

    def applies(self, method: str, path: str, recorded: Mapping[str, tuple[str, ...]]) -> bool:
        return (method, path) == (self.method, self.path) and all(
            recorded.get(name) == (value,) for name, value in self.when.items())


@dataclass(frozen=True)
class ExchangeProfile:
    """An exchange's conformance data (see the module docstring)."""

    exchange: str
    client_chosen: frozenset[str] = frozenset()
    client_order_id_sent_as: tuple[str, ...] = ()
    client_order_id_referenced_as: tuple[str, ...] = ()
    client_order_id_echoed_as: frozenset[str] = frozenset()
    exchange_order_id_fields: tuple[str, ...] = ()
    read_only: tuple[ReadOnlyRoute, ...] = ()
    response_types: tuple[ResponseType, ...] = ()
    ws_client_chosen: frozenset[str] = frozenset()
    ws_request_id: str = "id"
    ws_subscribe_method: str = ""
    ws_subscribe_streams: str = "params"
    ws_subscribe_key: str = "method"  # the field naming the operation (Bybit: op)
    ws_path_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ws_combined: CombinedStreams | None = None
    ws_heartbeats: tuple[Heartbeat, ...] = ()
    ignored: tuple[IgnoredParam, ...] = ()
    path: Path | None = None

    def is_client_chosen(self, name: str) -> bool:
        return name in self.client_chosen

    def ignored_in(self, method: str, path: str,
                   recorded: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
        """The parameters the exchange ignores in the recorded request (`ignored`)."""
        return frozenset(item.param for item in self.ignored
                         if item.applies(method, path, recorded))

    def read_only_route(self, method: str, path: str) -> ReadOnlyRoute | None:
        for route in self.read_only:
            if route.method == method and route.path == path:
                return route
        return None

    def response_type(self, method: str, path: str) -> ResponseType | None:
        for item in self.response_types:
            if item.method == method and item.path == path:
                return item
        return None

    def ws_path_accepts(self, recorded: str, requested: str) -> bool:
        """True if a connection to `requested` is what the exchange serves at `recorded`
        (`/ws/*` accepts any one path segment after `/ws/`)."""
        if recorded == requested:
            return True
        for pattern in self.ws_path_aliases.get(recorded, ()):
            if pattern.endswith("/*"):
                prefix = pattern[:-1]
                rest = requested[len(prefix):]
                if requested.startswith(prefix) and rest and "/" not in rest:
                    return True
            elif pattern == requested:
                return True
        return False


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path}: {where}: {what}")

    def names(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(f"{where}.{key}", "must be a list of names, e.g. [timestamp, signature]")
            return ()
        return tuple(value)

    def mapping(self, data: Any, where: str) -> Mapping[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            self.add(where, "must be a mapping")
            return {}
        return data


def _filter(reader: _Reader, raw: Any, where: str) -> ResponseFilter | None:
    data = reader.mapping(raw, where)
    if not isinstance(data.get("param"), str) or data.get("keep") not in FILTER_KEEPS:
        reader.add(where, f"needs param: <name> and keep: one of {', '.join(FILTER_KEEPS)}")
        return None
    keep = str(data["keep"])
    if keep in ("==", ">=", "<=") and not isinstance(data.get("field"), str):
        reader.add(where, f"keep {keep} needs field: <the item field it compares>")
        return None
    overlay = bool(data.get("overlay", False))
    if overlay and keep != "==":
        reader.add(f"{where}.overlay", "needs keep: \"==\" (a narrowed answer is the entries"
                                       " whose field equals the value)")
        return None
    return ResponseFilter(param=data["param"], keep=keep, items=str(data.get("items", ".")),
                          field=str(data.get("field", "")),
                          fields=reader.names(data, "fields", where),
                          unwrap=bool(data.get("unwrap", False)),
                          required=bool(data.get("required", False)), overlay=overlay)


def _route(reader: _Reader, raw: Any, where: str) -> ReadOnlyRoute | None:
    data = reader.mapping(raw, where)
    if not isinstance(data.get("path"), str) or not data["path"].startswith("/"):
        reader.add(f"{where}.path", "must be the endpoint's URL path, e.g. /api/v3/time")
        return None
    filters = tuple(item for i, f in enumerate(data.get("filters", []) or [])
                    if (item := _filter(reader, f, f"{where}.filters[{i}]")) is not None)
    view_of = _state_view(reader, data.get("view_of"), f"{where}.view_of")
    if view_of is not None and data.get("default") is None:
        reader.add(f"{where}.view_of", "needs the route's default: the answer whose entries"
                                       " the other route's state updates")
    outcome_of = data.get("outcome_of")
    if outcome_of is not None and not (isinstance(outcome_of, str) and outcome_of.startswith("/")
                                       and data.get("default") is not None):
        reader.add(f"{where}.outcome_of", "needs the other route's URL path, e.g. "
                                          "/v5/system/status, and this route's default (its"
                                          " answer when the other route's outcome is a success)")
        outcome_of = None
    return ReadOnlyRoute(path=data["path"], method=str(data.get("method", "GET")).upper(),
                         optional=frozenset(reader.names(data, "optional", where)),
                         filters=filters, default=data.get("default"),
                         default_unless=frozenset(reader.names(data, "default_unless", where)),
                         view_of=view_of, outcome_of=outcome_of)


def _ignored(reader: _Reader, raw: Any, where: str) -> IgnoredParam | None:
    data = reader.mapping(raw, where)
    when = reader.mapping(data.get("when"), f"{where}.when")
    if not (isinstance(data.get("path"), str) and data["path"].startswith("/")
            and isinstance(data.get("param"), str) and when
            and all(isinstance(v, str) for v in when.values())):
        reader.add(where, "needs path: <the endpoint>, param: <the ignored parameter> and"
                          " when: {<field>: <value>} (e.g. when: {orderType: Market})")
        return None
    return IgnoredParam(path=data["path"], param=data["param"],
                        when={str(k): str(v) for k, v in when.items()},
                        method=str(data.get("method", "POST")).upper())


def _read_only(reader: _Reader, raw: Any, where: str) -> ReadOnlyRoute | None:
    """A read_only entry: its route (_route), with its `order_state` (order_state.py) and
    `stream_balances` (stream_balances.py)."""
    route = _route(reader, raw, where)
    if route is None or not isinstance(raw, Mapping):
        return route
    balances = parse_stream_balances(raw.get("stream_balances"), f"{where}.stream_balances",
                                     reader.add)
    if balances is not None:
        route = replace(route, stream_balances=balances)
    order_state = parse_order_state(raw.get("order_state"), f"{where}.order_state", reader.add)
    if order_state is None:
        return route
    if route.default is not None and not order_state.params <= route.default_unless:
        # The default would answer every request naming an order before the order's state.
        reader.add(f"{where}.default_unless", f"must name {', '.join(sorted(order_state.params))}"
                                              " (order_state answers a request naming an order)")
    return replace(route, order_state=order_state)


def _state_view(reader: _Reader, raw: Any, where: str) -> StateView | None:
    if raw is None:
        return None
    data = reader.mapping(raw, where)
    fields = reader.mapping(data.get("fields"), f"{where}.fields")
    if not (isinstance(data.get("path"), str) and data["path"].startswith("/")
            and isinstance(data.get("key"), str) and fields
            and all(isinstance(v, str) for v in fields.values())):
        reader.add(where, "needs path: <the other route>, key: <the entries' key field> and"
                          " fields: {<this route's field>: <the other route's field>}")
        return None
    return StateView(path=data["path"], key=data["key"],
                     fields={str(k): str(v) for k, v in fields.items()},
                     method=str(data.get("method", "GET")).upper(),
                     params=reader.names(data, "params", where))


def _response_type(reader: _Reader, raw: Any, where: str) -> ResponseType | None:
    data = reader.mapping(raw, where)
    shapes: dict[str, dict[str, tuple[str, ...]]] = {}
    for value, shape in reader.mapping(data.get("shapes"), f"{where}.shapes").items():
        spec = reader.mapping(shape, f"{where}.shapes.{value}")
        shapes[str(value)] = {key: reader.names(spec, key, f"{where}.shapes.{value}")
                              for key in ("keep", "drop") if key in spec}
    if not all(isinstance(data.get(key), str) for key in ("path", "param")):
        reader.add(where, "needs path: <URL path> and param: <parameter name>")
        return None
    return ResponseType(method=str(data.get("method", "POST")).upper(), path=data["path"],
                        param=data["param"], shapes=shapes)


def _combined(reader: _Reader, raw: Any, where: str) -> CombinedStreams | None:
    if raw is None:
        return None
    data = reader.mapping(raw, where)
    if not all(isinstance(data.get(key), str) for key in ("path", "serves")):
        reader.add(where, "needs path: <the combined path> and serves: <a recorded path>")
        return None
    rules: list[tuple[str, str, str]] = []
    for i, rule in enumerate(data.get("stream_of", []) or []):
        spec = reader.mapping(rule, f"{where}.stream_of[{i}]")
        if not all(isinstance(spec.get(key), str) for key in ("field", "equals", "stream")):
            reader.add(f"{where}.stream_of[{i}]", "needs field, equals and stream (a template"
                                                  " such as '{s}@depth')")
            continue
        rules.append((spec["field"], spec["equals"], spec["stream"]))
    return CombinedStreams(path=data["path"], serves=data["serves"],
                           query=str(data.get("query", "streams")),
                           separator=str(data.get("separator", "/")),
                           stream_key=str(data.get("stream_key", "stream")),
                           data_key=str(data.get("data_key", "data")), stream_of=tuple(rules))


def _heartbeat(reader: _Reader, raw: Any, where: str) -> Heartbeat | None:
    data = reader.mapping(raw, where)
    request = data.get("request")
    reply = data.get("reply")
    if not (isinstance(request, Mapping) and request and isinstance(reply, Mapping)):
        reader.add(where, "needs request: {<key>: <value>, ...} (what a ping holds) and"
                          " reply: {...} (the exchange's answer)")
        return None
    return Heartbeat(request=dict(request), reply=dict(reply), path=str(data.get("path", "")))


def profile_from_document(doc: Any, path: Path) -> ExchangeProfile:
    """An ExchangeProfile from parsed YAML; ExchangeProfileError lists every problem."""
    reader = _Reader(path)
    data = reader.mapping(doc, "(top level)")
    if data.get("version") != 1:
        reader.add("version", f"must be 1, got {data.get('version')!r}")
    exchange = data.get("exchange")
    if not isinstance(exchange, str) or not exchange:
        reader.add("exchange", "missing; name the exchange (the cassettes/<exchange>/ folder)")
        exchange = path.parent.name
    http = reader.mapping(data.get("http"), "http")
    ids = reader.mapping(http.get("client_order_id"), "http.client_order_id")
    orders = reader.mapping(http.get("exchange_order_id"), "http.exchange_order_id")
    ws = reader.mapping(data.get("ws"), "ws")
    subscribe = reader.mapping(ws.get("subscribe"), "ws.subscribe")
    aliases = reader.mapping(ws.get("paths"), "ws.paths")
    profile = ExchangeProfile(
        exchange=exchange,
        client_chosen=frozenset(reader.names(http, "client_chosen", "http")),
        client_order_id_sent_as=reader.names(ids, "sent_as", "http.client_order_id"),
        client_order_id_referenced_as=reader.names(ids, "referenced_as",
                                                   "http.client_order_id"),
        client_order_id_echoed_as=frozenset(reader.names(ids, "echoed_as",
                                                         "http.client_order_id")),
        exchange_order_id_fields=reader.names(orders, "referenced_as", "http.exchange_order_id"),
        read_only=tuple(route for i, raw in enumerate(http.get("read_only", []) or [])
                        if (route := _read_only(reader, raw, f"http.read_only[{i}]"))
                        is not None),
        response_types=tuple(item for i, raw in enumerate(http.get("response_types", []) or [])
                             if (item := _response_type(reader, raw,
                                                        f"http.response_types[{i}]"))),
        ws_client_chosen=frozenset(reader.names(ws, "client_chosen", "ws")),
        ws_request_id=str(ws.get("request_id", "id")),
        ws_subscribe_method=str(subscribe.get("method", "")),
        ws_subscribe_streams=str(subscribe.get("streams", "params")),
        ws_subscribe_key=str(subscribe.get("key", "method")),
        ws_path_aliases={str(k): tuple(str(p) for p in (v or [])) for k, v in aliases.items()},
        ws_combined=_combined(reader, ws.get("combined"), "ws.combined"),
        ws_heartbeats=tuple(beat for i, raw in enumerate(ws.get("heartbeat", []) or [])
                            if (beat := _heartbeat(reader, raw, f"ws.heartbeat[{i}]"))),
        ignored=tuple(ignored for i, raw in enumerate(http.get("ignored", []) or [])
                      if (ignored := _ignored(reader, raw, f"http.ignored[{i}]"))),
        path=path,
    )
    for route in profile.read_only:
        seen = route.view_of
        if seen is not None and profile.read_only_route(seen.method, seen.path) is None:
            reader.add(f"http.read_only ({route.path}).view_of.path",
                       f"{seen.method} {seen.path} is not a read_only route here; name one"
                       " (a state-changing answer is no view)")
        shared = route.outcome_of
        if shared is not None and profile.read_only_route(route.method, shared) is None:
            reader.add(f"http.read_only ({route.path}).outcome_of",
                       f"{route.method} {shared} is not a read_only route here; name one"
                       " (an order's outcome is not the exchange's)")
    if reader.problems:
        raise ExchangeProfileError("\n".join(reader.problems))
    return profile


def load_exchange_profile(path: Path) -> ExchangeProfile:
    """Read and validate an exchange.yaml."""
    try:
        doc = cached_parse(path.read_text(encoding="utf-8"), yaml.safe_load, "exchange")
    except FileNotFoundError:
        raise ExchangeProfileError(f"{path}: not found; declare the exchange's client choices"
                                   f" there (docs/cassettes.md, 'What an exchange declares')"
                                   ) from None
    except yaml.YAMLError as exc:
        raise ExchangeProfileError(f"{path}: invalid YAML ({str(exc).splitlines()[0]});"
                                   f" fix the syntax") from None
    return profile_from_document(doc, path)
