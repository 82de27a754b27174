"""Executes steps: public-API calls on the connector, venue actions and faults on the double.

The driver is what the state machine and a regression replay share: given the same steps
and the same exchange, it sends the same requests. It records what each step came to in
`step.resolved` (the client order id, the exact amount and price), which the report shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from harness.double import Exchange
from harness.double.faults import HttpFault, HttpFaultKind
from harness.double.orders import Order
from harness.scenarios.edges import FALLBACK_PRICE, amount_for, min_size, price_for
from harness.scenarios.ledger import Placement
from harness.scenarios.steps import AmountKind, OrderRef, PriceKind, Step
from harness.scenarios.world import World
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

UNKNOWN_ORDER_ID = "harness-never-placed-1"
RETRY_AFTER = 0.5  # clock seconds a 429 fault asks the client to wait
UNKNOWN_OUTCOMES = frozenset({HttpFaultKind.SERVER_ERROR, HttpFaultKind.TIMEOUT,
                              HttpFaultKind.ACCEPTED_THEN_TIMEOUT,
                              HttpFaultKind.EXECUTED_THEN_SERVER_ERROR})


class Driver:
    """Turns steps into calls. One driver per example (it numbers the placements)."""

    trades_base_asset = True
    """False where the account holds only the quote (perpetuals): deposits are of it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.refs: dict[int, str] = {}
        self.cancel_results: list[tuple[str, bool, str | None]] = []
        self.problems: list[str] = []
        """Problems a step itself revealed (e.g. a cancel of an unknown id that succeeded)."""

    async def execute(self, step: Step) -> OrderRef | None:
        handler = getattr(self, f"_{step.kind.value}")
        result: OrderRef | None = await handler(step)
        return result

    # -- the public API --------------------------------------------------------------------

    async def _place(self, step: Step) -> OrderRef:
        connector, exchange, _ = self.world.live()
        a = step.args
        pair = self._pair(a["pair"])
        side, order_type = TradeSide(a["side"]), OrderType(a["type"])
        spec = exchange.market(pair)
        assert spec is not None
        bid, ask = _best(exchange, pair)
        price = None if order_type is OrderType.MARKET else \
            price_for(PriceKind(a["price"]), side, spec, bid, ask)
        reference = price or (ask if side is TradeSide.BUY else bid) or FALLBACK_PRICE
        amount = amount_for(AmountKind(a["amount"]), spec, reference,
                            self._affordable(exchange, pair, side, reference))
        client_id, unknown = await self._placement(
            connector.place_order(pair, side, order_type, amount, price))
        index = len(self.refs) + 1
        self.refs[index] = client_id
        tracked = connector.get_order(client_id)
        self.world.ledger.placed(Placement(
            f"o{index}", client_id, pair, side, order_type,
            tracked.amount if tracked is not None else amount, price, asked_amount=amount,
            outcome_unknown=unknown))
        step.resolved.update(order=f"o{index}", client_order_id=client_id, pair_name=str(pair),
                             amount=str(amount), price=None if price is None else str(price))
        return OrderRef(index)

    async def _placement(self, place_order: Awaitable[str]) -> tuple[str, bool]:
        """The client order id `place_order` returns, and whether its outcome is unknown to
        the connector (the placement request met a 5xx or a timeout)."""
        faults = self.world.live()[2].faults
        applied_before = len(faults.applied)
        client_id = await place_order
        unknown = any(applied.target == "place" and isinstance(applied.fault, HttpFault)
                      and applied.fault.kind in UNKNOWN_OUTCOMES
                      for applied in faults.applied[applied_before:])
        return client_id, unknown

    def _affordable(self, exchange: Exchange, pair: TradingPair, side: TradeSide,
                    reference: Decimal) -> Decimal:
        """The most the balance covers at `reference` (a perpetual driver: the margin)."""
        if side is TradeSide.BUY:
            return exchange.balance(pair.quote).free / reference
        return exchange.balance(pair.base).free

    async def _cancel(self, step: Step) -> None:
        connector, _, _ = self.world.live()
        client_id = self.refs[step.args["order"].index]
        result = await connector.cancel(client_id)
        step.resolved.update(success=result.success, reason=result.reason)
        order = connector.get_order(client_id)
        if result.success and (order is None or order.state.value != "CANCELED"):
            state = order.state.value if order is not None else "unknown"
            self.problems.append(f"4: cancel({client_id!r}) reported success but the order is "
                                 f"{state}")

    async def _cancel_unknown(self, step: Step) -> None:
        connector, _, _ = self.world.live()
        result = await connector.cancel(UNKNOWN_ORDER_ID)
        step.resolved.update(success=result.success)
        if result.success:
            self.problems.append(f"6: cancel({UNKNOWN_ORDER_ID!r}), an id never placed, "
                                 "reported success")

    async def _cancel_all(self, step: Step) -> None:
        connector, _, _ = self.world.live()
        results = await connector.cancel_all(self.world.plan.profile.step_deadline / 2)
        step.resolved.update(results=len(results))
        placed = set(self.refs.values())
        strangers = [r.client_order_id for r in results if r.client_order_id not in placed]
        if strangers:
            self.problems.append(f"6: cancel_all reported on orders never placed: {strangers}")

    # -- the venue -------------------------------------------------------------------------

    def _resting(self, step: Step) -> Order | None:
        _, exchange, _ = self.world.live()
        client_id = self.refs[step.args["order"].index]
        order = exchange.order(client_order_id=client_id)
        if order is None or not order.is_open or \
                exchange.book(order.pair).entry_of(order.order_id) is None:
            step.resolved["skipped"] = True
            return None
        return order

    async def _fill(self, step: Step) -> None:
        _, exchange, _ = self.world.live()
        order = self._resting(step)
        if order is None:
            return
        spec = exchange.market(order.pair)
        assert spec is not None
        qty: Decimal | None = None
        if step.args["portion"] != "all":
            half = _down(order.remaining / 2, spec.step_size)
            qty = half if 0 < half < order.remaining else None
        exchange.fill_resting(order.order_id, qty)
        step.resolved.update(qty=str(qty or order.remaining), price=str(order.price))

    async def _expire(self, step: Step) -> None:
        _, exchange, _ = self.world.live()
        if "order" not in step.args:  # the newest of our orders the exchange has open
            for index in sorted(self.refs, reverse=True):
                order = exchange.order(client_order_id=self.refs[index])
                if order is not None and order.is_open:
                    step.resolved["order"] = f"o{index}"
                    exchange.expire(order.order_id)
                    return
            step.resolved["skipped"] = True
            return
        client_id = self.refs[step.args["order"].index]
        order = exchange.order(client_order_id=client_id)
        if order is None or not order.is_open:
            step.resolved["skipped"] = True
            return
        exchange.expire(order.order_id)

    async def _deposit(self, step: Step) -> None:
        _, exchange, _ = self.world.live()
        pair = self._pair(step.args["pair"])
        spec = exchange.market(pair)
        assert spec is not None
        base = step.args["asset"] == "base" and self.trades_base_asset
        asset = pair.base if base else pair.quote
        quantum = spec.step_size if base else Decimal("0.01")
        if step.args["sign"] > 0:
            amount = min_size(spec) * 20 if base else max(spec.min_notional, Decimal(1)) * 20
        elif step.args.get("all"):
            amount = exchange.balance(asset).free  # the total reaches zero if nothing is locked
        else:
            amount = _down(exchange.balance(asset).free / 2, quantum)
        step.resolved.update(asset=asset, amount=str(amount))
        if amount > 0:
            exchange.deposit(asset, amount if step.args["sign"] > 0 else -amount)

    async def _seed(self, step: Step) -> None:
        _, exchange, _ = self.world.live()
        a = step.args
        pair = self._pair(a["pair"])
        spec = exchange.market(pair)
        assert spec is not None
        side = TradeSide(a["side"])
        bid, ask = _best(exchange, pair)
        kind = {"behind": PriceKind.DEEP, "inside": PriceKind.INSIDE,
                "cross": PriceKind.CROSS}[a["where"]]
        price = price_for(kind, side, spec, bid, ask)
        qty = amount_for(AmountKind.MIN_NOTIONAL, spec, price, Decimal(0)) * int(a["size"])
        step.resolved.update(pair_name=str(pair), price=str(price), qty=str(qty))
        exchange.seed_liquidity(pair, side, price, qty)

    async def _pull(self, step: Step) -> None:
        _, exchange, _ = self.world.live()
        pair = self._pair(step.args["pair"])
        side = TradeSide(step.args["side"])
        levels = exchange.snapshot(pair, 1)
        top = levels.bids if side is TradeSide.BUY else levels.asks
        step.resolved.update(pair_name=str(pair), price=str(top[0][0]) if top else "-")
        if top:
            exchange.remove_liquidity(pair, side, top[0][0])

    # -- faults ----------------------------------------------------------------------------

    async def _http_fault(self, step: Step) -> None:
        _, _, server = self.world.live()
        op, fault = step.args["operation"], step.args["fault"]
        plan = server.faults
        if fault == "server_error":
            plan.fail_next(op, status=int(step.args.get("status", 503)))
        elif fault == "executed_then_server_error":
            plan.execute_then_fail_next(op, status=int(step.args.get("status", 503)))
        elif fault == "rate_limit":
            plan.rate_limit_next(op, retry_after=RETRY_AFTER)
        elif fault == "timeout":
            plan.timeout_next(op)
        elif fault == "accepted_then_timeout":
            plan.accept_then_timeout_next(op)
        else:
            plan.time_error_next(op)

    async def _ws_fault(self, step: Step) -> None:
        _, _, server = self.world.live()
        stream, fault = step.args["stream"], step.args["fault"]
        count = int(step.args.get("count", 1))
        if fault == "duplicate":
            server.faults.duplicate_next(count, kind=stream)
        elif fault == "reorder":
            server.faults.reorder_next(count, kind=stream)
        else:
            server.faults.delay_next(self.world.plan.profile.ws_delay, count, kind=stream)

    async def _drop_ws(self, step: Step) -> None:
        _, _, server = self.world.live()
        stream = step.args.get("stream")
        dropped = [conn for conn in server.connections if stream is None or stream in conn.kinds]
        step.resolved["connections"] = await server.drop_ws(stream)
        self.world.reconnected = True
        # The drop is over when the server has let go of those connections: the step that
        # follows then meets the reconnect, not the dying connection, every time.
        async with asyncio.timeout(1.0):
            while any(conn in server.connections for conn in dropped):
                await asyncio.sleep(0.001)

    async def _heal(self, step: Step) -> None:
        from harness.scenarios.quiescence import heal

        self.problems += await heal(self.world)

    # -- helpers ---------------------------------------------------------------------------

    def _pair(self, index: Any) -> TradingPair:
        pairs = self.world.pairs
        return pairs[int(index) % len(pairs)]


def _best(exchange: Exchange, pair: TradingPair) -> tuple[Decimal | None, Decimal | None]:
    snapshot = exchange.snapshot(pair, 1)
    return (snapshot.bids[0][0] if snapshot.bids else None,
            snapshot.asks[0][0] if snapshot.asks else None)


def _down(value: Decimal, step: Decimal) -> Decimal:
    if step <= 0:
        return value
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step

