"""Quiescence: every fault over, the connector caught up, then the agreement invariants.

"Caught up" is a condition waited for with a deadline, never a sleep: the connector's orders,
balances and books equal the exchange's. After the streams were dropped they are also
probed (a deposit must arrive as a BalanceUpdated event, a new price level must reach the
local book), because a connector that polls would otherwise hide a stream that is up but
silent (a reconnect that forgot to resubscribe). The machine runs this after faults end
(the heal step) and at the end of every example; `settle` is the short, non-failing wait
after each step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal

from harness.scenarios.edges import min_size
from harness.scenarios.invariants import (
    balance_problems,
    book_agreement,
    final_disagreements,
    order_agreement,
    request_problems,
    tracking_problems,
)
from harness.scenarios.streams_only import may_stay_pending
from harness.scenarios.world import World
from harness.standard.capabilities import Capability
from harness.standard.enums import TradeSide
from harness.standard.order_book import OrderBookSnapshot

_TICK = 0.002  # how often a wait re-evaluates its condition (wall seconds)
PROBE_REPEAT = 0.03  # a stream probe is repeated this often until it shows (wall seconds)


async def wait_for(condition: Callable[[], list[str]], deadline: float,
                   wake: asyncio.Event | None = None,
                   hopeless: Callable[[], list[str]] | None = None) -> list[str]:
    """Re-evaluate `condition` (a list of problems) whenever the connector emits an event
    (`wake`) and at least every few ms, until it is empty or `deadline` passes; return what
    is still wrong (empty on success). `hopeless` lists problems waiting cannot fix: when it
    finds any, they are returned at once."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while True:
        problems = condition()
        if not problems or loop.time() >= end:
            return problems
        final = hopeless() if hopeless is not None else []
        if final:
            return final
        if wake is None:
            await asyncio.sleep(_TICK)
            continue
        wake.clear()
        try:
            async with asyncio.timeout(_TICK):
                await wake.wait()
        except TimeoutError:
            pass


def orders_agree(world: World) -> list[str]:
    connector, exchange, _ = world.live()
    return order_agreement(connector, exchange, world.ledger, may_stay_pending(world))


def streams_up(world: World) -> list[str]:
    """Every stream kind the double serves has a live connection, and the connector is
    ready (after a drop: reconnected and subscribed again)."""
    connector, _, server = world.live()
    live = {kind for conn in server.connections if not conn.closed for kind in conn.kinds}
    missing = [kind for kind in world.stream_kinds if kind not in live]
    problems = [f"4: no live '{kind}' stream connection" for kind in missing]
    if not connector.ready:
        problems.append(f"4: the connector is not ready: status {dict(connector.status)}")
    return problems


def everything_agrees(world: World) -> list[str]:
    connector, exchange, _ = world.live()
    problems = []
    if not connector.ready:
        problems.append(f"4: the connector is not ready after the faults ended: status "
                        f"{dict(connector.status)}")
    problems += order_agreement(connector, exchange, world.ledger, may_stay_pending(world))
    problems += balance_problems(connector, exchange)
    problems += book_agreement(connector, exchange, world.pairs)
    for check in world.agreement_checks:
        problems += check(world)
    return problems


async def settle(world: World) -> bool:
    """Give the connector a moment to catch up after a step; True when its orders agree."""
    claims = _ClaimsUp(world)

    def hopeless() -> list[str]:
        connector, exchange, _ = world.live()
        return [*final_disagreements(connector, exchange, world.ledger), *claims()]

    return not await wait_for(lambda: streams_up(world) or orders_agree(world),
                              world.plan.profile.settle_deadline, world.wake, hopeless)


class _ClaimsUp:
    """Streams the connector has said are up (ready) for a while although the double has no
    subscription of theirs: waiting will not bring them (a reconnect that did not subscribe
    again). Not a failure here; the next quiescence check probes the streams."""

    GRACE = 0.03  # wall seconds: the two ends of a dropped connection learn of it apart

    def __init__(self, world: World) -> None:
        self.world = world
        self.since: float | None = None

    def __call__(self) -> list[str]:
        connector, _, _ = self.world.live()
        missing = streams_up(self.world) if connector.ready else []
        now = asyncio.get_running_loop().time()
        if not missing:
            self.since = None
            return []
        self.since = self.since if self.since is not None else now
        return missing if now - self.since >= self.GRACE else []


