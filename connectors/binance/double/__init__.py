"""Binance spot's exchange double: its wire format over the harness' in-memory exchange.

Use: ``DoubleServer(BinanceDouble.default_exchange(clock), BinanceDouble(), faults)``, then
point the connector at ``server.http_base_for(...)`` / ``server.ws_base_for(...)``.

Modules: endpoints (parameter specs), validate (auth, parameters, timestamp), rest (answers),
render (Binance's JSON shapes), stream (market streams and the WebSocket API), markets (the
default exchange), loopback (connector URLs for a server), errors (Binance's error answers),
wire (the `WireFormat`).
"""

from connectors.binance.double.loopback import connector_urls
from connectors.binance.double.markets import default_exchange, seed
from connectors.binance.double.wire import BinanceDouble

__all__ = ["BinanceDouble", "connector_urls", "default_exchange", "seed"]
