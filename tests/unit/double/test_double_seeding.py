"""A double's starting state: markets listed, account funded, a last price and both sides."""

from __future__ import annotations

from decimal import Decimal

from harness.double import MarketSpec, MarketStatus
from harness.double.seeding import (
    BTC_USDT,
    ETH_USDT,
    USUAL_LIQUIDITY,
    new_exchange,
    seed_account_and_books,
)
from harness.standard.enums import TradeSide

D = Decimal


def _spec() -> MarketSpec:
    return MarketSpec(BTC_USDT, "BTCUSDT", tick_size=D("0.01"), step_size=D("0.001"),
                      status=MarketStatus.TRADING)


def test_new_exchange_lists_the_markets_on_the_given_clock() -> None:
    exchange = new_exchange(lambda: 1_700_000_000_000, [_spec()])
    assert exchange.now() == 1_700_000_000_000
    assert exchange.market(BTC_USDT) is not None
    assert exchange.market(ETH_USDT) is None


def test_new_exchange_reads_a_seconds_clock_as_milliseconds() -> None:
    class Seconds:
        def time(self) -> float:
            return 12.5

    assert new_exchange(Seconds(), []).now() == 12_500


def test_seeding_funds_the_account_and_makes_a_last_price_and_both_sides() -> None:
    exchange = new_exchange(lambda: 1, [_spec()])
    seed_account_and_books(exchange, {"USDT": D("1000"), "BTC": D("2")}, USUAL_LIQUIDITY)
    assert exchange.balance("USDT").free == D("1000")
    assert exchange.balance("BTC").free == D("2")
    assert exchange.last_price(BTC_USDT) == D("30000.00")
    book = exchange.book(BTC_USDT)
    assert book.best(TradeSide.BUY) == D("29999.00")
    assert book.best(TradeSide.SELL) == D("30001.00")


def test_seeding_passes_over_pairs_the_exchange_does_not_list() -> None:
    exchange = new_exchange(lambda: 1, [_spec()])
    seed_account_and_books(exchange, {}, USUAL_LIQUIDITY)
    assert exchange.market(ETH_USDT) is None
    assert exchange.last_price(BTC_USDT) == D("30000.00")
