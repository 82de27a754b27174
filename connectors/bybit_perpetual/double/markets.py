"""The default Bybit linear exchange for the harness: the manifest's USDT perpetuals with
Bybit's linear filters (tick size, quantity step, minimum notional, price bounds), liquidity
on both sides, a unified account holding USDT, leverage 10 and one-way mode."""

from __future__ import annotations

from decimal import Decimal

from connectors.bybit.double.markets import BTC_USDT, ETH_USDT
from harness.double import Exchange, MarketSpec
from harness.double.clock import ClockLike, ms_clock
from harness.double.perpetual import PerpetualExchange
from harness.standard.enums import TradeSide
from harness.standard.pair import TradingPair

D = Decimal
# Bybit's base derivatives rates (fee-rate.mdx): 0.02 % maker, 0.055 % taker.
MAKER_FEE, TAKER_FEE = D("0.0002"), D("0.00055")
MAX_LEVERAGE = 100
FUNDING_RATE = D("0.0001")


def _spec(pair: TradingPair, tick: str, step: str, max_qty: str) -> MarketSpec:
    return MarketSpec(pair, pair.base + pair.quote, tick_size=D(tick), step_size=D(step),
                      min_qty=D(step), max_qty=D(max_qty), min_notional=D("5"),
                      min_price=D(tick), max_price=D("1999999.80"), maker_fee=MAKER_FEE,
                      taker_fee=TAKER_FEE)


MARKETS = (_spec(BTC_USDT, "0.10", "0.001", "1190"), _spec(ETH_USDT, "0.01", "0.01", "7240"))
BALANCES = {"USDT": D("100000")}
LIQUIDITY: dict[TradingPair, tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = {
    BTC_USDT: ("30000.00",
               [("29999.90", "0.5"), ("29999.00", "1"), ("29995.00", "2"), ("29990.00", "5")],
               [("30000.10", "0.5"), ("30001.00", "1"), ("30005.00", "2"), ("30010.00", "5")]),
    ETH_USDT: ("2000.00",
               [("1999.90", "5"), ("1999.50", "10"), ("1999.00", "20")],
               [("2000.10", "5"), ("2000.50", "10"), ("2001.00", "20")]),
}


def default_exchange(clock: ClockLike = None) -> PerpetualExchange:
    """BTCUSDT and ETHUSDT perpetuals around 30000 and 2000, 100,000 USDT.

    >>> default_exchange(lambda: 1_700_000_000_000).mark_price(BTC_USDT)
    Decimal('30000.00')
    """
    millis = ms_clock(clock)
    exchange = PerpetualExchange(millis) if millis is not None else PerpetualExchange()
    exchange.max_leverage = MAX_LEVERAGE
    for spec in MARKETS:
        exchange.add_market(spec)
    seed(exchange)
    return exchange


def seed(exchange: Exchange) -> None:
    """Fund the account, seed liquidity and set the mark price and funding terms again."""
    assert isinstance(exchange, PerpetualExchange), "the linear double trades perpetuals"
    for asset, amount in BALANCES.items():
        exchange.set_balance(asset, amount)
    for pair, (last, bids, asks) in LIQUIDITY.items():
        spec = exchange.market(pair)
        if spec is None:
            continue
        # Two crossing lots make the last price (a public trade), as on the spot double.
        exchange.seed_liquidity(pair, TradeSide.SELL, D(last), spec.step_size)
        exchange.seed_liquidity(pair, TradeSide.BUY, D(last), spec.step_size)
        for side, levels in ((TradeSide.BUY, bids), (TradeSide.SELL, asks)):
            for price, qty in levels:
                exchange.seed_liquidity(pair, side, D(price), D(qty))
        funding = exchange.funding(pair)
        exchange.set_funding(pair, FUNDING_RATE, funding.next_ms)
        exchange.move_mark(pair, D(last))
