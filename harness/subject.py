"""A live connector under test: built from its manifest, pointed at loopback, observed.

A check receives a `Subject`: the connector (not yet started), the replay of its scenario's
cassette, every event the connector emitted and every log line it wrote. Waiting is always
on events with a deadline, never on sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from harness.checks import CheckSpec
from harness.manifest import Manifest
from harness.options import CheckOptions
from harness.registry import load_connector_class, load_object
from harness.standard.api import SpotConnector
from harness.standard.clock import ScaledClock
from harness.standard.config import ConnectorConfig
from harness.standard.events import Event
from harness.standard.pair import TradingPair

# Credentials the harness signs with. Not secrets: cassettes and doubles verify signatures
# made with them, and a real exchange would reject them.
TEST_API_KEY = "harness-test-api-key-0000000000000000000000000000000000000000000000"
TEST_API_SECRET = "harness-test-api-secret-000000000000000000000000000000000000000000"
SESSION_TAG = "t"

E = TypeVar("E", bound=Event)


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Subject:
    manifest: Manifest
    connector: SpotConnector
    clock: ScaledClock
    server: Any
    cassette: Any = None
    exchange: Any = None  # the exchange's conformance data (ExchangeProfile), if declared
    events: list[Event] = field(default_factory=list)
    _logs: _LogCapture = field(default_factory=_LogCapture)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def pairs(self) -> tuple[TradingPair, ...]:
        return self.manifest.pairs

    @property
    def pair(self) -> TradingPair:
        return self.manifest.pairs[0]

    @property
    def inputs(self) -> Mapping[str, Any]:
        """Scenario parameters the cassette declares (meta.inputs)."""
        return dict(getattr(self.cassette.meta, "inputs", {}) or {}) if self.cassette else {}

    @property
    def expect(self) -> Mapping[str, Any]:
        """Exchange data the cassette says the connector must surface (meta.expect)."""
        return dict(getattr(self.cassette.meta, "expect", {}) or {}) if self.cassette else {}

    @property
    def log_text(self) -> str:
        return "\n".join(record.getMessage() for record in self._logs.records)

    @property
    def log_records(self) -> list[logging.LogRecord]:
        return list(self._logs.records)

    def _on_event(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    def poke(self) -> None:
        """Wake `wait_until` waiters (e.g. after a server-side change a check caused)."""
        self._changed.set()

    def events_of(self, kind: type[E], client_order_id: str | None = None) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)
                and (client_order_id is None
                     or getattr(event, "client_order_id", None) == client_order_id)]

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0,
                         what: str = "the condition") -> Any:
        """Wait until `condition()` is truthy, re-evaluating on every event and every
        `poll` tick; raise AssertionError naming `what` on the deadline."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    result = condition()
                    if result:
                        return result
                    self._changed.clear()
                    try:
                        async with asyncio.timeout(0.02):
                            await self._changed.wait()
                    except TimeoutError:
                        pass
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None

    async def wait_for_event(self, kind: type[E], client_order_id: str | None = None,
                             timeout: float = 5.0) -> E:
        found = await self.wait_until(lambda: self.events_of(kind, client_order_id), timeout,
                                      f"{kind.__name__}" + (f" for {client_order_id}"
                                                           if client_order_id else ""))
        event: E = found[0]
        return event

    async def start(self, timeout: float = 5.0) -> None:
        """Start the connector and wait until it reports ready."""
        await self.connector.start()
        try:
            async with asyncio.timeout(timeout):
                await self.connector.wait_ready()
        except TimeoutError:
            raise AssertionError(f"connector not ready after {timeout} s; "
                                 f"status: {dict(self.connector.status)}") from None


def build_config(manifest: Manifest, urls: Mapping[str, str], check_options: CheckOptions,
                 clock: ScaledClock, **overrides: Any) -> ConnectorConfig:
    """The connector's config for a check; `overrides` are ConnectorConfig fields (a check's
    own `options` included)."""
    values: dict[str, Any] = dict(
        trading_pairs=manifest.pairs, api_key=TEST_API_KEY, api_secret=TEST_API_SECRET,
        urls=dict(urls), clock=clock, poll_interval=check_options.poll_interval,
        request_timeout=check_options.request_timeout,
        reconnect_delay=check_options.reconnect_delay, session_tag=SESSION_TAG,
        options=adapter_options(manifest))
    values.update(overrides)
    return ConnectorConfig(**values)


def adapter_options(manifest: Manifest) -> dict[str, Any]:
    """What an adapter connector gets as ConnectorConfig.options: the manifest's [adapter]
    table plus its production base URLs (the adapter re-points the library's URLs by them)."""
    if not manifest.adapter:
        return {}
    return {**manifest.adapter, "production_urls": dict(manifest.urls.get("production", {}))}


def loopback_urls(manifest: Manifest, server: Any) -> dict[str, str]:
    """Map each of the manifest's production base URLs to the loopback server."""
    urls: dict[str, str] = {}
    for role, original in manifest.urls.get("production", {}).items():
        if original.startswith(("ws://", "wss://")):
            urls[role] = server.ws_base_for(original)
        else:
            urls[role] = server.http_base_for(original)
    return urls


def cassette_path(manifest: Manifest, scenario: str) -> Path:
    root = manifest.cassette_options.get("root")
    if root:
        return (manifest.folder / str(root) / f"{scenario}.yaml").resolve()
    return (manifest.folder.parent.parent / "cassettes" / manifest.exchange_name
            / f"{scenario}.yaml")


@functools.lru_cache(maxsize=16)
def _profile_at(path: Path, mtime: float) -> Any:
    from harness.cassette.exchange import load_exchange_profile

    return load_exchange_profile(path)


