"""Gateway manifests: `standard = "gateway"` loads, and its class must be a gateway
connector (one clear line otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.manifest import parse_manifest
from harness.registry import ConnectorLoadError, load_connector_class, load_registry
from harness.standard.enums import Standard
from harness.standard.gateway.api import GatewayConnector


def gateway_manifest(connector: str) -> dict[str, object]:
    return {"name": "dex_test", "standard": "gateway", "connector": connector,
            "pairs": ["WETH-USDC"], "urls": {"production": {"rest": "http://localhost:15888"}}}


def test_the_built_in_gateway_connectors_load_as_gateway_connectors() -> None:
    registry = load_registry(eps=[])
    gateway = {n for n, m in registry.connectors.items() if m.standard is Standard.GATEWAY}
    assert {"uniswap_amm", "uniswap_clmm", "raydium_clmm", "jupiter_router"} <= gateway
    for name in gateway:
        assert issubclass(load_connector_class(registry.get(name)), GatewayConnector)


def test_the_liquidity_capability_is_declared_exactly_by_the_dexes_with_pools() -> None:
    # GW-CLI-5 requires it: a router (jupiter) is out of the check's scope by its manifest.
    from harness.checks import CATALOGUE
    from harness.standard.gateway.model import TradingType
    from suites.gateway import test_client  # noqa: F401  (declares the GW-CLI checks)

    assert CATALOGUE["GW-CLI-5"].requires == ("liquidity",)
    registry = load_registry(eps=[])
    for name, manifest in registry.connectors.items():
        if manifest.standard is Standard.GATEWAY:
            kind = load_connector_class(manifest).trading_type  # type: ignore[attr-defined]
            assert ("liquidity" in manifest.capabilities) is (kind is not TradingType.ROUTER), \
                name


def test_a_gateway_manifest_naming_a_spot_connector_is_refused(tmp_path: Path) -> None:
    manifest = parse_manifest(gateway_manifest(
        "connectors.binance.connector:BinanceSpotConnector"), tmp_path / "connector.toml")
    with pytest.raises(ConnectorLoadError, match=r"not a subclass of .*GatewayConnector"):
        load_connector_class(manifest)


def test_an_unknown_standard_names_all_three(tmp_path: Path) -> None:
    data = {**gateway_manifest("a.b:C"), "standard": "dex"}
    with pytest.raises(ValueError, match="spot, perpetual, gateway"):
        parse_manifest(data, tmp_path / "connector.toml")


def test_a_lifecycle_failure_is_recorded_for_the_reports(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from harness.gateway import lifecycle
    from harness.gateway.subject import GatewayPlan
    from harness.scenarios.record import recorded

    def broken(*args: object, **kwargs: object) -> None:
        error = AssertionError("order gw-1 is FILLED but its transaction 0x1 is PENDING")
        error.add_note("state.swap(...)")
        raise error

    monkeypatch.setattr(lifecycle, "run_gateway_lifecycle", broken)
    plan = GatewayPlan(load_registry(eps=[]).get("uniswap_amm"))
    with pytest.raises(AssertionError, match="is FILLED"):
        plan.lifecycle(max_examples=3)
    result = recorded("uniswap_amm")
    assert result is not None and not result.passed and result.examples == 3
    assert result.minimal_steps == ("state.swap(...)",)
    assert "FILLED" in result.failure and plan.trading_type.value == "amm"
