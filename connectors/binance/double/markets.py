"""The default Binance exchange for the harness: the manifest's pairs with realistic filters,
one halted symbol, liquidity on both sides and a funded account."""

from __future__ import annotations

from decimal import Decimal

from harness.double import Exchange, MarketSpec, MarketStatus
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
BNB_USDT = TradingPair("BNB", "USDT")
FEE = D("0.001")  # Binance's standard spot rate: 0.1% maker and taker


def _spec(pair: TradingPair, status: MarketStatus = MarketStatus.TRADING) -> MarketSpec:
    return MarketSpec(pair, pair.base + pair.quote, tick_size=D("0.01"),
                      step_size=D("0.00001"), min_qty=D("0.00001"), max_qty=D("9000"),
                      min_notional=D("5"), min_price=D("0.01"), max_price=D("1000000"),
                      maker_fee=FEE, taker_fee=FEE, status=status)


MARKETS = (_spec(BTC_USDT), _spec(ETH_USDT), _spec(BNB_USDT, MarketStatus.HALTED))
# Binance moved its notional filter from MIN_NOTIONAL to NOTIONAL symbol by symbol, and its
# exchangeInfo listed both forms at once: the double serves ETHUSDT in the older form (as
# cassettes/binance's ETHUSDT), so every run meets both, and a connector must enforce each.
OLDER_NOTIONAL_FORM = frozenset({"ETHUSDT"})


def notional_filter(symbol: str) -> str:
    """The name of the notional filter `symbol` is listed with (and refused under)."""
    return "MIN_NOTIONAL" if symbol in OLDER_NOTIONAL_FORM else "NOTIONAL"
BALANCES = {"BTC": D("10"), "ETH": D("100"), "USDT": D("1000000")}
LIQUIDITY = USUAL_LIQUIDITY  # (last trade price, bids, asks) of other participants


def default_exchange(clock: ClockLike = None) -> Exchange:
    """BTCUSDT and ETHUSDT trading (tick 0.01, step 0.00001, min qty 0.00001, max qty 9000,
    min notional 5, fees 0.1%), BNBUSDT halted, liquidity around 30000 and 2000, and an
    account with 10 BTC, 100 ETH and 1,000,000 USDT.

    >>> ex = default_exchange(lambda: 1_700_000_000_000)
    >>> ex.last_price(BTC_USDT), ex.balance("USDT").free
    (Decimal('30000.00'), Decimal('1000000'))
    """
    exchange = new_exchange(clock, MARKETS)
    seed(exchange)
    return exchange


def seed(exchange: Exchange) -> None:
    """Fund the account and seed liquidity again (after `Exchange.reset` or a server reset)."""
    seed_account_and_books(exchange, BALANCES, LIQUIDITY)
