"""Bybit v5's linear-perpetual exchange double: the spot double's wire format (signing, recv
window, streams, order flow; connectors/bybit/double) with category=linear over the harness'
perpetual exchange (harness/double/perpetual.py): positions, leverage, position mode,
reduce-only, mark price and funding.

Use: ``DoubleServer(default_exchange(clock), BybitLinearDouble(), faults)``.

Modules: markets (the default exchange), render (Bybit's linear JSON shapes), rest (the
linear answers and the position endpoints), wire (the `WireFormat`).
"""

from connectors.bybit_perpetual.double.markets import default_exchange, seed
from connectors.bybit_perpetual.double.wire import BybitLinearDouble

__all__ = ["BybitLinearDouble", "default_exchange", "seed"]
