"""The world a property run lives in: one double server, one clock, a fresh connector per example.

Built once per connector and run: the exchange double named by the manifest (`double =
"module:WireFormatClass"`; the module provides `default_exchange(clock)` and, to re-fund
and re-seed it after a reset, `seed(exchange)`), one `DoubleServer` on loopback, one
`ScaledClock` shared by the exchange and every connector. Each example resets the server
(exchange state, faults, request log, connections), re-seeds the exchange, and starts a new
connector built from the manifest with fast timings, then waits until it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import inspect
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from harness.double import DoubleServer, Exchange, FaultPlan
from harness.idle_time import IdleSkippingLoop
from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.registry import ConnectorLoadError, load_connector_class, load_object
from harness.scenarios.bridge import LoopBridge
from harness.scenarios.ledger import EventLedger
from harness.scenarios.settings import POLLING_OFF, RunPlan
from harness.scenarios.steps import Step
from harness.standard.api import SpotConnector
from harness.standard.clock import ScaledClock
from harness.standard.enums import OrderType
from harness.standard.pair import TradingPair
from harness.subject import TEST_API_KEY, TEST_API_SECRET, build_config, loopback_urls

log = logging.getLogger(__name__)
T = TypeVar("T")
READY_DEADLINE = 5.0
FULL_GC_EVERY = 100
"""Examples between two full collections: each costs ~65 ms over hypothesis' data, and
what they free grows by only ~3 MB per 100 examples (measured on the ci profile)."""


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Keep full garbage collections out of the examples.

    A full collection over hypothesis' growing search data stops the loop for 50-150 ms;
    on a clock running 100 times faster that is 5-15 s, enough to put a correctly
    synchronized connector's timestamps outside the exchange's window. Young generations
    are still collected as usual; the full ones run between examples (`begin_example`).
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class NoDouble(ValueError):
    """The manifest declares no exchange double, or it cannot be loaded."""


@dataclass(frozen=True)
class DoubleKit:
    """What the manifest's double gives the scenarios."""

    wire_factory: Callable[[Exchange], Any]
    default_exchange: Callable[[Any], Exchange]
    seed: Callable[[Exchange], None] | None


def load_double(manifest: Manifest) -> DoubleKit:
    """The double named by `manifest.double`, with its default exchange and re-seeding."""
    if not manifest.double:
        raise NoDouble(f"{manifest.path}: double: missing; the property scenarios need an "
                       "exchange double (double = \"module.path:WireFormatClass\")")
    try:
        wire_class = load_object(manifest.double, manifest, "double")
    except ConnectorLoadError as exc:
        raise NoDouble(str(exc)) from exc
    module = importlib.import_module(manifest.double.partition(":")[0])
    default = getattr(wire_class, "default_exchange", None) or getattr(
        module, "default_exchange", None)
    if not callable(default):
        raise NoDouble(f"{manifest.path}: double: {manifest.double} comes with no "
                       "default_exchange(clock); add one next to the wire format")
    seed = getattr(wire_class, "seed", None) or getattr(module, "seed", None)
    return DoubleKit(lambda exchange: _construct(wire_class, exchange), default,
                     seed if callable(seed) else None)


def template_seed(template: Exchange) -> Callable[[Exchange], None]:
    """For a double without `seed(exchange)`: put back the balances and the other
    participants' levels a freshly built default exchange has."""
    balances = {asset: balance.free for asset, balance in template.balances().items()}
    books = {spec.pair: template.snapshot(spec.pair, None) for spec in template.markets()}

    def seed(exchange: Exchange) -> None:
        for asset, free in balances.items():
            exchange.set_balance(asset, free)
        for pair, snapshot in books.items():
            exchange.move_book(pair, snapshot.bids, snapshot.asks)

    return seed


