"""Jupiter (Gateway router): Gateway's routes, through the shared client in harness.gateway.client.

What is this DEX's own is its name, its trading type and its chain."""

from __future__ import annotations

from harness.gateway.client.connector import GatewayClient
from harness.standard.gateway.model import Chain, TradingType


class JupiterRouterConnector(GatewayClient):
    dex = "jupiter"
    trading_type = TradingType.ROUTER
    chain = Chain.SOLANA
