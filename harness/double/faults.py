"""Faults the harness programs into a double server: data plus the small functions that
consume it. The server asks the plan for each request and each pushed event.

HTTP faults target an operation name that the wire layer gives every request ("place",
"cancel", "status", "balances", "trades", "time", "depth", ...; "*" matches any). WS
faults target the events of one subscription kind (the wire layer names kinds, "user" by
default). Faults are taken in the order they were programmed.

>>> plan = FaultPlan()
>>> plan.fail_next("place", 2, status=503)
>>> plan.take_http("cancel") is None, plan.take_http("place").status
(True, 503)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

ANY_OPERATION = "*"


class HttpFaultKind(StrEnum):
    SERVER_ERROR = "server_error"
    """Answer with a 5xx, without executing: the client cannot know it was not executed."""
    RATE_LIMIT = "rate_limit"
    """Answer 429 with Retry-After, without executing."""
    TIMEOUT = "timeout"
    """Never answer (hold the request until the client gives up), without executing."""
    ACCEPTED_THEN_TIMEOUT = "accepted_then_timeout"
    """Execute the operation in the exchange, then never answer: the unknown-outcome case."""
    EXECUTED_THEN_SERVER_ERROR = "executed_then_server_error"
    """Execute the operation, then answer a 5xx anyway: the same answer as SERVER_ERROR, so
    only a query tells the client which of the two happened."""
    TIME_ERROR = "time_error"
    """Answer with the exchange's timestamp error (rendered by the wire layer)."""


class WsFaultKind(StrEnum):
    DUPLICATE = "duplicate"
    """Deliver the event twice in a row."""
    REORDER = "reorder"
    """Hold the event back and deliver it after the next event of its kind."""
    DELAY = "delay"
    """Deliver the event (and, to keep order, what follows it) `delay` seconds late."""
    DROP = "drop"
    """Drop connections (only through `FaultPlan.drop_ws`, which acts at once)."""


@dataclass(frozen=True)
class HttpFault:
    kind: HttpFaultKind
    status: int = 503
    retry_after: float = 1.0


@dataclass(frozen=True)
class WsFault:
    kind: WsFaultKind
    delay: float = 0.0


@dataclass
class _Armed:
    target: str
    fault: HttpFault | WsFault
    remaining: int


@dataclass(frozen=True)
class AppliedFault:
    """A fault the server used: which request operation or event kind it hit."""

    target: str
    fault: HttpFault | WsFault


DropListener = Callable[[str | None, bool], None]


