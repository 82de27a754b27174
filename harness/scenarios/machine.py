"""The order-lifecycle state machine: random operations and faults, invariants after each step.

`machine_for(world)` gives a hypothesis `RuleBasedStateMachine` class bound to one
connector's world. Every rule builds a `Step` and hands it to the driver; preconditions gate
rules on the manifest (order types, capabilities); `orders` is the bundle of placed orders
(o1, o2, ...). After every step the cheap invariants run (`@invariant`); the agreement
invariants run after each `heal` and at the end of every example. Any connector whose
manifest names an exchange double gets the machine without writing code.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from harness.scenarios.driver import Driver
from harness.scenarios.faults import FaultRules
from harness.scenarios.invariants import (
    book_problems,
    event_problems,
    request_problems,
    terms_problems,
    tracking_problems,
)
from harness.scenarios.quiescence import heal, settle
from harness.scenarios.steps import (
    AmountKind,
    OrderRef,
    PriceKind,
    Step,
    StepKind,
    describe_steps,
)
from harness.scenarios.streams_only import StreamsOnlyFaults, StreamsOnlyRules
from harness.scenarios.world import World
from harness.standard.capabilities import Capability
from harness.standard.enums import OrderType, Standard, TradeSide

PAIR_INDEX = st.integers(0, 3)  # taken modulo the number of pairs the double trades
SIDES = st.sampled_from([TradeSide.BUY.value, TradeSide.SELL.value])
AMOUNTS = st.sampled_from(list(AmountKind))
PRICES = st.sampled_from(list(PriceKind))


class ScenarioFailure(AssertionError):
    """An invariant broke: the message lists what, and the steps that led there."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class LifecycleMachine(FaultRules, RuleBasedStateMachine):
    """Drives one connector through random order lifecycles against its exchange double."""

    world: ClassVar[World]
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.driver = Driver(self.world)
        self._broken = False
        self._lagging = False
        self.world.begin_example()

    # -- running steps ---------------------------------------------------------------------

    def _do(self, step: Step) -> Any:
        world = self.world
        world.steps.append(step)
        self._broken = True  # until the step has run; teardown then skips its checks
        try:
            result = world.run(self._execute(step), f"step {len(world.steps)} "
                                                    f"({step.describe()})", "steps")
        except BaseException:
            world.failing_steps = list(world.steps)
            raise
        self._broken = False
        return result

    async def _execute(self, step: Step) -> Any:
        result = await self.driver.execute(step)
        if step.kind is StepKind.HEAL:
            self._lagging = bool(self.driver.problems)
        elif not self._lagging:
            # Not a check: waiting for the connector to catch up keeps the next step from
            # overlapping this one, so that an example replays the way it ran.
            self._lagging = not await settle(self.world)
        return result

    def _stream(self, index: int, *, market: bool) -> str | None:
        kinds = [kind for kind in self.world.stream_kinds if not market or kind != "user"]
        return kinds[index % len(kinds)] if kinds else None

    def _fail(self, problems: list[str], *, final: bool = False) -> None:
        world = self.world
        world.failing_steps = list(world.steps) + ([Step(StepKind.HEAL, {"final": True})]
                                                   if final else [])
        self._broken = True
        steps = "\n".join(f"  {line}" for line in describe_steps(world.failing_steps))
        unique = list(dict.fromkeys(problems))
        found = "\n".join(f"  - {problem}" for problem in unique)
        raise ScenarioFailure(f"{world.manifest.name}: invariants broken after step "
                              f"{len(world.failing_steps)}:\n{found}\nsteps:\n{steps}", unique)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def lifecycle_holds(self) -> None:
        started = time.perf_counter()
        connector, exchange, server = self.world.live()
        ledger = self.world.ledger
        problems = [*self.driver.problems, *event_problems(ledger),
                    *tracking_problems(connector, ledger), *terms_problems(exchange, ledger),
                    *book_problems(connector, self.world.pairs), *request_problems(server)]
        timings = self.world.timings
        timings["invariants"] = timings.get("invariants", 0.0) + time.perf_counter() - started
        if problems:
            self._fail(problems)

    def teardown(self) -> None:
        try:
            if not self._broken and self.world.connector is not None:
                problems = self.world.run(heal(self.world), "the final quiescence check",
                                          "checks")
                if problems:
                    self._fail(problems, final=True)
        finally:
            self.world.end_example()

    # -- the public API --------------------------------------------------------------------

    def _place(self, order_type: OrderType, pair: int, side: str, amount: AmountKind,
               price: PriceKind | None) -> OrderRef:
        result: OrderRef = self._do(Step(StepKind.PLACE, {
            "pair": pair, "side": side, "type": order_type.value, "amount": amount.value,
            "price": price.value if price is not None else None}))
        return result

    @precondition(lambda self: OrderType.LIMIT in self.world.order_types)
    @rule(target=orders, pair=PAIR_INDEX, side=SIDES, amount=AMOUNTS, price=PRICES)
    def place_limit(self, pair: int, side: str, amount: AmountKind, price: PriceKind
                    ) -> OrderRef:
        return self._place(OrderType.LIMIT, pair, side, amount, price)

    @precondition(lambda self: OrderType.LIMIT_MAKER in self.world.order_types)
    @rule(target=orders, pair=PAIR_INDEX, side=SIDES, amount=AMOUNTS, price=PRICES)
    def place_limit_maker(self, pair: int, side: str, amount: AmountKind, price: PriceKind
                          ) -> OrderRef:
        return self._place(OrderType.LIMIT_MAKER, pair, side, amount, price)

    @precondition(lambda self: OrderType.MARKET in self.world.order_types)
    @rule(target=orders, pair=PAIR_INDEX, side=SIDES, amount=AMOUNTS)
    def place_market(self, pair: int, side: str, amount: AmountKind) -> OrderRef:
        return self._place(OrderType.MARKET, pair, side, amount, None)

    @rule(order=orders)
    def cancel(self, order: OrderRef) -> None:
        self._do(Step(StepKind.CANCEL, {"order": order}))

    @rule()
    def cancel_unknown(self) -> None:
        self._do(Step(StepKind.CANCEL_UNKNOWN))

    @precondition(lambda self: self.world.has(Capability.CANCEL_ALL))
    @rule()
    def cancel_all(self) -> None:
        self._do(Step(StepKind.CANCEL_ALL))

    # -- the venue -------------------------------------------------------------------------

    @rule(order=orders, portion=st.sampled_from(["part", "all"]))
    def fill(self, order: OrderRef, portion: str) -> None:
        self._do(Step(StepKind.FILL, {"order": order, "portion": portion}))

    @rule(order=orders)
    def expire(self, order: OrderRef) -> None:
        self._do(Step(StepKind.EXPIRE, {"order": order}))

    @rule(pair=PAIR_INDEX, asset=st.sampled_from(["quote", "base"]),
          sign=st.sampled_from([1, -1]))
    def deposit(self, pair: int, asset: str, sign: int) -> None:
        self._do(Step(StepKind.DEPOSIT, {"pair": pair, "asset": asset, "sign": sign}))

    @rule(pair=PAIR_INDEX, side=SIDES, where=st.sampled_from(["behind", "inside", "cross"]),
          size=st.sampled_from([1, 5, 50]))
    def book_moves(self, pair: int, side: str, where: str, size: int) -> None:
        self._do(Step(StepKind.SEED, {"pair": pair, "side": side, "where": where,
                                      "size": size}))

    @rule(pair=PAIR_INDEX, side=SIDES)
    def liquidity_pulled(self, pair: int, side: str) -> None:
        self._do(Step(StepKind.PULL, {"pair": pair, "side": side}))


