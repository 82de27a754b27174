"""Failures become regression cassettes; the example-based suite replays them.

Export: the minimal failing steps run once more against the double, with the connector
behind a `RecordingProxy`, and what passed on the wire (REST interactions, WebSocket frames,
drops) is written as a regular cassette, cassettes/<connector>/regressions/<name>.yaml,
scrubbed as `harness record` scrubs (the manifest's scrubber_for, plus the test credentials,
signatures of any shape in what the client sent included), so it passes the secret lint. The
steps themselves (drawn kinds, resolved values, words) go in meta.inputs.steps. The run is
made replayable: no periodic polling (the only requests are the connector's start-up and
the steps' own), and before every step that acts on the exchange the driver pings
(check_network), so the frames that step caused play after that ping on replay.

Replay (PROP-REG-1, suites/properties/test_regressions.py): the connector starts on the
cassette, the check makes the same public-API calls and pings, invariants 1-3 and 6 are
asserted on the events, and every order the connector ended must have ended as the exchange
had it when the run was recorded (meta.expect.exchange_orders: an order failed that the
exchange accepted, partial fills ignored). Orders still open in the connector are not
compared (the recorded run does no polling, so a correct connector may still be waiting),
nor are balances and books (5, 7) or stream probes: those the machine finds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiohttp import web

from harness.cassette.format import (
    SCRUBBED,
    Cassette,
    Direction,
    Fault,
    FrameKind,
    FrameMatch,
    HttpRequest,
    HttpResponse,
    Interaction,
    Source,
    WsConnection,
)
from harness.cassette.loader import dump_cassette, load_cassette
from harness.cassette.recorder import RecordingProxy, scrubber_for
from harness.double import Exchange
from harness.double.orders import OrderStatus
from harness.manifest import Manifest
from harness.replay.relay import HttpForwarder, base_of
from harness.scenarios.driver import Driver
from harness.scenarios.invariants import OrderOutcome, ended_differently, event_problems
from harness.scenarios.ledger import EventLedger, Placement
from harness.scenarios.machine import driver_for
from harness.scenarios.quiescence import heal, settle
from harness.scenarios.settings import RunPlan
from harness.scenarios.steps import OrderRef, Step, StepKind, describe_steps
from harness.scenarios.world import World
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair
from harness.subject import TEST_API_KEY, TEST_API_SECRET, cassette_path, loopback_urls

FOLDER = "regressions"
QUIET_POLL = 1000.0  # clock seconds: no status or balance polling during the recorded run
REPLAY_CONFIG = {"poll_interval": QUIET_POLL, "exclusive_account": True}
"""ConnectorConfig the recorded run had (meta.inputs.config): the replay must use it too."""
API_STEPS = (StepKind.PLACE, StepKind.CANCEL, StepKind.CANCEL_UNKNOWN, StepKind.CANCEL_ALL)
REPLAY_DEADLINE = 3.0


def regressions_dir(manifest: Manifest) -> Path:
    """cassettes/<exchange>/regressions/, and a subfolder of it for a connector not named
    after its exchange: a regression cassette is one connector's recorded traffic (replayed
    strictly), so connectors of one exchange share its scenarios, not each other's
    regressions (binance would fail ccxt_binance's, whose requests differ)."""
    return cassette_path(manifest, regression_scenario(manifest, "x")).parent


def regression_scenario(manifest: Manifest, stem: str) -> str:
    """The scenario name `subject.replay()` takes for a regression cassette of `manifest`."""
    if manifest.name == manifest.exchange_name:
        return f"{FOLDER}/{stem}"
    return f"{FOLDER}/{manifest.name}/{stem}"


def regression_paths(manifest: Manifest) -> list[Path]:
    folder = regressions_dir(manifest)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def regression_name(plan: RunPlan, steps: list[Step]) -> str:
    """Stable for the same minimal steps: `seed<seed>-<hash of the steps in words>`."""
    digest = hashlib.sha1("\n".join(describe_steps(steps)).encode()).hexdigest()[:8]
    return f"seed{plan.seed}-{digest}"


# -- export --------------------------------------------------------------------------------

def export_regression(manifest: Manifest, plan: RunPlan, steps: list[Step], *,
                      connector_class: Any = None, root: Path | None = None) -> Path:
    """Record `steps` against the double and write them as a regression cassette."""
    name = regression_name(plan, steps)
    target = (root or regressions_dir(manifest)) / f"{name}.yaml"
    quiet = replace(plan, profile=replace(plan.profile, poll_interval=QUIET_POLL))
    program = [Step.from_json(step.to_json()) for step in steps]
    with tempfile.TemporaryDirectory() as scratch, World(manifest, quiet, connector_class) \
            as world:
        proxy = _proxy(manifest, world, Path(scratch) / "run.yaml", name, program)
        world.run(proxy.__aenter__(), "starting the recording proxy")
        try:
            world.begin_example(urls=loopback_urls(manifest, proxy))
            driver = driver_for(world)
            for step in program:
                world.run(_recorded_step(world, driver, step), f"recording {step.describe()}")
            # The replay ends with one more round trip, to know the last frames are handled.
            world.run(world.live()[0].check_network(), "the closing ping")
            outcomes = _exchange_outcomes(world.live()[1], driver.refs)
        finally:
            world.end_example()
            world.run(proxy.__aexit__(None, None, None), "stopping the recording proxy")
        assert proxy.cassette is not None
        cassette = _replayable(proxy.cassette, program, plan, target, outcomes)
    dump_cassette(cassette, target)
    load_cassette(target)  # it must load as any cassette does (raises CassetteError if not)
    return target


def _proxy(manifest: Manifest, world: World, path: Path, name: str,
           program: list[Step]) -> RecordingProxy:
    server = world.server
    assert server is not None
    upstreams = {original: (server.ws_base_for(original) if original.startswith("ws")
                            else server.http_base_for(original))
                 for original in manifest.urls.get("production", {}).values()}
    proxy = RecordingProxy(upstreams, path=path, connector=manifest.name,
                           scenario=regression_scenario(manifest, name),
                           scrubber=scrubber_for(manifest.secrets, manifest.cassette_options,
                                                 "production", env={},
                                                 secrets=(TEST_API_KEY, TEST_API_SECRET)))
    # A request the double holds (a timeout fault) is cut; record it as a timeout.
    proxy._forwarder = _FaultRecordingForwarder(proxy.capture)
    return proxy


async def _recorded_step(world: World, driver: Driver, step: Step) -> None:
    connector, _, _ = world.live()
    if step.kind not in API_STEPS:
        await connector.check_network()  # the "go" the replay sends before this step
    if step.kind is StepKind.HEAL:
        await heal(world)
        return
    await driver.execute(step)
    await settle(world)


class _FaultRecordingForwarder(HttpForwarder):
    """Records a request the upstream never answered as a `fault: timeout` interaction."""

    async def forward(self, request: web.BaseRequest, body: bytes, original_base: str,
                      upstream_base: str) -> web.Response:
        arrived = self.capture.seq + 1  # what the forward's own tick will be
        known = len(self.capture.http)
        response = await super().forward(request, body, original_base, upstream_base)
        if response.status == 502 and len(self.capture.http) == known:
            self.capture.http.append((arrived, Interaction(
                HttpRequest(request.method, self.capture.scrubber.url(
                    base_of(original_base) + request.raw_path, sent=True)),
                HttpResponse(504, "Gateway Timeout"), fault=Fault.TIMEOUT)))
            self.capture.http.sort(key=lambda item: item[0])
            if request.transport is not None:
                request.transport.abort()
        return response


def _exchange_outcomes(exchange: Exchange, refs: dict[int, str]) -> dict[str, Any]:
    """Where the exchange had each placed order when the recorded run ended (None: never
    accepted), by the order's reference (o1, o2, ...): replay compares with these."""
    outcomes: dict[str, Any] = {}
    for index, client_id in sorted(refs.items()):
        order = exchange.order(client_order_id=client_id)
        outcomes[f"o{index}"] = None if order is None else {
            "status": order.status.value, "executed": str(order.executed_qty)}
    return outcomes


def _replayable(cassette: Cassette, program: list[Step], plan: RunPlan, target: Path,
                outcomes: dict[str, Any]) -> Cassette:
    """Name, steps and the matching rules replay needs: scrubbed JSON fields of client frames
    are ignored, and the last of each repeated GET may be served again."""
    meta = replace(cassette.meta, source=Source.GENERATED, description=(
        f"Minimal failing sequence of the property scenarios (seed {plan.seed}, profile "
        f"{plan.profile.name}, {len(program)} steps: {'; '.join(s.describe() for s in program)})"
        " recorded against the exchange double; the steps are in meta.inputs.steps")[:2000],
        inputs={"steps": [step.to_json() for step in program], "seed": plan.seed,
                "profile": plan.profile.name, "config": dict(REPLAY_CONFIG)},
        expect={"exchange_orders": outcomes})
    interactions = list(cassette.interactions)
    last_get: dict[tuple[str, str], int] = {}
    for index, item in enumerate(interactions):
        if item.request.method == "GET" and item.fault is None:
            last_get[(item.request.method, item.request.uri.split("?")[0])] = index
    for index in last_get.values():
        interactions[index] = replace(interactions[index], repeat=True)
    connections = [WsConnection(conn.url, tuple(
        replace(frame, match=FrameMatch(frozenset(_scrubbed_keys(frame.value))))
        if frame.dir is Direction.CLIENT and frame.kind is FrameKind.JSON
        and _scrubbed_keys(frame.value) else frame for frame in conn.frames))
        for conn in cassette.ws]
    return Cassette(meta, tuple(interactions), tuple(connections), target)


def _scrubbed_keys(value: Any) -> set[str]:
    """Keys whose value is scrubbed, or is a list holding a scrubbed item (Bybit's
    `{"op": "auth", "args": [key, expires, signature]}`)."""
    if isinstance(value, dict):
        keys = {str(k) for k, v in value.items()
                if v == SCRUBBED or (isinstance(v, list) and SCRUBBED in v)}
        for item in value.values():
            keys |= _scrubbed_keys(item)
        return keys
    if isinstance(value, list):
        return set().union(*(_scrubbed_keys(item) for item in value)) if value else set()
    return set()


# -- replay --------------------------------------------------------------------------------

async def replay_steps(subject: Any) -> list[str]:
    """Make the cassette's public-API calls (and its pings) on a started subject; return
    the broken invariants among 1-3 and 6, and the orders that ended unlike the exchange
    recorded them."""
    steps = [Step.from_json(item) for item in subject.inputs.get("steps", [])]
    if not steps:
        where = subject.cassette.path if subject.cassette is not None else "the cassette"
        return [f"{where}: meta.inputs.steps is missing or empty; a regression cassette "
                "carries the steps it replays"]
    connector = subject.connector
    ledger = EventLedger()
    refs: dict[int, str] = {}
    for step in steps:
        await _replay_step(connector, ledger, refs, step)
    # A frame the connector never asks for (it is fixed, say) is not a failure here.
    with contextlib.suppress(AssertionError):
        await subject.wait_until(lambda: not subject.server.ws.unused(), REPLAY_DEADLINE,
                                 "every recorded WebSocket frame to be played")
    await connector.check_network()  # one more round trip: the last frames are processed
    for event in subject.events:
        ledger(event)
    return [*event_problems(ledger),
            *ended_differently(connector, ledger, recorded_outcomes(subject, refs))]


def recorded_outcomes(subject: Any, refs: dict[int, str]) -> dict[str, OrderOutcome | None]:
    """meta.expect.exchange_orders (where the exchange had each order when the recorded run
    ended) by the replay's client order ids; an order the cassette does not name is left
    out (a cassette exported before outcomes were recorded names none)."""
    where = subject.cassette.path if subject.cassette is not None else "the cassette"
    recorded = subject.expect.get("exchange_orders") or {}
    if not isinstance(recorded, Mapping):
        raise ValueError(f"{where}: meta.expect.exchange_orders must map order references "
                         f"(o1, o2, ...) to outcomes; got {type(recorded).__name__}")
    outcomes: dict[str, OrderOutcome | None] = {}
    for index, client_id in refs.items():
        ref = f"o{index}"
        if ref not in recorded:
            continue
        entry = recorded[ref]
        try:
            outcomes[client_id] = None if entry is None else OrderOutcome(
                OrderStatus(entry["status"]), Decimal(str(entry["executed"])))
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"{where}: meta.expect.exchange_orders.{ref} must be null or "
                             "{status: NEW|PARTIALLY_FILLED|FILLED|CANCELED|EXPIRED|..., "
                             f"executed: <decimal>}}; got {entry!r} ({exc})") from None
    return outcomes


