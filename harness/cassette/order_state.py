"""exchange.yaml `order_state`: how a read-only route about one order is answered from what
the exchange already told the client (harness/replay/order_state.py does the answering).

A route such as Binance's `GET /api/v3/order` or `GET /api/v3/myTrades?orderId=` asks about
one order. Where the scenario recorded no answer for that order, the order's state is still
known: the stream frames the replay already sent about it, or the placement answer the client
got. The declaration says where those records are and how an answer is made of them:

    order_state:
      keep: latest                  # the latest entry is the answer (`all`: every entry)
      unwrap: true                  # the entry itself (else a list at `items` of `template`)
      sources:                      # tried in order; the first that knows the order answers
      - stream: true                # frames already sent, on any connection
        records: [event, .]         # where a frame keeps its records (first path present)
        match: {e: executionReport} # keys a record (over its frame's) must hold
        order: {orderId: i, origClientOrderId: c}   # request parameter: record field
        fields: {status: X, isBuyer: {field: S, equals: BUY}, isBestMatch: {value: true}}
      - answer: {method: POST, path: /api/v3/order} # recorded answers the client got
        order: {orderId: orderId, origClientOrderId: clientOrderId}
        copy_all: true

A bad declaration adds one problem line per field (file, field, fix) to the file's reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

KEEPS = ("latest", "all")
Problem = Callable[[str, str], None]  # (where, what): one line of the file's error


NOTHING: Any = object()  # no value: the answer leaves the field out


@dataclass(frozen=True)
class Derived:
    """How one answer field is made from an entry: the first of `first` that holds a value
    (one field copied, or Binance's `C` when set else `c`), else `default`; a constant
    (`value`); a test of a field (`equals` one value, or `in` several: a boolean); or the
    product of two decimal fields (Binance's quoteQty = price x qty)."""

    first: tuple[str, ...] = ()
    default: Any = NOTHING
    value: Any = NOTHING
    equals: tuple[Any, ...] = ()
    is_test: bool = False
    product: tuple[str, str] | None = None


@dataclass(frozen=True)
class OrderSource:
    """Where the exchange told the client about an order: stream frames it sent (`stream`)
    or the recorded answers of one route it served (`answer`: method, path)."""

    order: Mapping[str, str]  # request parameter -> the record field naming the order
    stream: bool = False
    answer: tuple[str, str] | None = None
    records: tuple[str, ...] = (".",)
    match: Mapping[str, tuple[Any, ...]] | None = None
    entries: str = ""  # a list in the record whose items are the entries (each over it)
    where: Mapping[str, tuple[Any, ...]] | None = None  # the entries that answer
    fields: Mapping[str, Derived] | None = None
    copy_all: bool = False  # every field of the entry, then `fields` over them
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderState:
    """A read-only route answered from an order's records (the module docstring)."""

    sources: tuple[OrderSource, ...]
    keep: str = "latest"
    unwrap: bool = False
    template: Any = None  # the answer's envelope; the entries go at `items`
    items: str = "."
    unique: str = ""  # an answer field: entries with the same value are one (a repeat)
    newest_first: bool = False

    @property
    def params(self) -> frozenset[str]:
        """The request parameters that name an order (any source's)."""
        return frozenset(name for source in self.sources for name in source.order)


def _values(raw: Any) -> tuple[Any, ...]:
    return tuple(raw) if isinstance(raw, list) else (raw,)


def _condition(raw: Any, where: str, problem: Problem) -> Mapping[str, tuple[Any, ...]] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) for k in raw):
        problem(where, "must map a field to its value (or a list of values), e.g."
                       " {e: executionReport}")
        return None
    return {key: _values(value) for key, value in raw.items()}


