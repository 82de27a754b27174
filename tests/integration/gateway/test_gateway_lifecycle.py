"""PROP-GW bites: the Gateway lifecycle machine finds a broken client or a broken double,
naming the invariant each breaks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from harness.gateway.client.connector import GatewayClient
from harness.gateway.double.amm import ConstantProductPool
from harness.gateway.double.server import GatewayServer
from harness.gateway.lifecycle import client_factory_for, run_gateway_lifecycle
from harness.manifest import load_manifest
from harness.registry import load_connector_class
from harness.standard.enums import OrderState
from harness.standard.gateway.api import GatewayOrder

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = load_manifest(ROOT / "connectors" / "uniswap_amm" / "connector.toml")
UNISWAP_AMM: Any = load_connector_class(MANIFEST)


class FillsOnSubmit(UNISWAP_AMM):  # type: ignore[misc]
    """Reports a swap FILLED as soon as Gateway answers with a signature."""

    async def _submit(self, order: GatewayOrder, route: str, **params: Any) -> GatewayOrder:
        order = await super()._submit(order, route, **params)
        if order.state is OrderState.OPEN:
            order.state = OrderState.FILLED
        return order


class AmountsOnFailure(UNISWAP_AMM):  # type: ignore[misc]
    """Reports the amount it asked for on an order whose transaction failed."""

    async def update_orders(self) -> None:
        await super().update_orders()
        for order in self.orders.values():
            if order.state is OrderState.FAILED and order.signature:
                order.amount_in = order.amount


class SignFlipped(UNISWAP_AMM):  # type: ignore[misc]
    """Reads the quote token's balance change with the wrong sign."""

    def _confirm(self, order: GatewayOrder, data: dict[str, Any],
                 changes: dict[str, Decimal]) -> None:
        super()._confirm(order, data, changes)
        if self.quote_token in order.balance_changes:
            order.balance_changes[self.quote_token] *= -1


class OverpayingRemovals(GatewayServer):
    """A double whose AMM remove-liquidity pays out twice what the position held."""

    def __init__(self) -> None:
        super().__init__()
        for venue in self.double.venues.values():
            for pool in venue.pools.values():
                if isinstance(pool, ConstantProductPool):
                    original = pool.remove

                    def remove(wallet: str, percentage: Decimal,
                               original: Any = original) -> tuple[Decimal, Decimal]:
                        base, quote = original(wallet, percentage)
                        return base * 2, quote * 2

                    pool.remove = remove  # type: ignore[method-assign]


def test_the_reference_client_keeps_every_invariant() -> None:
    run_gateway_lifecycle(client_factory_for(UNISWAP_AMM, MANIFEST.pairs), max_examples=10)


@pytest.mark.parametrize(("client", "server", "violation"), [
    # 4. a pending transaction is never reported filled
    (FillsOnSubmit, GatewayServer, "is FILLED but its transaction"),
    # 2. a failed transaction changes nothing
    (AmountsOnFailure, GatewayServer, "failed order"),
    # 1. balances are conserved
    (SignFlipped, GatewayServer, "(gas aside)"),
    # 3. liquidity removed never exceeds what was added plus fees
    (GatewayClient, OverpayingRemovals, "removed and collected"),
], ids=["fills-on-submit", "amounts-on-failure", "sign-flipped", "overpaying-removals"])
def test_the_machine_finds_each_broken_subject(client: Any, server: Any,
                                               violation: str) -> None:
    cls = client if client is not GatewayClient else UNISWAP_AMM
    with pytest.raises(AssertionError) as found:
        run_gateway_lifecycle(client_factory_for(cls, MANIFEST.pairs), server,
                              max_examples=150, shrink=False)
    assert violation in str(found.value), str(found.value)[:500]
