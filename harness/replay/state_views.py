"""One state, several endpoints: a read-only default answer that shows another route's state.

An exchange often shows one fact at several endpoints: Binance's last price is `price` in
`ticker/price` and `lastPrice` in `ticker/24hr`. A scenario records the fact where its
recording client asked, yet another correct client may read it at the other endpoint, where
the scenario recorded nothing and exchange.yaml's default (a documented example) would
answer with a price the scenario never had. A route declared `view_of` (harness.cassette.
exchange.StateView) answers instead with its default, its entries updated from the other
route's answer to the same question:

    template  [{symbol: BTCUSDT, lastPrice: "30000.0", volume: ...}]   (the route's default)
    source    [{symbol: BTCUSDT, price: "30000.1"}]                     (ticker/price's state)
    answer    [{symbol: BTCUSDT, lastPrice: "30000.1", volume: ...}]

Entries are the body itself when it is a list, or the body when it is one entry (a narrowed
answer). A template entry the source does not hold stays as declared; a source entry the
template lacks is left out (the view has nothing else to say about it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from harness.cassette.exchange import StateView
from harness.cassette.matchers import RequestView
from harness.cassette.meaning import same_value


def source_request(view: StateView, asked: RequestView,
                   params: Mapping[str, tuple[str, ...]]) -> RequestView:
    """The question `asked` puts to the route whose state it shows: the same host, the
    parameters the view passes on (the others belong to the asked route alone)."""
    passed = [(name, value) for name in view.params for value in params.get(name, ())]
    return RequestView(view.method, view.path, query_string=urlencode(passed),
                       host=asked.host, volatile=asked.volatile)


def entries_of(body: Any, key: str) -> list[Mapping[str, Any]]:
    """The keyed entries of an answer: a list's, or the answer itself when it is one."""
    if isinstance(body, Mapping):
        return [body] if key in body else []
    if isinstance(body, list):
        return [item for item in body if isinstance(item, Mapping) and key in item]
    return []


def shown(view: StateView, template: Any, source: Any) -> Any:
    """`template` with each entry's `view.fields` taken from the source entry of its key."""
    found = entries_of(source, view.key)

    def updated(entry: Any) -> Any:
        if not isinstance(entry, Mapping) or view.key not in entry:
            return entry
        match = next((item for item in found
                      if same_value(str(item[view.key]), str(entry[view.key]))), None)
        if match is None:
            return entry
        return {**entry, **{mine: match[theirs] for mine, theirs in view.fields.items()
                            if theirs in match}}

    if isinstance(template, list):
        return [updated(entry) for entry in template]
    return updated(template)