def _derived(raw: Any, where: str, problem: Problem) -> Derived | None:
    if isinstance(raw, str):
        return Derived(first=(raw,))
    if isinstance(raw, Mapping):
        if "value" in raw:
            return Derived(value=raw["value"])
        product = raw.get("product")
        if (isinstance(product, list) and len(product) == 2
                and all(isinstance(name, str) for name in product)):
            return Derived(product=(product[0], product[1]))
        if isinstance(raw.get("field"), str) and ("equals" in raw or "in" in raw):
            return Derived(first=(raw["field"],), is_test=True,
                           equals=_values(raw["equals"] if "equals" in raw else raw["in"]))
        first = raw.get("first", raw.get("field"))
        names = _values(first) if first is not None else ()
        if names and all(isinstance(name, str) for name in names):
            return Derived(first=tuple(names), default=raw.get("default", NOTHING))
    problem(where, "must be a field name, {field: <name>, default: <value>}, {first: [<field>,"
                   " ...]}, {value: <constant>}, {field: <name>, equals: <value>} (or in:"
                   " [values]) or {product: [<field>, <field>]}")
    return None


def _source(raw: Any, where: str, problem: Problem) -> OrderSource | None:
    if not isinstance(raw, Mapping):
        problem(where, "must be a mapping with stream: true or answer: {method, path}")
        return None
    answer = raw.get("answer")
    route: tuple[str, str] | None = None
    if isinstance(answer, Mapping) and isinstance(answer.get("path"), str):
        route = (str(answer.get("method", "GET")).upper(), answer["path"])
    if (raw.get("stream") is True) == (route is not None):
        problem(where, "needs either stream: true (frames sent) or answer: {method: <M>,"
                       " path: <recorded route>}")
        return None
    order = raw.get("order")
    if not (isinstance(order, Mapping) and order
            and all(isinstance(k, str) and isinstance(v, str) for k, v in order.items())):
        problem(f"{where}.order", "must map each request parameter naming the order to the"
                                  " record field holding it, e.g. {orderId: i}")
        return None
    fields: dict[str, Derived] = {}
    for name, spec in (raw.get("fields") or {}).items():
        made = _derived(spec, f"{where}.fields.{name}", problem)
        if made is not None:
            fields[str(name)] = made
    if not fields and not raw.get("copy_all"):
        problem(where, "needs fields: {<answer field>: <how>} or copy_all: true")
        return None
    records = raw.get("records", ".")
    return OrderSource(
        order=dict(order), stream=route is None, answer=route,
        records=tuple(str(path) for path in _values(records)),
        match=_condition(raw.get("match"), f"{where}.match", problem),
        entries=str(raw.get("entries", "")),
        where=_condition(raw.get("where"), f"{where}.where", problem),
        fields=fields, copy_all=bool(raw.get("copy_all", False)),
        drop=tuple(str(name) for name in raw.get("drop", []) or []))


def _holds_list(template: Any, items: str) -> bool:
    """True if `template` has a list at `items` ("." the template itself; keys joined by
    dots: harness/replay/items.py reads the same paths)."""
    found = template
    for key in ([] if items == "." else items.split(".")):
        found = found.get(key) if isinstance(found, Mapping) else None
    return isinstance(found, list)


def parse_order_state(raw: Any, where: str, problem: Problem) -> OrderState | None:
    """The route's `order_state`, or None (absent, or its problems reported)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problem(where, "must be a mapping (keep, sources, ...)")
        return None
    keep = raw.get("keep", "latest")
    if keep not in KEEPS:
        problem(f"{where}.keep", f"must be one of {', '.join(KEEPS)}")
        return None
    sources = tuple(made for i, item in enumerate(raw.get("sources") or [])
                    if (made := _source(item, f"{where}.sources[{i}]", problem)) is not None)
    if not sources:
        problem(f"{where}.sources", "needs at least one source (stream: true or answer:)")
        return None
    unwrap = bool(raw.get("unwrap", False))
    if unwrap and keep != "latest":
        problem(f"{where}.unwrap", "needs keep: latest (one entry is the answer)")
        return None
    template, items = raw.get("template", []), str(raw.get("items", "."))
    if not unwrap and not _holds_list(template, items):
        problem(f"{where}.template", f"must hold the list of entries at items ({items}), e.g."
                                     " [] with items: .")
        return None
    return OrderState(sources=sources, keep=keep, unwrap=unwrap, template=template, items=items,
                      unique=str(raw.get("unique", "")),
                      newest_first=bool(raw.get("newest_first", False)))
