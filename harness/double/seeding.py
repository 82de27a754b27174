"""A double's starting state: its markets, a funded account and other participants' orders.

Every exchange's double starts the same way (markets listed, balances set, a last price made
by one crossing trade, then resting levels on both sides); only the values differ, and those
stay with the exchange's double (connectors/<name>/double/markets.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from harness.double.clock import ClockLike, ms_clock
from harness.double.exchange import Exchange
from harness.double.market import MarketSpec
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair

D = Decimal
Levels = list[tuple[str, str]]
"""(price, quantity) levels as decimal strings, best first."""
Liquidity = Mapping[TradingPair, tuple[str, Levels, Levels]]
"""Per pair: (last trade price, bids, asks) of other participants."""

CROSSING_LOT = D("0.001")
"""What the two participants who make the last price trade with each other."""

BTC_USDT = TradingPair("BTC", "USDT")
ETH_USDT = TradingPair("ETH", "USDT")
USUAL_LIQUIDITY: Liquidity = {
    BTC_USDT: ("30000.00",
               [("29999.00", "0.5"), ("29998.00", "1"), ("29995.00", "2"), ("29990.00", "5")],
               [("30001.00", "0.5"), ("30002.00", "1"), ("30005.00", "2"), ("30010.00", "5")]),
    ETH_USDT: ("2000.00",
               [("1999.90", "5"), ("1999.50", "10"), ("1999.00", "20")],
               [("2000.10", "5"), ("2000.50", "10"), ("2001.00", "20")]),
}
"""A spot book around 30000 (BTC-USDT) and 2000 (ETH-USDT) on a 0.01 tick, one spread step
wide: what the spot doubles start with, so that checks and scenarios see the same markets."""


def new_exchange(clock: ClockLike, markets: Iterable[MarketSpec]) -> Exchange:
    """An `Exchange` on `clock` (None: the wall clock) listing `markets`.

    >>> from harness.double.market import MarketSpec
    >>> spec = MarketSpec(BTC_USDT, "BTCUSDT", tick_size=D("0.01"), step_size=D("0.001"))
    >>> new_exchange(lambda: 5, [spec]).now()
    5
    """
    millis = ms_clock(clock)
    exchange = Exchange(millis) if millis is not None else Exchange()
    for spec in markets:
        exchange.add_market(spec)
    return exchange


def seed_account_and_books(exchange: Exchange, balances: Mapping[str, Decimal],
                           liquidity: Liquidity, crossing_lot: Decimal = CROSSING_LOT) -> None:
    """Fund the account with `balances` and give every listed pair of `liquidity` its last
    price and resting levels (again, after `Exchange.reset` or a server reset)."""
    for asset, amount in balances.items():
        exchange.set_balance(asset, amount)
    for pair, (last, bids, asks) in liquidity.items():
        if exchange.market(pair) is None:
            continue
        # Two other participants trade once, so the market has a last price.
        exchange.seed_liquidity(pair, TradeSide.SELL, D(last), crossing_lot)
        exchange.seed_liquidity(pair, TradeSide.BUY, D(last), crossing_lot)
        for side, levels in ((TradeSide.BUY, bids), (TradeSide.SELL, asks)):
            for price, qty in levels:
                exchange.seed_liquidity(pair, side, D(price), D(qty))
