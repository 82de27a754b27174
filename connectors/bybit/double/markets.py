"""The default Bybit exchange for the harness: the manifest's spot pairs with Bybit's
filters (tick size, base precision, minimum order value; no price bounds), liquidity on both
sides and a funded unified account."""

from __future__ import annotations

from decimal import Decimal

from connectors.bybit.constants import DEFAULT_URLS
from harness.double import DoubleServer, Exchange, MarketSpec
from harness.double.clock import ClockLike, ms_clock
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair

D = Decimal
BTC_USDT = TradingPair("BTC", "USDT")
ETH_USDT = TradingPair("ETH", "USDT")
FEE = D("0.001")  # Bybit's base spot rate: 0.1% maker and taker


def _spec(pair: TradingPair, step: str, min_amount: str) -> MarketSpec:
    return MarketSpec(pair, pair.base + pair.quote, tick_size=D("0.01"), step_size=D(step),
                      min_qty=D(step), max_qty=D("9000"), min_notional=D(min_amount),
                      maker_fee=FEE, taker_fee=FEE)


MARKETS = (_spec(BTC_USDT, "0.00001", "5"), _spec(ETH_USDT, "0.0001", "10"))
BALANCES = {"BTC": D("10"), "ETH": D("100"), "USDT": D("1000000")}
LIQUIDITY: dict[TradingPair, tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = {
    BTC_USDT: ("30000.00",
               [("29999.00", "0.5"), ("29998.00", "1"), ("29995.00", "2"), ("29990.00", "5")],
               [("30001.00", "0.5"), ("30002.00", "1"), ("30005.00", "2"), ("30010.00", "5")]),
    ETH_USDT: ("2000.00",
               [("1999.90", "5"), ("1999.50", "10"), ("1999.00", "20")],
               [("2000.10", "5"), ("2000.50", "10"), ("2001.00", "20")]),
}


def default_exchange(clock: ClockLike = None) -> Exchange:
    """BTCUSDT and ETHUSDT trading, liquidity around 30000 and 2000, and an account with
    10 BTC, 100 ETH and 1,000,000 USDT.

    >>> default_exchange(lambda: 1_700_000_000_000).last_price(BTC_USDT)
    Decimal('30000.00')
    """
    millis = ms_clock(clock)
    exchange = Exchange(millis) if millis is not None else Exchange()
    for spec in MARKETS:
        exchange.add_market(spec)
    seed(exchange)
    return exchange


def seed(exchange: Exchange) -> None:
    """Fund the account and seed liquidity again (after `Exchange.reset` or a server reset)."""
    for asset, amount in BALANCES.items():
        exchange.set_balance(asset, amount)
    for pair, (last, bids, asks) in LIQUIDITY.items():
        if exchange.market(pair) is None:
            continue
        exchange.seed_liquidity(pair, TradeSide.SELL, D(last), D("0.001"))
        exchange.seed_liquidity(pair, TradeSide.BUY, D(last), D("0.001"))
        for side, levels in ((TradeSide.BUY, bids), (TradeSide.SELL, asks)):
            for price, qty in levels:
                exchange.seed_liquidity(pair, side, D(price), D(qty))


def connector_urls(server: DoubleServer) -> dict[str, str]:
    """`ConnectorConfig.urls` for every Bybit role, rerouted to `server`."""
    return {role: server.http_base_for(url) if role == "rest" else server.ws_base_for(url)
            for role, url in DEFAULT_URLS.items()}