async def heal(world: World) -> list[str]:
    """End every fault, wait for quiescence, probe the streams; return what is broken."""
    connector, _, server = world.live()
    server.faults.clear()
    server.release_held()
    profile = world.plan.profile
    deadline = profile.quiescence_deadline

    def hopeless() -> list[str]:
        connector, exchange, _ = world.live()
        return [*final_disagreements(connector, exchange, world.ledger),
                *tracking_problems(connector, world.ledger)]

    problems = await wait_for(lambda: everything_agrees(world), deadline, world.wake, hopeless)
    if not problems and world.reconnected:
        # Only a reconnect can leave a stream up but unsubscribed; each probe costs a
        # round trip or two, so it is made once the streams have been dropped.
        problems = await probe_streams(world, profile.probe_deadline)
        if not problems:
            world.reconnected = False
            problems = await wait_for(lambda: everything_agrees(world), deadline, world.wake,
                                      hopeless)
    problems += tracking_problems(connector, world.ledger)
    problems += request_problems(server)
    return problems


async def probe_streams(world: World, deadline: float) -> list[str]:
    """The declared streams deliver: a deposit reaches the user stream, a new level the
    market stream."""
    problems: list[str] = []
    if world.has(Capability.USER_STREAM):
        problems += await _probe_user_stream(world, deadline)
    if world.has(Capability.ORDER_BOOK_DIFFS):
        problems += await _probe_market_stream(world, deadline)
    return problems


async def _probe_user_stream(world: World, deadline: float) -> list[str]:
    """Deposit 1 quote unit until a BalanceUpdated shows one of the totals (an event pushed
    while the stream was still reconnecting is lost, as on a real exchange: so repeat)."""
    _, exchange, _ = world.live()
    asset = world.pairs[0].quote
    before = len(world.ledger.balance_updates(asset))
    totals: set[Decimal] = set()
    loop = asyncio.get_running_loop()
    next_deposit = loop.time()

    def arrived() -> list[str]:
        nonlocal next_deposit
        updates = world.ledger.balance_updates(asset)[before:]
        if any(update.total in totals for update in updates):
            return []
        if loop.time() >= next_deposit:
            exchange.deposit(asset, Decimal(1))
            totals.add(exchange.balance(asset).total)
            next_deposit = loop.time() + PROBE_REPEAT
        return [f"4: the user stream is silent: {len(totals)} deposit(s) of 1 {asset} produced "
                f"no BalanceUpdated within {deadline} s (stream down, or a reconnect that did "
                "not subscribe again)"]

    return await wait_for(arrived, deadline, world.wake)


def _probe_price(book: OrderBookSnapshot, tick: Decimal) -> Decimal:
    """A bid price no one quotes, one tick below the lowest bid. With no bids it goes one
    tick below the best ask: another participant's bid at or above an ask would trade with
    it (with our own resting order, say) instead of showing as a new level, and the probe
    would blame a healthy stream."""
    if book.bids:
        return book.bids[-1][0] - tick
    if book.asks:
        return book.asks[0][0] - tick
    return tick * 999


async def _probe_market_stream(world: World, deadline: float) -> list[str]:
    connector, exchange, _ = world.live()
    pair = world.pairs[0]
    spec = exchange.market(pair)
    assert spec is not None
    price = _probe_price(exchange.snapshot(pair, None), spec.tick_size)
    if price <= 0:
        return []
    qty = min_size(spec)
    exchange.seed_liquidity(pair, TradeSide.BUY, price, qty)

    def shows(present: bool) -> Callable[[], list[str]]:
        def check() -> list[str]:
            levels = dict(connector.order_book(pair).bids)
            if (levels.get(price) == qty) == present:
                return []
            what = "a new bid level" if present else "the removal of a bid level"
            return [f"7: the market stream is silent: {what} at {price} on {pair} did not reach "
                    f"the local book within {deadline} s (stream down, or a reconnect that did "
                    "not subscribe again)"]
        return check

    problems = await wait_for(shows(True), deadline)
    exchange.remove_liquidity(pair, TradeSide.BUY, price)
    if not problems:
        problems = await wait_for(shows(False), deadline)
    return problems
