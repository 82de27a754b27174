"""The market-stream probe puts another participant's bid where it must show as a new level:
never at or above an ask, where it would trade (with our own resting order, say) and the probe
would blame a healthy stream (found on bybit_perpetual: a SELL at one tick had taken every
bid, and the probe's bid at 99.90 filled it)."""

from __future__ import annotations

from decimal import Decimal

from harness.scenarios.quiescence import _probe_price
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair

PAIR = TradingPair("BTC", "USDT")
TICK = Decimal("0.10")


def book(bids: list[str], asks: list[str]) -> OrderBookSnapshot:
    return OrderBookSnapshot(PAIR, 1, tuple((Decimal(p), Decimal(1)) for p in bids),
                             tuple((Decimal(p), Decimal(1)) for p in asks))


def test_the_probe_goes_one_tick_below_the_lowest_bid() -> None:
    assert _probe_price(book(["100.0", "99.5"], ["100.1"]), TICK) == Decimal("99.4")


def test_without_bids_the_probe_stays_below_the_best_ask() -> None:
    assert _probe_price(book([], ["0.30", "0.40"]), TICK) == Decimal("0.20")
    assert _probe_price(book([], ["0.10"]), TICK) <= 0  # no room: no probe


def test_an_empty_book_is_probed_far_from_zero() -> None:
    assert _probe_price(book([], []), TICK) == Decimal("99.9")
