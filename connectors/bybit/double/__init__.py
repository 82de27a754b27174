"""Bybit v5's exchange double: its wire format over the harness' in-memory exchange.

Use: ``DoubleServer(default_exchange(clock), BybitDouble(), faults)``, then point the
connector at ``connector_urls(server)``.

Modules: markets (the default exchange), validate (signed headers, recv window, JSON
bodies, precision), render (Bybit's JSON shapes), rest (answers), stream (public and
private streams), wire (the `WireFormat`).
"""

from connectors.bybit.double.markets import connector_urls, default_exchange, seed
from connectors.bybit.double.wire import BybitDouble

__all__ = ["BybitDouble", "connector_urls", "default_exchange", "seed"]
