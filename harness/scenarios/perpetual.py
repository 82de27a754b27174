"""PROP-LIFE on perpetual connectors: the lifecycle machine plus perpetual rules.

`PerpetualMachine` keeps every spot rule and invariant and adds: closing orders (reduce-only,
part or all of a position; on no position, refused), leverage changes (valid, and out of
range: refused unsent), position-mode switches (accepted when flat, refused otherwise),
mark price moves, funding settlements and liquidations (takeover or ADL). Its invariants
are in perpetual_invariants.py.
The machine is chosen by the manifest's standard (`machine_for`); spot connectors keep the
spot machine unchanged. The connector's funding payments are polled every few clock seconds
(`FUNDING_POLL`) so that a payment shows up within a quiescence wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from harness.double.perpetual import PerpetualExchange, PositionMode
from harness.double.positions import LONG, ONE_WAY, SHORT
from harness.scenarios.driver import Driver
from harness.scenarios.edges import min_size
from harness.scenarios.ledger import Placement
from harness.scenarios.machine import PAIR_INDEX, LifecycleMachine
from harness.scenarios.perpetual_invariants import (
    SIDE_OF_INDEX,
    funding_agreement,
    liquidation_agreement,
    position_agreement,
    setting_problems,
    terms_problems,
)
from harness.scenarios.steps import OrderRef, Step, StepKind
from harness.scenarios.world import World
from harness.standard.api import PerpetualConnector
from harness.standard.enums import OrderType, PositionAction, TradeSide
from harness.standard.enums import PositionMode as StandardMode
from harness.standard.errors import SettingRefused
from harness.standard.pair import TradingPair

FUNDING_POLL = 30.0  # clock seconds between the connector's funding-payment polls
LEVERAGES = st.sampled_from([10, 5, 1, 25, 100, 0, 101])
MODES = {StandardMode.ONEWAY: PositionMode.ONE_WAY, StandardMode.HEDGE: PositionMode.HEDGE}


@dataclass
class PerpetualBook:
    """What the perpetual driver remembers of an example: the action and position index
    of each placement, the mode since when fills count towards positions, the leverage it
    set per pair."""

    actions: dict[str, tuple[PositionAction, int]] = field(default_factory=dict)
    counted_from: int = 0
    """Placements before this index were made before the last mode switch (flat then)."""
    order: list[str] = field(default_factory=list)
    leverage: dict[str, int] = field(default_factory=dict)
    liquidated: dict[tuple[Any, Any], Decimal] = field(default_factory=dict)
    """Signed quantities the exchange closed itself, by (pair, position side), since the
    account was last flat by a mode switch."""


class PerpetualDriver(Driver):
    """The spot driver, plus the perpetual steps; deposits are of the settlement coin."""

    trades_base_asset = False

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.book = PerpetualBook()

    def exchange(self) -> PerpetualExchange:
        _, exchange, _ = self.world.live()
        assert isinstance(exchange, PerpetualExchange)
        return exchange

    def connector(self) -> PerpetualConnector:
        connector, _, _ = self.world.live()
        assert isinstance(connector, PerpetualConnector)
        return connector

    def _affordable(self, exchange: Any, pair: Any, side: TradeSide, reference: Decimal
                    ) -> Decimal:
        perp = self.exchange()
        return perp.available_margin() * perp.positions.leverage(pair) / reference

    def index_for(self, side: TradeSide, action: PositionAction) -> int:
        if self.exchange().mode is PositionMode.ONE_WAY:
            return ONE_WAY
        return LONG if (side is TradeSide.BUY) == (action is PositionAction.OPEN) else SHORT

    async def _place(self, step: Step) -> OrderRef:
        ref = await super()._place(step)
        client_id = self.refs[ref.index]
        side = TradeSide(step.args["side"])
        self._remember(client_id, side, PositionAction.OPEN)
        return ref

    def _remember(self, client_id: str, side: TradeSide, action: PositionAction) -> None:
        self.book.actions[client_id] = (action, self.index_for(side, action))
        self.book.order.append(client_id)

    async def _close(self, step: Step) -> OrderRef:
        exchange, connector = self.exchange(), self.connector()
        a = step.args
        pair = self._pair(a["pair"])
        spec = exchange.market(pair)
        assert spec is not None
        hedge = exchange.mode is PositionMode.HEDGE
        index = (LONG if a["leg"] == "long" else SHORT) if hedge else ONE_WAY
        state = exchange.position(pair, index)
        if state.signed:
            side = TradeSide.SELL if state.signed > 0 else TradeSide.BUY
        else:
            side = TradeSide.SELL if a["leg"] == "long" else TradeSide.BUY
        amount = state.size
        if a["portion"] == "part":
            amount = _down(state.size / 2, spec.step_size)
        elif a["portion"] == "more":  # the exchange truncates it to the position
            amount = state.size * 2
        amount = max(amount, min_size(spec))
        # What the exchange makes of it (a reduce-only order never exceeds the position):
        # the terms and fill invariants judge the order by that amount.
        accepted = min(amount, state.size) if state.size else amount
        order_type = OrderType(a["type"])
        price = None
        if order_type is OrderType.LIMIT:
            snapshot = exchange.snapshot(pair, 1)
            levels = snapshot.asks if side is TradeSide.BUY else snapshot.bids
            price = levels[0][0] if levels else exchange.mark_price(pair)
        client_id, unknown = await self._placement(connector.place_order(
            pair, side, order_type, amount, price, PositionAction.CLOSE))
        index_ref = len(self.refs) + 1
        self.refs[index_ref] = client_id
        self._remember(client_id, side, PositionAction.CLOSE)
        self.world.ledger.placed(Placement(f"o{index_ref}", client_id, pair, side, order_type,
                                           accepted, price, asked_amount=accepted,
                                           outcome_unknown=unknown))
        step.resolved.update(order=f"o{index_ref}", client_order_id=client_id,
                             pair_name=str(pair), side=side.value, amount=str(amount),
                             price=None if price is None else str(price),
                             position=f"{'hedge ' + a['leg'] if hedge else 'one-way'} "
                                      f"{state.signed}")
        return OrderRef(index_ref)

    async def _leverage(self, step: Step) -> None:
        connector = self.connector()
        pair = self._pair(step.args["pair"])
        leverage = int(step.args["leverage"])
        step.resolved["pair_name"] = str(pair)
        try:
            await connector.set_leverage(pair, leverage)
        except SettingRefused as exc:
            step.resolved["outcome"] = f"refused ({'sent' if exc.sent else 'unsent'})"
            if 1 <= leverage <= self.exchange().max_leverage:
                self.problems.append(f"P3: set_leverage({pair}, {leverage}) was refused "
                                     f"though the exchange allows 1..100: {exc}")
            elif exc.sent:
                self.problems.append(f"P3: set_leverage({pair}, {leverage}) was sent, though "
                                     "the exchange's bounds say it is out of range")
            return
        step.resolved["outcome"] = "accepted"
        self.book.leverage[str(pair)] = leverage
        if not 1 <= leverage <= self.exchange().max_leverage:
            self.problems.append(f"P3: set_leverage({pair}, {leverage}) succeeded outside "
                                 "1..100")

    async def _mode(self, step: Step) -> None:
        connector, exchange = self.connector(), self.exchange()
        wanted = StandardMode(step.args["mode"])
        flat = not exchange.open_positions() and not exchange.open_orders()
        try:
            await connector.set_position_mode(wanted)
        except SettingRefused as exc:
            step.resolved["outcome"] = f"refused: {str(exc)[:60]}"
            return
        step.resolved["outcome"] = "accepted"
        if flat:
            self.book.counted_from = len(self.book.order)
            self.book.liquidated.clear()

    async def _mark(self, step: Step) -> None:
        exchange = self.exchange()
        pair = self._pair(step.args["pair"])
        spec = exchange.market(pair)
        assert spec is not None
        mark = exchange.mark_price(pair) or Decimal(1)
        moved = _down(mark * (1 + Decimal(step.args["move"]) / 100), spec.tick_size)
        step.resolved.update(pair_name=str(pair), mark=str(moved))
        exchange.move_mark(pair, moved)

    async def _liquidate(self, step: Step) -> None:
        exchange = self.exchange()
        a = step.args
        pair = self._pair(a["pair"])
        hedge = exchange.mode is PositionMode.HEDGE
        index = (LONG if a["leg"] == "long" else SHORT) if hedge else ONE_WAY
        event = exchange.liquidate(pair, index, adl=a["kind"] == "adl")
        step.resolved["pair_name"] = str(pair)
        if event is None:
            step.resolved["skipped"] = True
            return
        key = (pair, SIDE_OF_INDEX[index])
        signed = event.qty if event.side is TradeSide.BUY else -event.qty
        self.book.liquidated[key] = self.book.liquidated.get(key, Decimal(0)) + signed
        step.resolved.update(qty=str(event.qty), price=str(event.price))

    async def _funding(self, step: Step) -> None:
        """Settle funding, once the connector has read the funding history of every pair
        (its first read only learns where the history stands: a payment before it is never
        reported, by design); until then the step does nothing. Not a precondition: a
        rule's availability must not depend on timing, or hypothesis cannot replay."""
        server = self.world.server
        assert server is not None
        pair = self._pair(step.args["pair"])
        step.resolved["pair_name"] = str(pair)
        if len(server.request_log.for_operation("transaction_log")) < len(self.world.pairs):
            step.resolved["payments"] = "no: the history is not read yet, so"
            return
        exchange = self.exchange()
        funding = exchange.funding(pair)
        exchange.set_funding(pair, Decimal(step.args["rate"]), funding.next_ms)
        step.resolved["payments"] = len(exchange.settle_funding(pair))


