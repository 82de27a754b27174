"""What the spot checks share: reading a cassette's scenario data, the replay's request log,
the events of one order, and failure messages that say what was expected and what happened.

Exchange-neutral on purpose. A cassette names the interactions a check refers to
(`harness.id`: `place`, `cancel`, `status`, `go`, ...) and carries the exchange's own data in
`meta.inputs` (what to do) and `meta.expect` (what the connector must surface); the checks
read those, never an exchange's paths or parameter names.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.standard.enums import OrderType, TradeSide
from harness.standard.events import (
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderEvent,
    OrderFailed,
)
from harness.standard.pair import TradingPair
from harness.subject import Subject

TERMINAL = (OrderCompleted, OrderCancelled, OrderFailed)

# How long a check waits for something a conforming connector does at once (on loopback it
# takes milliseconds; the margin is for loaded machines). A missing event costs this much.
WAIT = 2.0

# Config for checks that drive an order through the stream alone: no status polling (the
# first poll would come after 1000 clock-seconds) and one balance request at start.
QUIET: dict[str, Any] = {"poll_interval": 1000.0}


class SteppingClock:
    """A connector clock on which waiting takes no wall time: sleep() moves time forward.

    For checks of how long a connector chooses to wait (Retry-After, throttling) without a
    background task: the time between two requests is then exactly what the connector
    waited, however fast or slow the machine. (A clock that follows the wall clock would let
    a slow machine hide a connector that does not wait.)
    """

    def __init__(self, start: float = 1_763_712_000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


# cassette data ---------------------------------------------------------------------------------
def _lookup(subject: Subject, section: str, key: str) -> Any:
    data = subject.inputs if section == "inputs" else subject.expect
    if key not in data:
        where = subject.cassette.path if subject.cassette is not None else "the cassette"
        raise AssertionError(f"{where}: meta.{section}.{key} is missing; this check needs it "
                             f"(see docs/standard.md, 'Cassette data')")
    return data[key]


def inp(subject: Subject, key: str) -> Any:
    """meta.inputs[key]: a scenario parameter (fails clearly when the cassette lacks it)."""
    return _lookup(subject, "inputs", key)


def exp(subject: Subject, key: str) -> Any:
    """meta.expect[key]: what the connector must surface (fails clearly when missing)."""
    return _lookup(subject, "expect", key)


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def pair(text: str) -> TradingPair:
    return TradingPair.parse(text)


async def place(subject: Subject, order: Mapping[str, Any]) -> str:
    """Place the order an inputs mapping describes: pair, side, type, amount, price."""
    price = order.get("price")
    return await subject.connector.place_order(
        pair(order["pair"]), TradeSide(order["side"]), OrderType(order["type"]),
        dec(order["amount"]), dec(price) if price is not None else None)


async def go(subject: Subject) -> None:
    """Tell the cassette the check is ready for what comes next.

    The check pings (check_network), then releases the frames recorded `after: {http: go}`:
    they are played only then, so what a stream sends cannot race the check's own set-up.
    The release does not wait for the ping to hit the scenario's `go` interaction: which
    endpoint a network check asks is the connector's choice (Bybit: system/status or
    market/time).
    """
    await subject.connector.check_network()
    release = getattr(subject.server, "release", None)  # replays have it; doubles do not
    if release is not None:
        release("go")


# the replay's request log -----------------------------------------------------------------
def served(subject: Subject, interaction_id: str) -> list[Any]:
    """Requests the replay answered with the interaction whose harness.id is `interaction_id`."""
    return [r for r in subject.server.requests if r.interaction_id == interaction_id]


def served_prefix(subject: Subject, prefix: str) -> list[Any]:
    return [r for r in subject.server.requests
            if r.interaction_id is not None and r.interaction_id.startswith(prefix)]


def same_route(subject: Subject, request: Any) -> list[Any]:
    """Every request (answered from the cassette or not) to `request`'s method and path."""
    return [r for r in subject.server.requests
            if (r.method, r.path) == (request.method, request.path)]


def request_log(subject: Subject) -> str:
    """The requests so far, one line each, then why the replay refused any (for messages)."""
    lines = [f"  {r.view.describe()[:160]} -> " + (
        (r.interaction_id or "NOT IN THE CASSETTE") if r.interaction_index is None
        else r.interaction_id or f"interaction #{r.interaction_index}")
        for r in subject.server.requests]
    lines += ["  replay: " + " | ".join(part.strip() for part in m.splitlines()[:2])[:400]
              for m in subject.server.mismatches[:3]]
    return "\n".join(lines) or "  (no requests)"


def client_chosen(subject: Subject) -> frozenset[str]:
    """Parameters the exchange leaves to the client (its exchange.yaml): no check asserts
    their values, since another correct connector may choose differently."""
    profile = subject.exchange
    return frozenset(profile.client_chosen) if profile is not None else frozenset()


