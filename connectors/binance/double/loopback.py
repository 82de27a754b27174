"""Pointing the Binance connector at a running double server."""

from __future__ import annotations

from connectors.binance.constants import DEFAULT_URLS
from harness.double import DoubleServer


def connector_urls(server: DoubleServer) -> dict[str, str]:
    """`ConnectorConfig.urls` for every Binance role (rest, ws_public, ws_private), rerouted
    to `server` with the original path prefixes kept."""
    return {role: server.http_base_for(url) if role == "rest" else server.ws_base_for(url)
            for role, url in DEFAULT_URLS.items()}