class PerpetualMachine(LifecycleMachine):
    """The lifecycle machine with perpetual rules (see module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self.driver = PerpetualDriver(self.world)
        self.world.scenario_state = self.driver.book

    @property
    def perp(self) -> PerpetualDriver:
        assert isinstance(self.driver, PerpetualDriver)
        return self.driver

    @rule(target=LifecycleMachine.orders, pair=PAIR_INDEX,
          leg=st.sampled_from(["long", "short"]),
          portion=st.sampled_from(["all", "part", "more"]),
          type=st.sampled_from([OrderType.MARKET.value, OrderType.LIMIT.value]))
    def close_position(self, pair: int, leg: str, portion: str, type: str) -> OrderRef:
        result: OrderRef = self._do(Step(StepKind.CLOSE, {
            "pair": pair, "leg": leg, "portion": portion, "type": type}))
        return result

    @rule(pair=PAIR_INDEX, leverage=LEVERAGES)
    def change_leverage(self, pair: int, leverage: int) -> None:
        self._do(Step(StepKind.LEVERAGE, {"pair": pair, "leverage": leverage}))

    @rule(mode=st.sampled_from([StandardMode.HEDGE.value, StandardMode.ONEWAY.value]))
    def change_mode(self, mode: str) -> None:
        self._do(Step(StepKind.MODE, {"mode": mode}))

    @rule(pair=PAIR_INDEX, move=st.sampled_from(["1", "-1", "5", "-5"]))
    def mark_moves(self, pair: int, move: str) -> None:
        self._do(Step(StepKind.MARK, {"pair": pair, "move": move}))

    @rule(pair=PAIR_INDEX, leg=st.sampled_from(["long", "short"]),
          kind=st.sampled_from(["liquidation", "adl"]))
    def liquidation(self, pair: int, leg: str, kind: str) -> None:
        self._do(Step(StepKind.LIQUIDATE, {"pair": pair, "leg": leg, "kind": kind}))

    @rule(pair=PAIR_INDEX, rate=st.sampled_from(["0.0001", "-0.0003", "0.00375"]))
    def funding_tick(self, pair: int, rate: str) -> None:
        self._do(Step(StepKind.FUNDING, {"pair": pair, "rate": rate}))

    @invariant()
    def perpetual_terms_hold(self) -> None:
        connector, exchange, _ = self.world.live()
        assert isinstance(exchange, PerpetualExchange)
        problems = [*terms_problems(exchange, self.world.ledger, self.perp.book.actions),
                    *setting_problems(connector, exchange, self.perp.book)]
        if problems:
            self._fail(problems)


async def replay_perpetual_step(connector: Any, ledger: Any, refs: dict[int, str],
                                step: Step) -> None:
    """A regression replay of a perpetual step: the same public-API call, as recorded."""
    resolved = step.resolved
    if step.kind is StepKind.CLOSE:
        pair = TradingPair.parse(resolved["pair_name"])
        side, order_type = TradeSide(resolved["side"]), OrderType(step.args["type"])
        price = Decimal(resolved["price"]) if resolved.get("price") else None
        client_id = await connector.place_order(pair, side, order_type,
                                                Decimal(resolved["amount"]), price,
                                                PositionAction.CLOSE)
        refs[len(refs) + 1] = client_id
        ledger.placed(Placement(f"o{len(refs)}", client_id, pair, side, order_type,
                                Decimal(resolved["amount"]), price))
        return
    try:
        if step.kind is StepKind.LEVERAGE:
            await connector.set_leverage(TradingPair.parse(resolved["pair_name"]),
                                         int(step.args["leverage"]))
        elif step.kind is StepKind.MODE:
            await connector.set_position_mode(StandardMode(step.args["mode"]))
    except SettingRefused:
        pass  # refused as when recorded, or not: the invariants replayed judge the orders


def install(world: World) -> None:
    """Set a world up for the perpetual machine: its agreement checks and a funding poll
    short enough for a quiescence wait."""
    world.connector_options.setdefault("funding_poll_interval", FUNDING_POLL)
    if not world.agreement_checks:
        world.agreement_checks += [_positions_agree, _funding_agrees]


def _positions_agree(world: World) -> list[str]:
    connector, exchange, _ = world.live()
    machine_book = world.scenario_state
    if not isinstance(exchange, PerpetualExchange) or not isinstance(connector,
                                                                     PerpetualConnector):
        return []
    return position_agreement(connector, exchange, world.ledger, machine_book)


def _funding_agrees(world: World) -> list[str]:
    _, exchange, _ = world.live()
    if not isinstance(exchange, PerpetualExchange):
        return []
    return [*funding_agreement(exchange, world.ledger, world.pairs),
            *liquidation_agreement(exchange, world.ledger)]


def _down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step if step > 0 else value