def machine_for(world: World) -> type[LifecycleMachine]:
    """A machine class bound to `world` (hypothesis instantiates it with no arguments); in
    the streams-only pass (`world.streams_only`) with that pass's rules first in line
    (harness/scenarios/streams_only.py). The polling pass keeps its rules, so a seed draws
    the same examples there as before the streams-only pass existed."""
    name = f"Lifecycle_{world.manifest.name}"
    bases: tuple[type, ...] = (LifecycleMachine,)
    perpetual = world.manifest.standard is Standard.PERPETUAL
    if perpetual:  # spot connectors keep the spot machine
        from harness.scenarios.perpetual import PerpetualMachine, install

        bases = (PerpetualMachine,)
        install(world)
    if world.streams_only:
        name += "_streams_only"
        bases = (StreamsOnlyFaults if perpetual else StreamsOnlyRules, *bases)
    machine: type[LifecycleMachine] = type(name, bases, {"world": world,
                                                         "__module__": __name__})
    return machine


def driver_for(world: World) -> Driver:
    """The driver the machine `machine_for(world)` uses (a regression export replays its
    steps with it): perpetual steps need the perpetual driver."""
    if world.manifest.standard is Standard.PERPETUAL:
        from harness.scenarios.perpetual import PerpetualDriver, install

        install(world)
        return PerpetualDriver(world)
    return Driver(world)
