"""A recorded balances answer brought up to what the user stream has said since (conformance
replay, exchange.yaml `stream_balances`; the declaration is harness/cassette/
stream_balances.py).

A scenario records the account as its client polled it; another correct client polls it at
other moments. A recorded answer is the state when it was first served; a balance the
stream reported after that is newer, and the exchange would answer it: the answer's entry of
that asset takes the frame's values (an asset it lacks is added). A later recorded answer of
the route is the state from then on, and only frames sent after it count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.cassette.stream_balances import StreamBalances
from harness.replay.items import items_at, with_items


def reported_since(rule: StreamBalances, frames: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The latest values of each asset the matching frames reported (by the answer's key)."""
    latest: dict[str, dict[str, Any]] = {}
    for frame in frames:
        for record in _records(rule, frame):
            if not all(str(record.get(k)) == v for k, v in rule.match.items()):
                continue
            entries = record.get(rule.entries)
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, Mapping) and rule.key[1] in entry:
                    latest[str(entry[rule.key[1]])] = {
                        answer: entry[field] for answer, field in rule.fields.items()
                        if field in entry}
    return latest


def brought_up_to_date(rule: StreamBalances, body: Any,
                       latest: Mapping[str, Mapping[str, Any]]) -> Any:
    """`body` with each reported asset's entry updated (or added); `body` itself when the
    stream reported nothing or the answer has no such list."""
    items = items_at(body, rule.items)
    if not latest or items is None:
        return body
    answer_key = rule.key[0]
    pending = dict(latest)
    updated = []
    for item in items:
        asset = str(item.get(answer_key)) if isinstance(item, Mapping) else None
        if asset is not None and asset in pending:
            updated.append({**item, **pending.pop(asset)})
        else:
            updated.append(item)
    updated += [{answer_key: asset, **values} for asset, values in pending.items()]
    return with_items(body, rule.items, updated)


def _records(rule: StreamBalances, frame: Any) -> list[Mapping[str, Any]]:
    if not isinstance(frame, Mapping):
        return []
    for path in rule.records:
        found: Any = frame
        if path != ".":
            for key in path.split("."):
                found = found.get(key) if isinstance(found, Mapping) else None
        if isinstance(found, Mapping):
            return [found]
        if isinstance(found, list):
            return [item for item in found if isinstance(item, Mapping)]
    return []
