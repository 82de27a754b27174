"""The reusable base a connector is written on: it writes only the exchange-specific parts.

Order tracking and state transitions (one event per transition), status polling, the user
stream loop, the order book tracker (snapshot + diff + resync), throttling by declared rate
limits, server-time sync and REST retries all live here, once; for perpetual markets also
positions, leverage, position mode and funding (perpetual.py on perpetual_hooks.py).
"""

from harness.base.exchange import ExchangeBase
from harness.base.hooks import ExchangeHooks, MarketInfo
from harness.base.perpetual import PerpetualExchangeBase
from harness.base.perpetual_hooks import PerpetualHooks
from harness.base.rest import RestRequest
from harness.base.throttler import RateLimit

__all__ = ["ExchangeBase", "ExchangeHooks", "MarketInfo", "PerpetualExchangeBase",
           "PerpetualHooks", "RateLimit", "RestRequest"]