PERPETUAL_STEPS = (StepKind.CLOSE, StepKind.LEVERAGE, StepKind.MODE)


async def _replay_step(connector: Any, ledger: EventLedger, refs: dict[int, str],
                       step: Step) -> None:
    resolved = step.resolved
    if step.kind is StepKind.PLACE:
        pair = TradingPair.parse(resolved["pair_name"])
        price = Decimal(resolved["price"]) if resolved.get("price") else None
        client_id = await connector.place_order(pair, TradeSide(step.args["side"]),
                                                OrderType(step.args["type"]),
                                                Decimal(resolved["amount"]), price)
        refs[len(refs) + 1] = client_id
        tracked = connector.get_order(client_id)
        ledger.placed(Placement(f"o{len(refs)}", client_id, pair, TradeSide(step.args["side"]),
                                OrderType(step.args["type"]),
                                tracked.amount if tracked else Decimal(resolved["amount"]),
                                price))
    elif step.kind in PERPETUAL_STEPS:
        from harness.scenarios.perpetual import replay_perpetual_step

        await replay_perpetual_step(connector, ledger, refs, step)
    elif step.kind is StepKind.CANCEL:
        ref = step.args["order"]
        await connector.cancel(refs[ref.index if isinstance(ref, OrderRef) else int(ref)])
    elif step.kind is StepKind.CANCEL_UNKNOWN:
        from harness.scenarios.driver import UNKNOWN_ORDER_ID

        await connector.cancel(UNKNOWN_ORDER_ID)
    elif step.kind is StepKind.CANCEL_ALL:
        await connector.cancel_all(REPLAY_DEADLINE)
    else:
        await connector.check_network()
    await asyncio.sleep(0)