def exchange_profile(manifest: Manifest) -> Any:
    """The exchange's conformance data, cassettes/<exchange>/exchange.yaml (an
    ExchangeProfile), or None when the exchange declares none (then replay is strict)."""
    from harness.cassette.exchange import PROFILE_FILE

    path = cassette_path(manifest, "x").parent / PROFILE_FILE
    if not path.is_file():
        return None
    return _profile_at(path, path.stat().st_mtime)


def request_verifier(manifest: Manifest, key: str = "verifier"
                     ) -> Callable[[Any], str | None] | None:
    """The manifest's signature verifier (`[cassettes] verifier`, or `ws_verifier` for
    WebSocket API requests), bound to the harness' test secret. The replay server applies
    it only to requests the cassette recorded as signed."""
    target = manifest.cassette_options.get(key)
    if not target:
        return None
    verify = load_object(str(target), manifest, f"cassettes.{key}")

    def verifier(request: Any) -> str | None:
        result: str | None = verify(request, TEST_API_SECRET)
        return result

    return verifier


@dataclass(frozen=True)
class SubjectPlan:
    """What the `subject` fixture gives a check: how to bring its connector up, in its loop."""

    manifest: Manifest
    spec: CheckSpec | None
    options: CheckOptions

    def has_scenario(self, scenario: str) -> bool:
        """Whether this connector's exchange has a cassette for `scenario` (a behaviour some
        exchanges have and others lack, such as Binance's HTTP 418 ban)."""
        return cassette_path(self.manifest, scenario).exists()

    def scenarios(self) -> Any:
        """The property-based lifecycle scenarios of this connector
        (a harness.scenarios.api.Scenarios: run(), regressions(), replay())."""
        from harness.scenarios.api import Scenarios

        folder = self.options.regressions_dir
        return Scenarios(self.manifest, regressions_root=Path(folder) / self.manifest.name
                         if folder else None)

    @asynccontextmanager
    async def replay(self, scenario: str | None = None, **config_overrides: Any
                     ) -> AsyncIterator[Subject]:
        """The connector pointed at a replay of `scenario` (default: the check's).

        Under a record mode other than `none` (never in CI), the cassette is recorded from
        the manifest's upstream with the real credentials from the environment instead.
        """
        from harness.cassette.record_mode import Action, plan, resolve_record_mode
        from harness.cassette.recorder import (
            open_cassette,
            scrubber_for,
            secret_env_names,
            upstream_map,
        )

        name = scenario or (self.spec.scenario if self.spec else None)
        if not name:
            raise ValueError("this check names no scenario; pass one to subject.replay()")
        path = cassette_path(self.manifest, name)
        mode = resolve_record_mode(self.options.record_mode)
        upstream = self.options.record_upstream
        volatile = self.manifest.cassette_options.get("volatile")
        # A connector's own regression cassettes are tests of that connector: always strict.
        conformance = (self.options.replay_mode == "conformance"
                       and not name.startswith("regressions/"))
        profile = exchange_profile(self.manifest) if conformance else None
        server = open_cassette(
            path, mode, connector=self.manifest.name, scenario=name,
            upstreams=upstream_map(self.manifest.urls, upstream),
            scrubber=scrubber_for(self.manifest.secrets, self.manifest.cassette_options,
                                  upstream),
            strict=self.options.strict,
            volatile_keys=frozenset(volatile) if volatile else None,
            request_verifier=request_verifier(self.manifest),
            ws_verifier=request_verifier(self.manifest, "ws_verifier"), exchange=profile)
        if plan(mode, path) is Action.RECORD:
            env_names = secret_env_names(self.manifest.secrets, upstream)
            credentials = [os.environ.get(env_name, "") for env_name in env_names[:2]]
            config_overrides = {"api_key": credentials[0] if credentials else "",
                                "api_secret": credentials[1] if len(credentials) > 1 else "",
                                **config_overrides}
        cassette = getattr(server, "cassette", None)
        async with server:
            async with self._connector(server, cassette, config_overrides) as subject:
                subject.exchange = profile
                yield subject
            check = getattr(server, "check", None)
            if check is not None:
                check()

    @asynccontextmanager
    async def _connector(self, server: Any, cassette: Any, overrides: Mapping[str, Any]
                         ) -> AsyncIterator[Subject]:
        # `clock_speed` is the one override that is not a ConnectorConfig field; a `clock`
        # override replaces the connector's clock only (subject.clock stays the ScaledClock).
        clock = ScaledClock(float(overrides.get("clock_speed", self.options.clock_speed)),
                            monotonic=asyncio.get_running_loop().time)
        fields = {k: v for k, v in overrides.items() if k != "clock_speed"}
        connector_clock = fields.pop("clock", clock)
        replay = getattr(server, "http", None)
        if replay is not None:  # requests are stamped on the clock the connector sends by
            replay.clock = connector_clock.time
        config = build_config(self.manifest, loopback_urls(self.manifest, server), self.options,
                              connector_clock, **fields)
        connector = load_connector_class(self.manifest)(config)
        subject = Subject(self.manifest, connector, clock, server, cassette)
        unsubscribe = connector.subscribe(subject._on_event)
        root = logging.getLogger()
        root.addHandler(subject._logs)
        previous_level = root.level
        root.setLevel(logging.DEBUG)
        try:
            yield subject
        finally:
            unsubscribe()
            root.removeHandler(subject._logs)
            root.setLevel(previous_level)
            try:
                async with asyncio.timeout(2.0):
                    await connector.stop()
            except TimeoutError:
                logging.getLogger(__name__).error("%s did not stop within 2 s", self.manifest.name)
