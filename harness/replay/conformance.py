"""Conformance replay, the HTTP side: answer any request a correct client may send.

Which interaction answers a request, and what the answer says, follow the exchange's
exchange.yaml (harness/cassette/exchange.py): requests are matched by meaning (MeaningMatcher);
read-only endpoints answer as often as asked (a sequence of recorded answers is the state
as it changes; the last one repeats) with the filters a client added applied; a client's
response type is honoured; a client's own order ids are echoed back (ClientIds). Strict
replay (harness/replay/http.py alone) stays byte-for-byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.cassette.exchange import ExchangeProfile, ReadOnlyRoute, ResponseFilter, StateView
from harness.cassette.format import Cassette
from harness.cassette.matchers import Matcher, RequestView, host, method, path, run_matcher
from harness.cassette.meaning import MeaningMatcher, meaning_params, same_value
from harness.cassette.order_state import NOTHING
from harness.replay.client_ids import ClientIds
from harness.replay.http import PreparedInteraction, RequestVerifier
from harness.replay.items import items_at, with_items
from harness.replay.order_state import OrderAnswers
from harness.replay.read_state import ReadState, Served, overlaid, overlay_filter
from harness.replay.state_views import shown, source_request
from harness.replay.stream_balances import brought_up_to_date, reported_since

_UNCHANGED: Any = object()


class NotInScenario(LookupError):
    """A read-only request asks for something the scenario does not hold (the reason)."""


class HttpConformance:
    """The policy HttpReplay consults in conformance mode."""

    def __init__(self, profile: ExchangeProfile, cassette: Cassette, ids: ClientIds,
                 sent: Sequence[Any] = (), verifier: RequestVerifier | None = None) -> None:
        """`sent`: the stream frames sent so far (the WebSocket replay appends to it), which
        `order_state` routes answer from; `verifier`: the manifest's request verifier, which
        checks a request answered so (an order's state is the account's own data)."""
        self.profile = profile
        self.ids = ids
        self.orders = OrderAnswers(profile, ids, sent)
        self.verifier = verifier
        self.meaning = MeaningMatcher(profile, ids.order_ref)
        self._parsed: dict[int, Any] = {}
        self.state = ReadState()
        self._served: dict[int, tuple[RequestView, Served]] = {}  # overlays, until answered
        # The recorded requests that change the exchange's state (every route not read-only),
        # by cassette position, and those a client has made: an answer recorded after a change
        # the client has not made yet shows a state that does not exist yet.
        self._changes = [index for index, item in enumerate(cassette.interactions)
                         if profile.read_only_route(item.request.method,
                                                    _path_of(item.request.uri)) is None]
        self._changes_made: set[int] = set()
        # per stream_balances route: (the recorded answer last served, how many frames had
        # been sent when it was first served)
        self._balance_marks: dict[tuple[str, str], tuple[int, int]] = {}

    @property
    def matchers(self) -> tuple[Matcher, ...]:
        """method, host, path, and parameters by meaning (named `params` in messages)."""
        return (method, host, path, self.meaning)

    def is_read_only(self, item: PreparedInteraction) -> bool:
        return self.profile.read_only_route(item.view.method, item.view.path) is not None

    def pick(self, view: RequestView, candidates: Sequence[PreparedInteraction],
             matchers: Sequence[Matcher]) -> PreparedInteraction | None:
        """The interaction that answers `view`: the first unused match; for a read-only
        endpoint, once all matches were used, the last one again (the latest state)."""
        route = self.profile.read_only_route(view.method, view.path)
        overlay = overlay_filter(route) if route is not None else None
        if overlay is not None:
            return self._pick_state(view, overlay, candidates, matchers)
        read_only = route is not None
        narrowing = _narrowing_params(route) if route is not None else frozenset()
        asked = meaning_params(view) if narrowing else {}
        if route is not None and self._default_applies(route, view):
            # Where "nothing yet" has an answer (the route's default), a recorded answer
            # from after a change the client has not made is not served before it: the
            # account's trades polled before the order was placed are none, not its fills.
            frontier = self._frontier()
            candidates = [item for item in candidates if item.index < frontier]

        def answers(item: PreparedInteraction) -> bool:
            if narrowing and any(name in meaning_params(item.view) and name not in asked
                                 for name in narrowing):
                # An answer narrowed to one item (ticker/price?symbol=...) cannot answer a
                # request for them all: its shape differs (an object, not a list).
                return False
            return all(run_matcher(m, view, item.view) is None for m in matchers)

        fresh = (item for item in candidates if not item.uses or item.interaction.repeat)
        found = next((item for item in fresh if answers(item)), None)
        if found is not None or not read_only:
            return found
        # Only used answers match: the latest of them (searched from the end, so a long
        # sequence of answers to one request costs one pass, not one per request).
        used = (item for item in reversed(candidates) if item.uses and
                not item.interaction.repeat)
        return next((item for item in used if answers(item)), None)

    def _pick_state(self, view: RequestView, overlay: ResponseFilter,
                    candidates: Sequence[PreparedInteraction],
                    matchers: Sequence[Matcher]) -> PreparedInteraction | None:
        """An overlay route: the answer follows the scenario's state (read_state.py)."""
        matching = [item for item in candidates
                    if all(run_matcher(m, view, item.view) is None for m in matchers)]
        served = self.state.serve(view, overlay, matching)
        if served is None:
            return None
        if served.over:
            self._served[id(view)] = (view, served)
        return served.base

    def shared_outcome(self, view: RequestView,
                       recorded: Sequence[PreparedInteraction]) -> PreparedInteraction | None:
        """For a route declared `outcome_of`, where the scenario recorded nothing of its own:
        the interaction a request at the other route would get (its outcome is this one's)."""
        route = self.profile.read_only_route(view.method, view.path)
        if route is None or route.outcome_of is None:
            return None
        candidates = [item for item in recorded
                      if (item.view.method, item.view.path) == (view.method, route.outcome_of)]
        if not candidates:
            return None
        question = RequestView(view.method, route.outcome_of, host=view.host,
                               volatile=view.volatile)
        return self.pick(question, candidates, self.matchers)

    def learn(self, view: RequestView, chosen: PreparedInteraction) -> None:
        self.ids.learn(view, chosen.view)
        self._changes_made.add(chosen.index)

    def _frontier(self) -> int:
        """The cassette position of the first state change the client has not made yet
        (past the end when it made them all)."""
        return next((index for index in self._changes if index not in self._changes_made),
                    sys.maxsize)

    @staticmethod
    def _default_applies(route: ReadOnlyRoute, view: RequestView) -> bool:
        return route.default is not None and not route.default_unless & set(
            meaning_params(view))

    def default_answer(self, view: RequestView,
                       recorded: Sequence[PreparedInteraction] = ()) -> bytes | None:
        """The exchange.yaml default for a read-only endpoint the scenario never recorded;
        for a route declared `view_of`, with the state the scenario recorded at the other
        route (`recorded`: the replay's interactions) written into it (state_views.py);
        for a request naming an order (`order_state`), what the exchange already told the
        client of that order (order_state.py). None: the request is refused."""
        route = self.profile.read_only_route(view.method, view.path)
        if route is None:
            return None
        params = meaning_params(view)
        if route.default is None or route.default_unless & set(params):
            return self._order_state(view, route, params, recorded)
        body = route.default
        if route.view_of is not None:
            body = self._viewed(route.view_of, view, params, body, recorded)
        body = _filtered(route, body, params)
        return json.dumps(body, separators=(",", ":")).encode()

    def _order_state(self, view: RequestView, route: ReadOnlyRoute,
                     params: Mapping[str, tuple[str, ...]],
                     recorded: Sequence[PreparedInteraction]) -> bytes | None:
        if route.order_state is None:
            return None
        body = self.orders.answer(route.order_state, params, recorded)
        if body is NOTHING:
            return None
        reason = self.verifier(view) if self.verifier is not None else None
        if reason is not None:  # as a recorded signed request would be
            raise NotInScenario(f"request_verifier rejected it ({reason}); an order's state is"
                                f" the account's own data")
        body = _filtered(route, body, params)
        return json.dumps(self.ids.echo(body), separators=(",", ":")).encode()

    def _viewed(self, seen: StateView, view: RequestView, params: Mapping[str, tuple[str, ...]],
                template: Any, recorded: Sequence[PreparedInteraction]) -> Any:
        """`template` showing the other route's answer to the same question, served as if
        the client had asked it there (its state's cursor moves); the template as declared
        when the scenario recorded nothing there, or only an error (no state)."""
        candidates = [item for item in recorded
                      if (item.view.method, item.view.path) == (seen.method, seen.path)]
        if not candidates:
            return template
        question = source_request(seen, view, params)
        chosen = self.pick(question, candidates, self.matchers)
        if chosen is None or not 200 <= chosen.interaction.response.status < 300:
            return template
        answer = self.body_for(question, chosen)  # NotInScenario refuses the request
        chosen.uses += 1
        try:
            return shown(seen, template, json.loads(answer))
        except ValueError:
            return template

    def body_for(self, view: RequestView, chosen: PreparedInteraction) -> bytes:
        """The recorded answer as this client must see it (filters, response type, ids),
        brought up to the balances the stream reported since (`stream_balances`)."""
        body = self._body_for(view, chosen)
        route = self.profile.read_only_route(chosen.view.method, chosen.view.path)
        if route is None or route.stream_balances is None:
            return body
        key = (chosen.view.method, chosen.view.path)
        mark = self._balance_marks.get(key)
        if mark is None or mark[0] != chosen.index:  # a new recorded state: newer than before
            mark = self._balance_marks[key] = (chosen.index, len(self.orders.sent))
        latest = reported_since(route.stream_balances, self.orders.sent[mark[1]:])
        if not latest:
            return body
        try:
            parsed = json.loads(body)
        except ValueError:
            return body
        current = brought_up_to_date(route.stream_balances, parsed, latest)
        # the client's filters again (omitZeroBalances: a balance the stream emptied goes)
        current = _filtered(route, current, meaning_params(view))
        return json.dumps(current, separators=(",", ":")).encode()

    def _body_for(self, view: RequestView, chosen: PreparedInteraction) -> bytes:
        """The recorded answer as this client must see it (filters, response type, ids);
        the recorded bytes themselves when nothing changes (the common, fast case)."""
        raw = chosen.interaction.response.body
        route = self.profile.read_only_route(chosen.view.method, chosen.view.path)
        pending = self._served.pop(id(view), None)
        if route is not None and pending is not None and pending[0] is view:
            return self._overlaid(view, route, chosen, pending[1])
        shape = self.profile.response_type(chosen.view.method, chosen.view.path)
        if route is None and shape is None and not self.ids.aliased:
            return raw
        params = meaning_params(view)
        wanted: dict[str, tuple[str, ...]] = {}
        if route is not None:
            recorded = meaning_params(chosen.view)
            wanted = {f.param: params[f.param] for f in route.filters
                      if f.param in params and recorded.get(f.param) != params[f.param]}
        spec = shape.shapes.get(params[shape.param][0], {}) \
            if shape is not None and params.get(shape.param) else {}
        if not (wanted or spec or self.ids.aliased):
            return raw
        body = self._json(chosen)
        if body is _UNCHANGED:
            return raw
        if route is not None and wanted:
            body = _filtered(route, body, wanted)
        if isinstance(body, Mapping) and "keep" in spec:
            body = {k: v for k, v in body.items() if k in spec["keep"]}
        if isinstance(body, Mapping) and "drop" in spec:
            body = {k: v for k, v in body.items() if k not in spec["drop"]}
        return json.dumps(self.ids.echo(body), separators=(",", ":")).encode()

    def _overlaid(self, view: RequestView, route: ReadOnlyRoute, chosen: PreparedInteraction,
                  served: Served) -> bytes:
        """A wide answer with the narrowed answers recorded after it written over it."""
        overlay = overlay_filter(route)
        body = self._json(chosen)
        if overlay is None or body is _UNCHANGED:
            return chosen.interaction.response.body
        body = overlaid(overlay, body, served.over, self._json)
        params = meaning_params(view)
        body = _filtered(route, body, {f.param: params[f.param] for f in route.filters
                                       if f.param in params})
        return json.dumps(self.ids.echo(body), separators=(",", ":")).encode()

    def _json(self, chosen: PreparedInteraction) -> Any:
        if chosen.index not in self._parsed:
            try:
                self._parsed[chosen.index] = json.loads(chosen.interaction.response.body)
            except ValueError:
                self._parsed[chosen.index] = _UNCHANGED  # not JSON: served as recorded
        return self._parsed[chosen.index]


