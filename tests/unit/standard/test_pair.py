"""TradingPair: the standard's BASE-QUOTE form, parsed strictly."""

from __future__ import annotations

import pytest

from harness.standard.pair import InvalidTradingPair, TradingPair


@pytest.mark.parametrize(("text", "base", "quote"), [
    ("BTC-USDT", "BTC", "USDT"),
    ("1INCH-USDT", "1INCH", "USDT"),
    ("ETH-BTC", "ETH", "BTC"),
])
def test_parse_accepts_base_quote(text: str, base: str, quote: str) -> None:
    pair = TradingPair.parse(text)
    assert (pair.base, pair.quote) == (base, quote)
    assert str(pair) == text


@pytest.mark.parametrize(("text", "problem"), [
    ("BTCUSDT", "is not BASE-QUOTE"),
    ("BTC-USDT-X", "is not BASE-QUOTE"),
    ("", "is not BASE-QUOTE"),
    ("btc-usdt", "base asset 'btc'"),
    ("BTC-usdt", "quote asset 'usdt'"),
    ("-USDT", "base asset ''"),
    ("BTC-", "quote asset ''"),
    ("BTC-BTC", "base and quote are both 'BTC'"),
    ("B.TC-USDT", "base asset"),
    ("A" * 21 + "-USDT", "1-20 upper-case"),
])
def test_parse_rejects_what_is_not_a_pair(text: str, problem: str) -> None:
    with pytest.raises(InvalidTradingPair, match=problem.replace(".", r"\.")):
        TradingPair.parse(text)


def test_invalid_pair_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        TradingPair("BTC", "btc")


def test_pairs_are_hashable_and_ordered() -> None:
    pairs = {TradingPair.parse("ETH-USDT"), TradingPair.parse("BTC-USDT"),
             TradingPair.parse("BTC-USDT")}
    assert sorted(pairs) == [TradingPair("BTC", "USDT"), TradingPair("ETH", "USDT")]
