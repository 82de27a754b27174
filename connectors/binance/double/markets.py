"""The default Binance exchange for the harness: the manifest's pairs with realistic filters,
one halted symbol, liquidity on both sides and a funded account."""

from __future__ import annotations

from decimal import Decimal

from harness.double import Exchange, MarketSpec, MarketStatus
from harness.double.clock import ClockLike, ms_clock
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair

D = Decimal
BTC_USDT = TradingPair("BTC", "USDT")
ETH_USDT = TradingPair("ETH", "USDT")
BNB_USDT = TradingPair("BNB", "USDT")
FEE = D("0.001")  # Binance's standard spot rate: 0.1% maker and taker


def _spec(pair: TradingPair, status: MarketStatus = MarketStatus.TRADING) -> MarketSpec:
    return MarketSpec(pair, pair.base + pair.quote, tick_size=D("0.01"),
                      step_size=D("0.00001"), min_qty=D("0.00001"), max_qty=D("9000"),
                      min_notional=D("5"), min_price=D("0.01"), max_price=D("1000000"),
                      maker_fee=FEE, taker_fee=FEE, status=status)


MARKETS = (_spec(BTC_USDT), _spec(ETH_USDT), _spec(BNB_USDT, MarketStatus.HALTED))
BALANCES = {"BTC": D("10"), "ETH": D("100"), "USDT": D("1000000")}
# (last trade price, bids, asks) of other participants; levels are (price, qty).
LIQUIDITY: dict[TradingPair, tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = {
    BTC_USDT: ("30000.00",
               [("29999.00", "0.5"), ("29998.00", "1"), ("29995.00", "2"), ("29990.00", "5")],
               [("30001.00", "0.5"), ("30002.00", "1"), ("30005.00", "2"), ("30010.00", "5")]),
    ETH_USDT: ("2000.00",
               [("1999.90", "5"), ("1999.50", "10"), ("1999.00", "20")],
               [("2000.10", "5"), ("2000.50", "10"), ("2001.00", "20")]),
}


def default_exchange(clock: ClockLike = None) -> Exchange:
    """BTCUSDT and ETHUSDT trading (tick 0.01, step 0.00001, min qty 0.00001, max qty 9000,
    min notional 5, fees 0.1%), BNBUSDT halted, liquidity around 30000 and 2000, and an
    account with 10 BTC, 100 ETH and 1,000,000 USDT.

    >>> ex = default_exchange(lambda: 1_700_000_000_000)
    >>> ex.last_price(BTC_USDT), ex.balance("USDT").free
    (Decimal('30000.00'), Decimal('1000000'))
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
        # Two other participants trade once, so the market has a last price.
        exchange.seed_liquidity(pair, TradeSide.SELL, D(last), D("0.001"))
        exchange.seed_liquidity(pair, TradeSide.BUY, D(last), D("0.001"))
        for side, levels in ((TradeSide.BUY, bids), (TradeSide.SELL, asks)):
            for price, qty in levels:
                exchange.seed_liquidity(pair, side, D(price), D(qty))