def _path_of(uri: str) -> str:
    return unquote(urlsplit(uri).path)


def _narrowing_params(route: ReadOnlyRoute) -> frozenset[str]:
    """The filter parameters that turn the route's answer from a list into one item."""
    return frozenset(item.param for item in route.filters if item.unwrap)


def _filtered(route: ReadOnlyRoute, body: Any, params: Mapping[str, tuple[str, ...]]) -> Any:
    """`body` with the route's filters applied for each parameter the client sent."""
    for item in route.filters:
        values = params.get(item.param)
        if values:
            body = _apply(item, body, values[0])
    return body


def _apply(item: ResponseFilter, body: Any, value: str) -> Any:
    items = items_at(body, item.items)
    if items is None:
        return body
    kept = _keep(item, items, value)
    if (item.unwrap or item.required) and not kept:
        raise NotInScenario(f"{item.param}={value} names nothing this scenario holds (the"
                            f" exchange refuses it)")
    if item.unwrap:
        return kept[0]
    return with_items(body, item.items, kept)


def _keep(item: ResponseFilter, items: list[Any], value: str) -> list[Any]:
    if item.keep in ("first", "last"):
        count = int(_number(value) or 0)
        if count <= 0:
            return items
        return items[:count] if item.keep == "first" else items[-count:]
    if item.keep == "nonzero":
        if value.lower() != "true":
            return items
        return [i for i in items if isinstance(i, Mapping)
                and any(_number(str(i.get(name, "0"))) for name in item.fields)]
    return [i for i in items if isinstance(i, Mapping) and item.field in i
            and _compare(item.keep, str(i[item.field]), value)]


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _compare(keep: str, have: str, value: str) -> bool:
    if keep == "==":
        return same_value(have, value)
    left, right = _number(have), _number(value)
    if left is None or right is None:
        return False
    return left >= right if keep == ">=" else left <= right
