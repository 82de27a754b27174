"""Steps of a scenario as data: what the machine did, replayable, and readable in words.

The state machine draws a `Step`, the driver executes it (filling in `resolved`: the client
order id, the exact amount and price it came to), and a failure reports the minimal
sequence with `describe()`. Steps round-trip through JSON, so a regression cassette can carry
the program that produced its traffic (meta.inputs.steps).

>>> step = Step(StepKind.PLACE, {"pair": 0, "side": "BUY", "type": "LIMIT",
...                              "amount": "min", "price": "cross"})
>>> step.resolved.update(order="o1", amount="0.001", price="30000.01", pair_name="BTC-USDT")
>>> step.describe()[:47]
'o1 = place LIMIT BUY 0.001 BTC-USDT at 30000.01'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class StepKind(StrEnum):
    # the public connector API
    PLACE = "place"
    CANCEL = "cancel"
    CANCEL_UNKNOWN = "cancel_unknown"
    CANCEL_ALL = "cancel_all"
    # the exchange (other participants, the venue itself)
    FILL = "fill"
    EXPIRE = "expire"
    DEPOSIT = "deposit"
    SEED = "seed"
    PULL = "pull"
    # faults
    HTTP_FAULT = "http_fault"
    WS_FAULT = "ws_fault"
    DROP_WS = "drop_ws"
    HEAL = "heal"
    # perpetual markets (harness/scenarios/perpetual.py)
    CLOSE = "close"
    LEVERAGE = "leverage"
    MODE = "mode"
    MARK = "mark"
    FUNDING = "funding"
    LIQUIDATE = "liquidate"


class AmountKind(StrEnum):
    """Order sizes near the edges of a market's filters."""

    MIN = "min"
    MIN_NOTIONAL = "min_notional"
    BELOW_MIN = "below_min"
    OFF_STEP = "off_step"
    FEW_STEPS = "few_steps"
    NORMAL = "normal"
    HUGE = "huge"
    TINY = "tiny"


class PriceKind(StrEnum):
    """Limit prices relative to the book and the tick."""

    DEEP = "deep"
    TOUCH = "touch"
    INSIDE = "inside"
    CROSS = "cross"
    THROUGH = "through"
    OFF_TICK = "off_tick"
    ONE_TICK = "one_tick"
    HUGE = "huge"
    BEYOND_MAX = "beyond_max"


AMOUNT_WORDS = {
    AmountKind.MIN: "the minimum size",
    AmountKind.MIN_NOTIONAL: "just above the minimum notional",
    AmountKind.BELOW_MIN: "one step below the minimum",
    AmountKind.OFF_STEP: "not a multiple of the step",
    AmountKind.FEW_STEPS: "a few steps",
    AmountKind.NORMAL: "an ordinary size",
    AmountKind.HUGE: "more than the balance",
    AmountKind.TINY: "far below one step",
}
PRICE_WORDS = {
    PriceKind.DEEP: "far from the book, so it rests",
    PriceKind.TOUCH: "at the best price of its side, so it rests",
    PriceKind.INSIDE: "one tick inside the spread, so it rests",
    PriceKind.CROSS: "at the best opposite price, so it takes",
    PriceKind.THROUGH: "a few ticks through the opposite side, so it sweeps",
    PriceKind.OFF_TICK: "between two ticks",
    PriceKind.ONE_TICK: "one tick",
    PriceKind.HUGE: "absurdly far from the book",
    PriceKind.BEYOND_MAX: "one tick above the maximum price, so it must be refused unsent",
}
HTTP_FAULT_WORDS = {
    "server_error": "answers HTTP {status} without executing",
    "executed_then_server_error": "is executed, then answers HTTP {status}",
    "rate_limit": "answers HTTP 429 (Retry-After) without executing",
    "timeout": "is never answered and not executed",
    "accepted_then_timeout": "is executed but never answered",
    "time_error": "is refused with the exchange's timestamp error",
}
WS_FAULT_WORDS = {
    "duplicate": "is delivered twice",
    "reorder": "is delivered after the one that follows it",
    "delay": "is delivered late",
}


@dataclass(frozen=True)
class OrderRef:
    """An order by the position of its placement in the example (o1, o2, ...): stable when
    the example is replayed, whatever client order id the connector gives it."""

    index: int

    def __repr__(self) -> str:
        return f"o{self.index}"


