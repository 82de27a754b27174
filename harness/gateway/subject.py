"""A gateway connector under test: its client pointed at a replay of a cassette of Gateway
traffic, or at the Gateway double. The `gateway_subject` fixture gives checks a plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from harness.cassette.record_mode import RecordMode, resolve_record_mode
from harness.cassette.recorder import RecordingProxy
from harness.gateway.checks.probe import Target
from harness.gateway.checks.runner import GatewayResult, run_checks
from harness.gateway.double.server import GatewayServer
from harness.manifest import Manifest
from harness.registry import load_connector_class
from harness.standard.config import ConnectorConfig
from harness.standard.gateway.api import GatewayConnector
from harness.standard.gateway.model import DexConnector, TradingType

GATEWAY_ROLE = "rest"


@dataclass
class GatewayLive:
    """What a check drives: the started client, and the server it talks to."""

    connector: GatewayConnector
    server: Any

    async def settle(self, polls: int = 20) -> None:
        """Poll until every order is FILLED or FAILED (each poll mines a block)."""
        for _ in range(polls):
            if all(order.done for order in self.connector.orders.values()):
                return
            await self.connector.update_orders()
        open_orders = [o.client_id for o in self.connector.orders.values() if not o.done]
        raise AssertionError(f"orders {open_orders} still open after {polls} polls")


@dataclass(frozen=True)
class GatewayPlan:
    manifest: Manifest
    record_mode: str | None = None

    @property
    def trading_type(self) -> TradingType:
        cls: Any = load_connector_class(self.manifest)
        trading_type: TradingType = cls.trading_type
        return trading_type

    @property
    def gateway_url(self) -> str:
        return str(self.manifest.urls["production"][GATEWAY_ROLE])

    def _client(self, url: str, **options: Any) -> GatewayConnector:
        config = ConnectorConfig(trading_pairs=self.manifest.pairs, urls={GATEWAY_ROLE: url},
                                 request_timeout=10.0, options=options)
        connector: GatewayConnector = load_connector_class(self.manifest)(config)
        return connector

    @asynccontextmanager
    async def _started(self, server: Any, url: str, **options: Any
                       ) -> AsyncIterator[GatewayLive]:
        client = self._client(url, **options)
        await client.start()
        try:
            yield GatewayLive(client, server)
        finally:
            await client.stop()

    @asynccontextmanager
    async def replay(self, scenario: str, **options: Any) -> AsyncIterator[GatewayLive]:
        """The client against a replay of cassettes/<exchange>/<scenario>.yaml; under
        --record-mode all, against the double through a recorder that rewrites it."""
        from harness.cassette.recorder import open_cassette
        from harness.subject import cassette_path

        path = cassette_path(self.manifest, scenario)
        if resolve_record_mode(self.record_mode) is RecordMode.ALL:
            async with GatewayServer() as double:
                proxy = RecordingProxy({self.gateway_url: double.url}, path=path,
                                       connector=self.manifest.name, scenario=scenario,
                                       description=f"Gateway traffic of {scenario}, recorded "
                                       "from the Gateway double")
                async with proxy, self._started(
                        proxy, proxy.http_base_for(self.gateway_url), **options) as live:
                    yield live
            return
        # Transaction signatures are scrubbed on record (cassette lint treats every
        # `signature` as a secret), so they are volatile (the default) when matching.
        session = open_cassette(path, "none", connector=self.manifest.name, scenario=scenario)
        async with session, self._started(
                session, session.http_base_for(self.gateway_url), **options) as live:
            yield live

    async def server_checks(self) -> list[GatewayResult]:
        """Every GW check of this connector's dex/type against a fresh Gateway double."""
        cls: Any = load_connector_class(self.manifest)
        connector = DexConnector(cls.dex, cls.trading_type)
        async with GatewayServer() as server:
            return await run_checks(Target(server.url, connector, poll_interval=0.0,
                                           poll_timeout=5.0))

    def lifecycle(self, max_examples: int | None = None) -> None:
        """PROP-GW: the lifecycle machine (harness.gateway.lifecycle) over this connector and
        the Gateway double; AssertionError with the minimal steps on a violation."""
        from harness.gateway.lifecycle import (
            DEFAULT_EXAMPLES,
            client_factory_for,
            run_gateway_lifecycle,
        )
        from harness.results import ScenarioResult
        from harness.scenarios.record import record

        examples = max_examples or DEFAULT_EXAMPLES
        factory = client_factory_for(load_connector_class(self.manifest), self.manifest.pairs)
        try:
            run_gateway_lifecycle(factory, max_examples=examples)
        except AssertionError as exc:
            steps = tuple(str(note) for note in getattr(exc, "__notes__", ()))
            record(ScenarioResult(self.manifest.name, False, examples, "derandomized",
                                  str(exc).splitlines()[0] if str(exc) else "", steps))
            raise
        # The reports show it as the connector's property scenarios (the status reads them).
        record(ScenarioResult(self.manifest.name, True, examples, "derandomized"))
