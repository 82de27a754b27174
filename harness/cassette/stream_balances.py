"""exchange.yaml `stream_balances` on a read-only route: the balances the user stream has
already reported are written over the route's recorded answer (harness/replay/
stream_balances.py applies it).

    - path: /api/v3/account
      stream_balances:
        records: [event, .]          # where a frame keeps its record (first path present)
        match: {e: outboundAccountPosition}
        entries: B                   # the record's list of balances
        items: balances              # the answer's list of balances
        key: {asset: a}              # the answer's key field: the entry's
        fields: {free: f, locked: l}  # the answer's fields: the entry's
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Problem = Callable[[str, str], None]  # (where, what is wrong and how to fix it)


@dataclass(frozen=True)
class StreamBalances:
    records: tuple[str, ...]
    match: Mapping[str, str]
    entries: str
    items: str
    key: tuple[str, str]  # (the answer's key field, the entry's)
    fields: Mapping[str, str]  # the answer's field: the entry's


def parse_stream_balances(raw: Any, where: str, problem: Problem) -> StreamBalances | None:
    if raw is None:
        return None
    fix = ("needs match: {<frame field>: <value>}, entries: <the frame's list>, items: <the"
           " answer's list>, key: {<answer field>: <entry field>} and fields: {<answer"
           " field>: <entry field>}")
    if not isinstance(raw, Mapping):
        problem(where, fix)
        return None
    match, key, fields = raw.get("match"), raw.get("key"), raw.get("fields")
    records = raw.get("records", ".")
    records = records if isinstance(records, list) else [records]
    if not (isinstance(match, Mapping) and match and isinstance(key, Mapping)
            and len(key) == 1 and isinstance(fields, Mapping) and fields
            and isinstance(raw.get("entries"), str) and isinstance(raw.get("items"), str)
            and all(isinstance(v, str) for v in (*fields.values(), *key.values()))):
        problem(where, fix)
        return None
    (answer_key, entry_key), = key.items()
    return StreamBalances(records=tuple(str(path) for path in records),
                          match={str(k): str(v) for k, v in match.items()},
                          entries=raw["entries"], items=raw["items"],
                          key=(str(answer_key), str(entry_key)),
                          fields={str(k): str(v) for k, v in fields.items()})