@dataclass
class Step:
    """One step: its kind, what was drawn (`args`), and what it came to (`resolved`)."""

    kind: StepKind
    args: dict[str, Any] = field(default_factory=dict)
    resolved: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The step in words, with the values it resolved to."""
        a, r = self.args, self.resolved
        kind = self.kind
        if kind is StepKind.PLACE:
            price = f" at {r['price']}" if r.get("price") is not None else ""
            why = f"amount: {AMOUNT_WORDS[AmountKind(a['amount'])]}"
            if a.get("price") and a.get("type") != "MARKET":
                why += f"; price: {PRICE_WORDS[PriceKind(a['price'])]}"
            return (f"{r.get('order', '?')} = place {a['type']} {a['side']} {r.get('amount', '?')} "
                    f"{r.get('pair_name', '?')}{price} ({why})")
        if kind is StepKind.CANCEL:
            return f"cancel {a['order']}"
        if kind is StepKind.CANCEL_UNKNOWN:
            return "cancel an order id the connector never placed"
        if kind is StepKind.CANCEL_ALL:
            return "cancel_all"
        if kind is StepKind.FILL:
            if r.get("skipped"):
                return f"the exchange fills {a['order']}: not resting, nothing happens"
            portion = "all that is left of" if a["portion"] == "all" else "part of"
            return (f"another participant takes {portion} {a['order']} "
                    f"({r.get('qty', '?')} at {r.get('price', '?')}, {a['order']} is maker)")
        if kind is StepKind.EXPIRE:
            if "order" not in a:  # the streams-only pass: the newest order open there
                nothing = "our newest open order: none, nothing happens"
                return f"the exchange expires {r.get('order', nothing)}"
            return f"the exchange expires {a['order']}" + \
                (": not open, nothing happens" if r.get("skipped") else "")
        if kind is StepKind.DEPOSIT:
            verb = "deposit" if a["sign"] > 0 else "withdraw"
            every = " (all that is free)" if a.get("all") else ""
            return f"{verb} {r.get('amount', '?')} {r.get('asset', '?')}{every} outside trading"
        if kind is StepKind.SEED:
            return (f"another participant sends a {a['side']} of {r.get('qty', '?')} "
                    f"{r.get('pair_name', '?')} at {r.get('price', '?')} ({a['where']})")
        if kind is StepKind.PULL:
            return (f"other participants pull their {a['side']} liquidity at "
                    f"{r.get('price', '?')} on {r.get('pair_name', '?')}")
        if kind is StepKind.HTTP_FAULT:
            words = HTTP_FAULT_WORDS[a["fault"]].format(status=a.get("status", 503))
            return f"fault: the next '{a['operation']}' request {words}"
        if kind is StepKind.WS_FAULT:
            count = int(a.get("count", 1))
            which = "event" if count == 1 else f"{count} events"
            verb = WS_FAULT_WORDS[a["fault"]].replace("is ", "are " if count > 1 else "is ")
            return f"fault: the next {which} of the '{a['stream']}' stream {verb}"
        if kind is StepKind.DROP_WS:
            what = f"'{a['stream']}' stream" if a.get("stream") else "WebSocket"
            return f"fault: every {what} connection drops"
        if kind in _PERPETUAL_WORDS:
            return str(_PERPETUAL_WORDS[kind](a, r))
        end = "end of the example: " if a.get("final") else ""
        return f"{end}faults end; wait until the connector agrees with the exchange, then check"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "args": _plain(self.args),
                "resolved": _plain(self.resolved), "words": self.describe()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        args = dict(data.get("args", {}))
        if "order" in args and isinstance(args["order"], str):
            args["order"] = OrderRef(int(args["order"].lstrip("o")))
        return cls(StepKind(data["kind"]), args, dict(data.get("resolved", {})))


_PORTION = {"all": "all of", "part": "part of", "more": "more than"}
_PERPETUAL_WORDS: dict[StepKind, Any] = {
    StepKind.CLOSE: lambda a, r: (
        f"{r.get('order', '?')} = close {_PORTION[a['portion']]} the {r.get('position', '?')} "
        f"position on {r.get('pair_name', '?')}: {a['type']} {r.get('side', '?')} "
        f"{r.get('amount', '?')} (reduce-only)"),
    StepKind.LEVERAGE: lambda a, r: (
        f"set_leverage({r.get('pair_name', '?')}, {a['leverage']})"
        + (f": {r['outcome']}" if r.get("outcome") else "")),
    StepKind.MODE: lambda a, r: (
        f"set_position_mode({a['mode']})" + (f": {r['outcome']}" if r.get("outcome") else "")),
    StepKind.MARK: lambda a, r: (
        f"the mark price of {r.get('pair_name', '?')} moves to {r.get('mark', '?')}"),
    StepKind.LIQUIDATE: lambda a, r: (
        f"the exchange {'auto-deleverages' if a['kind'] == 'adl' else 'liquidates'} the "
        f"{a['leg']} position on {r.get('pair_name', '?')}"
        + (": flat, nothing happens" if r.get("skipped")
           else f" ({r.get('qty', '?')} at {r.get('price', '?')})")),
    StepKind.FUNDING: lambda a, r: (
        f"funding settles on {r.get('pair_name', '?')} at rate {a['rate']}: "
        f"{r.get('payments', '?')} payment(s)"),
}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {key: repr(value) if isinstance(value, OrderRef) else
            (str(value) if not isinstance(value, (int, float, str, bool, type(None))) else value)
            for key, value in values.items()}


def describe_steps(steps: list[Step]) -> tuple[str, ...]:
    """Numbered sentences, one per step: what reports show as the minimal steps."""
    return tuple(f"{number}. {step.describe()}" for number, step in enumerate(steps, 1))