def _construct(wire_class: Any, exchange: Exchange) -> Any:
    """The wire format, given the exchange and the harness' test credentials when it takes
    them (a double may need the exchange before the first REST request reaches it)."""
    try:
        params = inspect.signature(wire_class).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    kwargs = {name: value for name, value in (("exchange", exchange), ("api_key", TEST_API_KEY),
                                              ("api_secret", TEST_API_SECRET))
              if name in params}
    return wire_class(**kwargs)


@dataclass
class World:
    """One connector's property run: server, clock, loop, and the example in progress."""

    manifest: Manifest
    plan: RunPlan
    connector_class: Callable[..., SpotConnector] | None = None
    bridge: LoopBridge = field(init=False)
    ledger: EventLedger = field(default_factory=EventLedger)
    steps: list[Step] = field(default_factory=list)
    failing_steps: list[Step] = field(default_factory=list)
    examples: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    """Wall seconds spent per phase (start, steps, checks, stop), for the benchmark."""
    streams_only: bool = False
    """The streams-only pass: connectors start with status and balance polling off, so only
    their streams move their state (docs/scenarios.md, "Streams only")."""
    reconnected: bool = False
    """Streams were dropped since the last stream probe (quiescence probes them then)."""
    stream_kinds: tuple[str, ...] = ()
    """The double's stream kinds ("user", "depth", ...) as the first ready connector used."""
    connector: SpotConnector | None = None
    server: DoubleServer | None = None
    exchange: Exchange | None = None
    clock: ScaledClock | None = None
    agreement_checks: list[Callable[[World], list[str]]] = field(default_factory=list)
    """More agreement invariants for quiescence to wait for (perpetuals: positions, funding)."""
    scenario_state: Any = None
    """What a machine variant keeps per example for its agreement checks."""
    connector_options: dict[str, Any] = field(default_factory=dict)
    """ConnectorConfig.options the machine needs (perpetuals: a short funding poll)."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    """Set on every connector event: waits re-check their condition at once."""
    _kit: DoubleKit | None = None
    _seed: Callable[[Exchange], None] = field(default=lambda exchange: None)
    _unsubscribe: Callable[[], None] | None = None
    _cutter: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        jump = self.plan.profile.idle_jump
        self.bridge = LoopBridge(IdleSkippingLoop(jump) if jump is not None else None)

    # -- the run -------------------------------------------------------------------------

    def open(self) -> World:
        """Load the double and start its server (once per run)."""
        self._kit = load_double(self.manifest)
        if self.connector_class is None:
            self.connector_class = load_connector_class(self.manifest)
        profile = self.plan.profile
        self.clock = ScaledClock(profile.clock_speed, monotonic=self.bridge.loop.time)
        self.exchange = self._kit.default_exchange(self._exchange_clock(self.clock))
        self._seed = self._kit.seed or template_seed(self.exchange)
        wire = self._kit.wire_factory(self.exchange)
        if hasattr(wire, "transit_slack_ms"):  # the wires that judge signed timestamps
            wire.transit_slack_ms = int(profile.transit_slack * profile.clock_speed * 1000)
        self.server = DoubleServer(self.exchange, wire,
                                   FaultPlan(),
                                   hold_limit=profile.hold_limit,
                                   reorder_release=profile.reorder_release)
        self.run(self.server.start(), "starting the double server")
        return self

    def _exchange_clock(self, clock: ScaledClock) -> Callable[[], int]:
        """The double's own clock in ms: the connector's, `exchange_clock_behind` behind."""
        behind = self.plan.profile.exchange_clock_behind
        return lambda: int((clock.time() - behind) * 1000)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.end_example()
        if self.server is not None:
            with contextlib.suppress(Exception):
                self.run(self.server.stop(), "stopping the double server")
        self.bridge.close()

    def __enter__(self) -> World:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, coro: Coroutine[Any, Any, T], what: str = "", phase: str = "") -> T:
        """Run a coroutine on the world's loop under the profile's step deadline; its time
        counts towards `phase` in `timings`."""
        started = time.perf_counter()
        try:
            return self.bridge.run(coro, self.plan.profile.step_deadline, what)
        finally:
            if phase:
                self.timings[phase] = self.timings.get(phase, 0.0) + \
                    time.perf_counter() - started

    # -- one example ---------------------------------------------------------------------

    def begin_example(self, *, urls: dict[str, str] | None = None) -> SpotConnector:
        """Reset the double and bring a new connector up against it; return it ready."""
        self.end_example()
        if self.examples % FULL_GC_EVERY == 0:
            gc.collect()  # now, while no connector runs: see `quiet_gc`
        self.examples += 1
        self.steps = []
        self.reconnected = False
        self.ledger.reset()
        return self.run(self._begin(urls), "starting the connector", "start")

    async def _begin(self, urls: dict[str, str] | None) -> SpotConnector:
        assert self.server is not None and self.exchange is not None and self._kit
        assert self.clock is not None and self.connector_class is not None
        await self.server.reset()
        self._seed(self.exchange)
        profile = self.plan.profile
        options = CheckOptions(clock_speed=profile.clock_speed,
                               poll_interval=POLLING_OFF if self.streams_only
                               else profile.poll_interval,
                               request_timeout=profile.request_timeout,
                               reconnect_delay=profile.reconnect_delay)
        config = build_config(self.manifest, urls or loopback_urls(self.manifest, self.server),
                              options, self.clock, exclusive_account=True)
        if self.connector_options:
            config = replace(config, options={**config.options, **self.connector_options})
        connector = self.connector_class(config)
        self.connector = connector
        self._unsubscribe = connector.subscribe(self._on_event)
        if profile.cut_held_after is not None:
            self._cutter = asyncio.get_running_loop().create_task(
                self._cut_held(profile.cut_held_after))
        await connector.start()
        try:
            async with asyncio.timeout(READY_DEADLINE):
                await connector.wait_ready()
        except TimeoutError:
            raise AssertionError(f"{self.manifest.name} was not ready {READY_DEADLINE} s after "
                                 f"start(); status {dict(connector.status)}") from None
        if not self.stream_kinds:
            # Fixed once: rules pick streams by index, so a step means the same stream in
            # every example, whatever is connected at that moment.
            self.stream_kinds = tuple(sorted({kind for conn in self.server.connections
                                              for kind in conn.kinds}))
        return connector

    def _on_event(self, event: Any) -> None:
        self.ledger(event)
        self.wake.set()

    async def _cut_held(self, after: float) -> None:
        """End requests a timeout fault holds once they have waited `after` seconds."""
        assert self.server is not None
        while True:
            await asyncio.sleep(after / 2)
            if self.server.held:
                await asyncio.sleep(after)
                self.server.release_held()

    def end_example(self) -> None:
        """Stop the example's connector (never raises: a hang is logged)."""
        connector, self.connector = self.connector, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        cutter, self._cutter = self._cutter, None
        if connector is None and cutter is None:
            return

        async def stop() -> None:
            if cutter is not None:
                cutter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await cutter
            if self.server is not None:
                self.server.release_held()
            if connector is not None:
                try:
                    async with asyncio.timeout(2.0):
                        await connector.stop()
                except TimeoutError:
                    log.error("%s did not stop within 2 s", self.manifest.name)

        with contextlib.suppress(Exception):
            self.run(stop(), "stopping the connector", "stop")

    # -- what rules and invariants read --------------------------------------------------

    @property
    def pairs(self) -> tuple[TradingPair, ...]:
        assert self.exchange is not None
        return tuple(pair for pair in self.manifest.pairs if self.exchange.market(pair))

    @property
    def order_types(self) -> list[OrderType]:
        order = list(OrderType)  # LIMIT first: examples shrink towards it
        return [kind for kind in order if kind in self.manifest.order_types] or [OrderType.LIMIT]

    def has(self, capability: str) -> bool:
        return capability in self.manifest.capabilities

    def live(self) -> tuple[SpotConnector, Exchange, DoubleServer]:
        assert self.connector is not None and self.exchange is not None
        assert self.server is not None
        return self.connector, self.exchange, self.server
