"""ccxt's structures as the standard's values: Decimal money, states, fills, rules, books."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.adapters import ccxt_values as v
from harness.standard.enums import OrderState, TradeSide
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
MARKET = {"base": "BTC", "quote": "USDT", "precision": {"amount": 1e-05, "price": 0.01},
          "limits": {"amount": {"min": 0.0001, "max": 9000.0}, "price": {"min": 0.01,
                     "max": 1000000.0}, "cost": {"min": 5.0, "max": None}}}


def test_floats_become_the_decimals_they_print_as() -> None:
    assert v.dec(0.1) == Decimal("0.1") and v.dec(1e-05) == Decimal("0.00001")
    assert v.dec("29999.50") == Decimal("29999.50")
    assert v.dec(None) is None and v.dec("") is None and v.dec0(None) == 0


def test_a_market_becomes_a_trading_rule_in_either_precision_mode() -> None:
    rule = v.trading_rule(MARKET, v.TICK_SIZE)
    assert (rule.min_order_size, rule.max_order_size) == (Decimal("0.0001"), Decimal("9000.0"))
    assert (rule.min_base_increment, rule.min_price_increment) == (Decimal("0.00001"),
                                                                   Decimal("0.01"))
    assert (rule.min_notional, rule.min_price, rule.max_price) == (Decimal("5.0"), Decimal(
        "0.01"), Decimal("1000000.0"))
    places = v.trading_rule({**MARKET, "precision": {"amount": 5, "price": 2}},
                            v.DECIMAL_PLACES)
    assert (places.min_base_increment, places.min_price_increment) == (Decimal("0.00001"),
                                                                       Decimal("0.01"))
    assert v.trading_rule({**MARKET, "precision": {}}, v.TICK_SIZE).min_price_increment == 0


@pytest.mark.parametrize(("status", "state"), [
    ("open", OrderState.OPEN), ("closed", OrderState.FILLED), ("canceled", OrderState.CANCELED),
    ("expired", OrderState.CANCELED), ("rejected", OrderState.FAILED), (None, OrderState.OPEN),
])
def test_ccxt_statuses_map_to_the_standards_states(status: str | None, state: OrderState
                                                   ) -> None:
    update = v.order_update({"id": 7, "clientOrderId": "c", "status": status, "filled": 0.5,
                             "timestamp": 1_000, "info": {"r": "INSUFFICIENT_BALANCE"}}, 9.0)
    assert update.state is state and update.exchange_order_id == "7"
    assert (update.executed_amount, update.timestamp) == (Decimal("0.5"), 1.0)
    assert update.reason == ("INSUFFICIENT_BALANCE" if state is OrderState.FAILED else None)


def test_a_trade_becomes_a_fill_with_its_fee_and_role() -> None:
    fill = v.fill({"id": 200, "order": "52", "side": "buy", "price": 30000.0, "amount": 0.004,
                   "fee": {"currency": "BNB", "cost": 0.00021}, "takerOrMaker": "maker",
                   "timestamp": 1_763_712_000_000}, "CH-Bt1", BTC_USDT, 5.0)
    assert (fill.trade_id, fill.exchange_order_id, fill.side) == ("200", "52", TradeSide.BUY)
    assert (fill.price, fill.amount, fill.fee.asset, fill.fee.amount) == (
        Decimal("30000.0"), Decimal("0.004"), "BNB", Decimal("0.00021"))
    assert fill.is_maker is True and fill.timestamp == 1_763_712_000.0
    bare = v.fill({"id": 1, "side": "sell", "price": 1, "amount": 1}, "c", BTC_USDT, 5.0)
    assert (bare.fee.asset, bare.fee.amount, bare.is_maker, bare.timestamp) == (
        "USDT", 0, None, 5.0)


def test_balances_and_books_keep_their_values() -> None:
    balances = v.balances({"total": {"BTC": 2.2, "ETH": None}, "free": {"BTC": 1.2}})
    assert list(balances) == ["BTC"]
    assert (balances["BTC"].total, balances["BTC"].available) == (Decimal("2.2"),
                                                                  Decimal("1.2"))
    book = v.book_snapshot({"bids": [[30000.0, 1.5]], "asks": [[30000.5, 0.2]], "nonce": 1003,
                            "timestamp": 2_000}, BTC_USDT)
    assert (book.update_id, book.timestamp) == (1003, 2.0)
    assert book.bids == ((Decimal("30000.0"), Decimal("1.5")),)
    assert v.book_snapshot({}, BTC_USDT).update_id == 0
