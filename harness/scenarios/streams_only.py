"""The streams-only pass: what its machine draws differently, and what its invariants allow.

In this pass connectors start with status and balance polling off (`POLLING_OFF`), so only
their streams move their state after start-up (docs/scenarios.md, "Streams only"). Its
machine is the usual one with these mixins first in line:

- no `drop_streams` (a precondition in harness/scenarios/faults.py): what the exchange pushes
  while a stream is down is lost, and only a REST read brings it back, which is polling's
  part;
- user-stream faults duplicate or delay events, never reorder them: an exchange delivers one
  connection's frames in order, and two absolute balance snapshots swapped leave the older
  one standing until a later snapshot or a poll (the polling pass reorders, and judges the
  order reports);
- `withdraw_all` (spot): a total of exactly zero on the stream;
- `expire_newest` (spot): the exchange expires our newest open order (EXPIRED on the
  stream, which polling would otherwise report as cancelled);
- an order whose placement met a 5xx or a timeout may stay PENDING_CREATE when the exchange
  never accepted it (`may_stay_pending`): only a status query could tell the connector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from harness.scenarios.faults import WS_COUNTS
from harness.scenarios.steps import Step, StepKind
from harness.scenarios.world import World
from harness.standard.capabilities import Capability

IN_ORDER_FAULTS = st.sampled_from(("duplicate", "delay"))
PAIR_INDEX = st.integers(0, 3)  # as the machine's: modulo the number of pairs


class StreamsOnlyFaults:
    """The user-stream fault rule of the streams-only pass (it replaces FaultRules')."""

    world: Any
    _do: Callable[[Step], Any]  # LifecycleMachine's

    @precondition(lambda self: self.world.has(Capability.USER_STREAM))
    @rule(fault=IN_ORDER_FAULTS, count=WS_COUNTS)
    def user_stream_fault(self, fault: str, count: int) -> None:
        self._do(Step(StepKind.WS_FAULT, {"stream": "user", "fault": fault, "count": count}))


class StreamsOnlyRules(StreamsOnlyFaults):
    """The spot machine's rules of the streams-only pass."""

    @rule(pair=PAIR_INDEX, asset=st.sampled_from(["quote", "base"]))
    def withdraw_all(self, pair: int, asset: str) -> None:
        # A total of exactly zero on the stream (issue 17, class 4): half-withdrawals never
        # reach it, and in the polling pass the next balance poll would repair a skipped one.
        self._do(Step(StepKind.DEPOSIT, {"pair": pair, "asset": asset, "sign": -1,
                                         "all": True}))

    @rule()
    def expire_newest(self) -> None:
        # The exchange ends an order by itself (an EXPIRED report on the stream): the bundle's
        # `expire` often draws an order that is no longer open; this one never misses.
        self._do(Step(StepKind.EXPIRE))


def may_stay_pending(world: World) -> list[str]:
    """Orders whose placement met a 5xx or a timeout, in the streams-only pass: the stream
    reports those the exchange accepted, but only a status query (a poll) can tell the
    connector that one was never created, so waiting for FAILED there would judge polling."""
    if not world.streams_only:
        return []
    return [cid for cid, placement in world.ledger.placements.items()
            if placement.outcome_unknown]
