"""What ExchangeBase does for every connector before markets load: symbols and session tags."""

from __future__ import annotations

import re

import pytest

from harness.base.client_ids import ClientOrderIdFactory
from harness.standard.config import ConnectorConfig
from harness.standard.pair import TradingPair
from tests.fixtures.fake_exchange.connector import FakeExchange

BTC_USDT = TradingPair("BTC", "USDT")
ETH_USDT = TradingPair("ETH", "USDT")


class DashedSymbols(FakeExchange):
    client_order_id_charset = r"[A-Za-z0-9]"

    def symbol_before_markets(self, pair: TradingPair) -> str:
        return f"{pair.base}-{pair.quote}"


def test_before_markets_load_symbols_follow_the_exchange_rule_both_ways() -> None:
    plain = FakeExchange(ConnectorConfig((BTC_USDT, ETH_USDT), session_tag="t"))
    assert plain._symbol(ETH_USDT) == "ETHUSDT"
    assert plain._pair_of("ETHUSDT") == ETH_USDT
    assert plain._pair_of("BNBUSDT") is None  # a pair this connector does not trade
    dashed = DashedSymbols(ConnectorConfig((BTC_USDT,), session_tag="t"))
    assert dashed._symbol(BTC_USDT) == "BTC-USDT"
    assert dashed._pair_of("BTC-USDT") == BTC_USDT
    assert dashed._pair_of("BTCUSDT") is None


def test_a_session_tag_outside_the_exchange_charset_fails_at_construction() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "session_tag 'run_1' goes into client order ids; fake_exchange accepts only "
            "[A-Za-z0-9] there")):
        DashedSymbols(ConnectorConfig((BTC_USDT,), session_tag="run_1"))
    DashedSymbols(ConnectorConfig((BTC_USDT,), session_tag="run1"))
    FakeExchange(ConnectorConfig((BTC_USDT,), session_tag="run_1.x"))  # no charset: any tag


def test_the_id_factory_checks_the_tag_only_against_a_given_charset() -> None:
    assert ClientOrderIdFactory("HB", 32, "a.b").new("B") == "HBBa.b1"
    with pytest.raises(ValueError, match="the exchange accepts only"):
        ClientOrderIdFactory("HB", 32, "a.b", charset=r"[a-z]")
