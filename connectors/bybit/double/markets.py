"""The default Bybit exchange for the harness: the manifest's spot pairs with Bybit's
filters (tick size, base precision, minimum order value; no price bounds), liquidity on both
sides and a funded unified account."""

from __future__ import annotations

from decimal import Decimal

from connectors.bybit.constants import DEFAULT_URLS
from harness.double import DoubleServer, Exchange, MarketSpec
from harness.double.clock import ClockLike
from harness.double.seeding import (
    BTC_USDT,
    ETH_USDT,
    USUAL_LIQUIDITY,
    new_exchange,
    seed_account_and_books,
)
from harness.standard.pair import TradingPair

D = Decimal
FEE = D("0.001")  # Bybit's base spot rate: 0.1% maker and taker


def _spec(pair: TradingPair, step: str, min_amount: str) -> MarketSpec:
    return MarketSpec(pair, pair.base + pair.quote, tick_size=D("0.01"), step_size=D(step),
                      min_qty=D(step), max_qty=D("9000"), min_notional=D(min_amount),
                      maker_fee=FEE, taker_fee=FEE)


MARKETS = (_spec(BTC_USDT, "0.00001", "5"), _spec(ETH_USDT, "0.0001", "10"))
BALANCES = {"BTC": D("10"), "ETH": D("100"), "USDT": D("1000000")}
LIQUIDITY = USUAL_LIQUIDITY  # (last trade price, bids, asks) of other participants


def default_exchange(clock: ClockLike = None) -> Exchange:
    """BTCUSDT and ETHUSDT trading, liquidity around 30000 and 2000, and an account with
    10 BTC, 100 ETH and 1,000,000 USDT.

    >>> default_exchange(lambda: 1_700_000_000_000).last_price(BTC_USDT)
    Decimal('30000.00')
    """
    exchange = new_exchange(clock, MARKETS)
    seed(exchange)
    return exchange


def seed(exchange: Exchange) -> None:
    """Fund the account and seed liquidity again (after `Exchange.reset` or a server reset)."""
    seed_account_and_books(exchange, BALANCES, LIQUIDITY)


def connector_urls(server: DoubleServer) -> dict[str, str]:
    """`ConnectorConfig.urls` for every Bybit role, rerouted to `server`."""
    return {role: server.http_base_for(url) if role == "rest" else server.ws_base_for(url)
            for role, url in DEFAULT_URLS.items()}
