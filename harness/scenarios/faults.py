"""Fault rules: what the network and the exchange do wrong, armed on the double's fault plan.

HTTP faults hit the next request of one operation ("place", "cancel", "status": the names
every wire format gives those requests); stream faults hit the next event pushed on one
stream kind (whatever kinds the double's connections carry: "user", "depth", ...). Each
rule is gated on what the manifest declares, so a connector is never asked to survive a
fault its exchange cannot produce. `heal` ends every fault and checks that all invariants
hold again (invariant 9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from harness.scenarios.steps import Step, StepKind
from harness.standard.capabilities import Capability

F = TypeVar("F", bound=Callable[..., Any])
OPERATIONS = ("place", "cancel", "status")
SERVER_ERRORS = (503, 500, 502)
WS_FAULTS = st.sampled_from(("duplicate", "reorder", "delay"))
WS_COUNTS = st.sampled_from((1, 3))  # one operation pushes several events (report, balances)


def _has(capability: str) -> Callable[[F], F]:
    """The rule runs only for connectors whose manifest declares `capability`."""
    gate: Callable[[F], F] = precondition(lambda self: self.world.has(capability))
    return gate


class FaultRules:
    """Rules of the lifecycle machine that inject faults (mixed into LifecycleMachine)."""

    world: ClassVar[Any]

    def _do(self, step: Step) -> Any:
        raise NotImplementedError

    def _stream(self, index: int, *, market: bool) -> str | None:
        raise NotImplementedError

    @rule(operation=st.sampled_from(OPERATIONS), status=st.sampled_from(SERVER_ERRORS),
          executed=st.booleans())
    def http_5xx(self, operation: str, status: int, executed: bool) -> None:
        # Whether the exchange executed it is drawn: the answer is the same 5xx either way,
        # so a connector that assumes either outcome is wrong in one of them.
        fault = "executed_then_server_error" if executed else "server_error"
        self._do(Step(StepKind.HTTP_FAULT, {"operation": operation, "fault": fault,
                                            "status": status}))

    @_has(Capability.RATE_LIMITS)
    @rule(operation=st.sampled_from(OPERATIONS))
    def http_429(self, operation: str) -> None:
        self._do(Step(StepKind.HTTP_FAULT, {"operation": operation, "fault": "rate_limit"}))

    @rule(operation=st.sampled_from(OPERATIONS), executed=st.booleans())
    def http_timeout(self, operation: str, executed: bool) -> None:
        fault = "accepted_then_timeout" if executed else "timeout"
        self._do(Step(StepKind.HTTP_FAULT, {"operation": operation, "fault": fault}))

    @_has(Capability.TIME_SYNC)
    @rule(operation=st.sampled_from(OPERATIONS))
    def time_error(self, operation: str) -> None:
        self._do(Step(StepKind.HTTP_FAULT, {"operation": operation, "fault": "time_error"}))

    @_has(Capability.USER_STREAM)
    @rule(fault=WS_FAULTS, count=WS_COUNTS)
    def user_stream_fault(self, fault: str, count: int) -> None:
        self._do(Step(StepKind.WS_FAULT, {"stream": "user", "fault": fault, "count": count}))

    @_has(Capability.ORDER_BOOK_DIFFS)
    @rule(fault=WS_FAULTS, count=WS_COUNTS, index=st.integers(0, 3))
    def market_stream_fault(self, fault: str, count: int, index: int) -> None:
        stream = self._stream(index, market=True)
        if stream is not None:
            self._do(Step(StepKind.WS_FAULT, {"stream": stream, "fault": fault,
                                              "count": count}))

    # Not in the streams-only pass: what the exchange pushed while a stream was down is lost,
    # and only a REST read brings it back, which is polling's part (the polling pass judges
    # reconnects, resubscriptions and the stream probes).
    @precondition(lambda self: not self.world.streams_only)
    @rule(index=st.integers(0, 4))
    def drop_streams(self, index: int) -> None:
        """Drop every connection (index 0) or those of one stream kind."""
        stream = None if index == 0 else self._stream(index - 1, market=False)
        self._do(Step(StepKind.DROP_WS, {"stream": stream}))

    @rule()
    def heal(self) -> None:
        self._do(Step(StepKind.HEAL))