def same_value(have: str | None, want: Any) -> bool:
    """A parameter's value as the exchange reads it: text, or a decimal by value."""
    if have is None:
        return False
    if have == str(want):
        return True
    try:
        return Decimal(have) == Decimal(str(want))
    except ArithmeticError:
        return False


def assert_params(request: Any, wanted: Mapping[str, Any], absent: Iterable[str] = (),
                  chosen: Iterable[str] = ()) -> None:
    """The request carries each wanted parameter with its value (decimals by value), and
    none of `absent`; parameters in `chosen` (the client's own choice) are not asserted."""
    skip = frozenset(chosen)
    wanted = {name: value for name, value in wanted.items() if name not in skip}
    got = {name: request.param(name) for name in wanted}
    wrong = {name: (value, got[name]) for name, value in wanted.items()
             if not same_value(got[name], value)}
    present = [name for name in absent if request.param(name) is not None]
    if wrong or present:
        details = [f"{name}: expected {want!r}, sent {have!r}" for name, (want, have)
                   in wrong.items()]
        details += [f"{name}: must not be sent, sent {request.param(name)!r}" for name in present]
        raise AssertionError(f"request {request.view.describe()[:200]} has wrong parameters:\n  "
                             + "\n  ".join(details))


def carries_value(request: Any, value: str) -> bool:
    """True if any query/body parameter (or JSON body member) of `request` is `value`."""
    return any(value in values for values in request.fields.values())


def carries_decimal(request: Any, value: Decimal) -> bool:
    """True if some parameter is a decimal numerically equal to `value`."""
    for values in request.fields.values():
        for text in values:
            try:
                if Decimal(text) == value:
                    return True
            except ArithmeticError:
                continue
    return False


# events ----------------------------------------------------------------------------------------
def order_events(subject: Subject, client_order_id: str) -> list[OrderEvent]:
    return [e for e in subject.events
            if isinstance(e, OrderEvent) and e.client_order_id == client_order_id]


def names(events: Sequence[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def assert_event_sequence(subject: Subject, client_order_id: str, expected: Sequence[str]
                          ) -> list[OrderEvent]:
    events = order_events(subject, client_order_id)
    if names(events) != list(expected):
        raise AssertionError(f"order {client_order_id}: expected events {list(expected)}, "
                             f"got {names(events)}\n{describe(events)}")
    return events


def describe(events: Sequence[Event]) -> str:
    return "\n".join(f"  {e!r}"[:300] for e in events) or "  (no events)"


async def wait_terminal(subject: Subject, client_order_id: str, timeout: float = WAIT
                        ) -> Event:
    """The order's first terminal event (OrderCompleted, OrderCancelled or OrderFailed)."""
    found = await subject.wait_until(
        lambda: [e for e in order_events(subject, client_order_id) if isinstance(e, TERMINAL)],
        timeout, f"a terminal event for order {client_order_id}")
    event: Event = found[0]
    return event


async def settle(subject: Subject, condition: Callable[[], Any], timeout: float = WAIT) -> None:
    """Give the connector up to `timeout` to make `condition` true, without failing: the
    assertions that follow say what is wrong, in their own words. Events a connector emits a
    moment after the frame that caused them (Hummingbot completes an order on a later tick
    than its last fill) are correct, and a check must not race them."""
    with contextlib.suppress(AssertionError):
        await subject.wait_until(condition, timeout)


# A fill's time is the exchange's trade time in seconds; its millisecond digits survive.
TIME_TOLERANCE = 0.001


def fills_as_expected(fills: Sequence[Any], expected: Sequence[Mapping[str, Any]],
                      side: str | None = None) -> list[str]:
    """Differences between reported fills and meta.expect fills: trade id, price, amount, fee
    (asset and amount), the time of the trade (in seconds) and the side (the order's)."""
    problems: list[str] = []
    if [f.trade_id for f in fills] != [str(e["trade_id"]) for e in expected]:
        return [f"trade ids {[f.trade_id for f in fills]}, expected "
                f"{[str(e['trade_id']) for e in expected]}"]
    for fill, want in zip(fills, expected, strict=True):
        checks = {"price": (fill.price, dec(want["price"])),
                  "amount": (fill.amount, dec(want["amount"]))}
        if "fee_asset" in want:
            checks["fee asset"] = (fill.fee.asset, want["fee_asset"])
            checks["fee amount"] = (fill.fee.amount, dec(want["fee_amount"]))
        if side is not None:
            checks["side"] = (str(fill.side.value), side)
        for label, (got, wanted) in checks.items():
            if got != wanted:
                problems.append(f"trade {fill.trade_id}: {label} {got}, expected {wanted}")
        if "timestamp" in want and abs(fill.timestamp - float(want["timestamp"])) > TIME_TOLERANCE:
            problems.append(f"trade {fill.trade_id}: timestamp {fill.timestamp}, expected "
                            f"{want['timestamp']} (the exchange's trade time, in seconds)")
    return problems