class FaultPlan:
    """The faults still to happen, and a record of those that did (`applied`)."""

    def __init__(self) -> None:
        self._http: list[_Armed] = []
        self._ws: list[_Armed] = []
        self._drop_listeners: list[DropListener] = []
        self.applied: list[AppliedFault] = []

    # -- programming ---------------------------------------------------------------------

    def add_http(self, operation: str, fault: HttpFault, count: int = 1) -> None:
        """The next `count` requests of `operation` get `fault`."""
        if count < 1:
            raise ValueError(f"fault count must be >= 1, got {count}")
        self._http.append(_Armed(operation, fault, count))

    def fail_next(self, operation: str, count: int = 1, *, status: int = 503) -> None:
        if not 500 <= status <= 599:
            raise ValueError(f"fail_next status must be a 5xx, got {status}")
        self.add_http(operation, HttpFault(HttpFaultKind.SERVER_ERROR, status), count)

    def execute_then_fail_next(self, operation: str, count: int = 1, *,
                               status: int = 503) -> None:
        """Like `fail_next`, but the exchange executes the operation before the 5xx."""
        if not 500 <= status <= 599:
            raise ValueError(f"execute_then_fail_next status must be a 5xx, got {status}")
        self.add_http(operation, HttpFault(HttpFaultKind.EXECUTED_THEN_SERVER_ERROR, status),
                      count)

    def rate_limit_next(self, operation: str, count: int = 1, *, retry_after: float = 1.0,
                        status: int = 429) -> None:
        self.add_http(operation, HttpFault(HttpFaultKind.RATE_LIMIT, status, retry_after),
                      count)

    def timeout_next(self, operation: str, count: int = 1) -> None:
        self.add_http(operation, HttpFault(HttpFaultKind.TIMEOUT), count)

    def accept_then_timeout_next(self, operation: str, count: int = 1) -> None:
        self.add_http(operation, HttpFault(HttpFaultKind.ACCEPTED_THEN_TIMEOUT), count)

    def time_error_next(self, operation: str, count: int = 1) -> None:
        self.add_http(operation, HttpFault(HttpFaultKind.TIME_ERROR, 400), count)

    def add_ws(self, fault: WsFault, count: int = 1, *, kind: str = "user") -> None:
        """The next `count` events pushed on subscriptions of `kind` get `fault`."""
        if count < 1:
            raise ValueError(f"fault count must be >= 1, got {count}")
        if fault.kind is WsFaultKind.DROP:
            raise ValueError("drops happen at once: call FaultPlan.drop_ws(kind)")
        if fault.kind is WsFaultKind.DELAY and fault.delay <= 0:
            raise ValueError(f"a delay fault needs a positive delay, got {fault.delay}")
        self._ws.append(_Armed(kind, fault, count))

    def duplicate_next(self, count: int = 1, *, kind: str = "user") -> None:
        self.add_ws(WsFault(WsFaultKind.DUPLICATE), count, kind=kind)

    def reorder_next(self, count: int = 1, *, kind: str = "user") -> None:
        self.add_ws(WsFault(WsFaultKind.REORDER), count, kind=kind)

    def delay_next(self, seconds: float, count: int = 1, *, kind: str = "user") -> None:
        self.add_ws(WsFault(WsFaultKind.DELAY, seconds), count, kind=kind)

    def drop_ws(self, kind: str | None = None, *, abrupt: bool = True) -> None:
        """Drop, now, every connection subscribed to `kind` (None: every connection).

        Abrupt drops cut the TCP connection without a close frame (what a network failure
        looks like); otherwise the server closes with code 1001 ("going away").
        """
        self.applied.append(AppliedFault(kind or ANY_OPERATION, WsFault(WsFaultKind.DROP)))
        for listener in tuple(self._drop_listeners):
            listener(kind, abrupt)

    def clear(self) -> None:
        """Forget pending faults and the record of applied ones (keeps server hooks)."""
        self._http.clear()
        self._ws.clear()
        self.applied.clear()

    # -- consuming (the server calls these) ----------------------------------------------

    def take_http(self, operation: str) -> HttpFault | None:
        """The fault for this request of `operation`, if one is programmed (consumes it)."""
        fault = _take(self._http, lambda target: target in (operation, ANY_OPERATION))
        if fault is not None:
            self.applied.append(AppliedFault(operation, fault))
        return fault if isinstance(fault, HttpFault) else None

    def take_ws(self, kind: str) -> WsFault | None:
        """The fault for the next event pushed on subscriptions of `kind` (consumes it)."""
        fault = _take(self._ws, lambda target: target == kind)
        if fault is not None:
            self.applied.append(AppliedFault(kind, fault))
        return fault if isinstance(fault, WsFault) else None

    def on_drop(self, listener: DropListener) -> Callable[[], None]:
        """Register the server's hook for `drop_ws`; returns the function that removes it."""
        self._drop_listeners.append(listener)
        return lambda: self._drop_listeners.remove(listener)

    @property
    def pending(self) -> int:
        """How many faults are still to happen."""
        return sum(armed.remaining for armed in (*self._http, *self._ws))


def _take(armed: list[_Armed], matches: Callable[[str], bool]) -> HttpFault | WsFault | None:
    for index, entry in enumerate(armed):
        if matches(entry.target):
            entry.remaining -= 1
            if not entry.remaining:
                del armed[index]
            return entry.fault
    return None
