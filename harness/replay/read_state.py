"""The state a read-only answer shows, for endpoints whose answers narrow (conformance replay).

An exchange answers `ticker/price` with every symbol, and `ticker/price?symbol=BTCUSDT`
with one entry of that same list. A scenario records whichever its client asked, yet a
different correct client may ask the other way round. exchange.yaml declares such a filter
with `overlay: true` (the parameter, the list it narrows and the key of an entry), and the
route's recorded answers become one timeline of the scenario's state:

- each request moves the route's cursor to the next recorded answer it could be served by
  (once none is left, the cursor stays: the latest state repeats);
- a wide request is answered by the latest wide answer at or before the cursor, with the
  narrowed answers recorded after it (up to the cursor) written over their entries;
- a narrowed request is answered by the latest answer at or before the cursor that covers
  it: its own narrowed answer, or a wide one (then filtered to its entry).

The cursor never goes back, so a client never sees an older state after a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.cassette.exchange import ReadOnlyRoute, ResponseFilter
from harness.cassette.matchers import RequestView
from harness.cassette.meaning import meaning_params, same_value
from harness.replay.http import PreparedInteraction
from harness.replay.items import items_at, with_items

Parse = Callable[[PreparedInteraction], Any]  # a recorded answer's JSON (or a sentinel)


def overlay_filter(route: ReadOnlyRoute) -> ResponseFilter | None:
    """The route's filter declared `overlay: true`, if any."""
    return next((item for item in route.filters if item.overlay), None)


@dataclass
class Served:
    """What answers one request: `base`, with `over` written over its entries in order."""

    base: PreparedInteraction
    over: tuple[PreparedInteraction, ...] = ()


@dataclass
class ReadState:
    """The cursor of every overlay route, (method, path) -> the latest index served."""

    cursors: dict[tuple[str, str], int] = field(default_factory=dict)

    def serve(self, view: RequestView, narrowing: ResponseFilter,
              matching: Sequence[PreparedInteraction]) -> Served | None:
        """What answers `view`, given the recorded answers that match it (in cassette order);
        None when no recorded answer can (the request is then refused as usual)."""
        key = (view.method, view.path)
        cursor = self.cursors.get(key, -1)
        narrowed = narrowing.param in meaning_params(view)
        usable = [item for item in matching if narrowed or _is_state(item)]
        following = [item for item in usable if item.index > cursor]
        if following:
            cursor = following[0].index
        if narrowed:
            chosen = _latest(usable, cursor)
            if chosen is None:
                return None
            self.cursors[key] = max(cursor, chosen.index)
            return Served(chosen)
        wide = [item for item in usable if not _narrows(item, narrowing)]
        base = _latest(wide, cursor)
        if base is None:  # nothing wide recorded yet: the first wide answer after it
            base = next((item for item in wide if item.index > cursor), None)
            if base is None:
                return None
            cursor = base.index
        self.cursors[key] = cursor
        over = tuple(item for item in usable if _narrows(item, narrowing)
                     and base.index < item.index <= cursor)
        return Served(base, over)


def _latest(items: Sequence[PreparedInteraction], cursor: int) -> PreparedInteraction | None:
    before = [item for item in items if item.index <= cursor]
    return before[-1] if before else None


def _narrows(item: PreparedInteraction, narrowing: ResponseFilter) -> bool:
    return narrowing.param in meaning_params(item.view)


def _is_state(item: PreparedInteraction) -> bool:
    """An answer that shows the state (2xx); an error answer changes nothing in it."""
    return 200 <= item.interaction.response.status < 300


def overlaid(narrowing: ResponseFilter, base: Any, over: Sequence[PreparedInteraction],
             parse: Parse) -> Any:
    """`base` (a wide answer) with each narrowed answer in `over` replacing the entries whose
    key equals the value its request named (in place, so the list keeps its order)."""
    for item in over:
        value = meaning_params(item.view)[narrowing.param][0]
        answer = parse(item)
        entries = [answer] if narrowing.unwrap else _items(narrowing, answer)
        if entries is None or not all(isinstance(e, Mapping) for e in entries):
            continue  # not an answer of the declared shape: it cannot say the entry
        base = _replace(narrowing, base, value, entries)
    return base


def _items(narrowing: ResponseFilter, body: Any) -> list[Any] | None:
    return items_at(body, narrowing.items)


def _replace(narrowing: ResponseFilter, body: Any, value: str, entries: list[Any]) -> Any:
    items = _items(narrowing, body)
    if items is None:
        return body
    key = narrowing.field
    kept: list[Any] = []
    placed = False
    for entry in items:
        if isinstance(entry, Mapping) and key in entry and same_value(str(entry[key]), value):
            if not placed:
                kept.extend(entries)
                placed = True
            continue
        kept.append(entry)
    if not placed:
        kept.extend(entries)  # an entry the wide answer did not hold yet (a new listing)
    return with_items(body, narrowing.items, kept)
