"""Hummingbot's structures read as the standard's values (stand-ins with Hummingbot's field
names: these tests run without Hummingbot)."""

from __future__ import annotations

import enum
from decimal import Decimal
from types import SimpleNamespace as NS

from harness.adapters import hummingbot_values as v
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.model import Balance, TradeFee
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
HbState = enum.Enum("OrderState", "PENDING_CREATE OPEN PARTIALLY_FILLED CANCELED FILLED FAILED "
                                  "PENDING_CANCEL PENDING_APPROVAL APPROVED CREATED COMPLETED")
HbSide = enum.Enum("TradeType", "BUY SELL")
HbType = enum.Enum("OrderType", "LIMIT LIMIT_MAKER MARKET")


def _update(trade_id: str, amount: str, price: str = "30000") -> NS:
    # Hummingbot's Binance TradeUpdates from myTrades name the exchange symbol, not the pair.
    return NS(trade_id=trade_id, client_order_id="c1", exchange_order_id="55",
              trading_pair="BTCUSDT", fill_timestamp=1795248000.2, fill_price=Decimal(price),
              fill_base_amount=Decimal(amount),
              fee=NS(flat_fees=[NS(token="BNB", amount=Decimal("0.0001"))]), is_taker=False)


def test_a_trading_rule_keeps_what_hummingbot_has_and_no_price_limits() -> None:
    rule = v.trading_rule(NS(trading_pair="BTC-USDT", min_order_size=Decimal("0.0001"),
                             max_order_size=Decimal("1E+56"), min_price_increment=Decimal("0.01"),
                             min_base_amount_increment=Decimal("0.00001"),
                             min_notional_size=Decimal("5")))
    assert (rule.pair, rule.min_order_size, rule.max_order_size, rule.min_notional) == (
        BTC_USDT, Decimal("0.0001"), Decimal("1E+56"), Decimal("5"))
    assert (rule.min_price, rule.max_price) == (Decimal(0), Decimal(0))


def test_states_map_to_the_standards() -> None:
    assert v.state(HbState.CREATED) is OrderState.OPEN
    assert v.state(HbState.COMPLETED) is OrderState.FILLED
    assert v.state(HbState.PENDING_APPROVAL) is OrderState.PENDING_CREATE
    assert v.state(HbState.PENDING_CANCEL) is OrderState.PENDING_CANCEL


def test_an_in_flight_order_with_fills_is_a_tracked_order_on_its_own_pair() -> None:
    order = NS(client_order_id="c1", exchange_order_id=55, trading_pair="BTC-USDT",
               trade_type=HbSide.BUY, order_type=HbType.LIMIT, price=Decimal("30000"),
               amount=Decimal("0.01"), creation_timestamp=float("nan"),
               current_state=HbState.PARTIALLY_FILLED, last_update_timestamp=1795248000.3,
               order_fills={"400": _update("400", "0.005")})
    tracked = v.tracked_order(order, now=42.0)
    assert (tracked.pair, tracked.side, tracked.order_type, tracked.state) == (
        BTC_USDT, TradeSide.BUY, OrderType.LIMIT, OrderState.PARTIALLY_FILLED)
    assert tracked.creation_timestamp == 42.0  # Hummingbot's NaN before its clock ticked
    assert tracked.exchange_order_id == "55"
    fill = tracked.fills["400"]
    assert (fill.pair, fill.amount, fill.fee, fill.timestamp, fill.is_maker) == (
        BTC_USDT, Decimal("0.005"), TradeFee("BNB", Decimal("0.0001")), 1795248000.2, True)


def test_a_market_order_has_no_price() -> None:
    order = NS(client_order_id="c2", exchange_order_id=None, trading_pair="BTC-USDT",
               trade_type=HbSide.SELL, order_type=HbType.MARKET, price=Decimal("NaN"),
               amount=Decimal("1"), creation_timestamp=5.0, current_state=HbState.PENDING_CREATE,
               order_fills={})
    tracked = v.tracked_order(order, now=6.0)
    assert tracked.price is None and tracked.exchange_order_id is None


def test_a_fill_without_flat_fees_has_a_zero_fee_in_the_quote() -> None:
    assert v.fee(NS(flat_fees=[]), "USDT") == TradeFee("USDT", Decimal(0))


def test_books_are_sorted_best_first_and_empty_levels_left_out() -> None:
    rows = [NS(price=29999.5, amount=2.0), NS(price=30000.1, amount=0.8), NS(price=1, amount=0)]
    asks = [NS(price=30001.0, amount=3.0), NS(price=30000.5, amount=1.0)]
    snapshot = v.book_snapshot(BTC_USDT, rows, asks, 1005, 7.0)
    assert snapshot.bids == ((Decimal("30000.1"), Decimal("0.8")),
                             (Decimal("29999.5"), Decimal("2.0")))
    assert snapshot.asks[0] == (Decimal("30000.5"), Decimal("1.0"))
    assert snapshot.update_id == 1005


def test_balances_take_available_from_hummingbot_or_the_total() -> None:
    got = v.balances({"BTC": Decimal("2"), "USDT": Decimal("10")}, {"BTC": Decimal("1.5")})
    assert got == {"BTC": Balance(Decimal("2"), Decimal("1.5")),
                   "USDT": Balance(Decimal("10"), Decimal("10"))}


def test_numbers_hummingbot_leaves_undefined_read_as_zero_or_the_fallback() -> None:
    assert v.decimal(None) == 0 and v.decimal(float("nan")) == 0 and v.decimal("1.5") == \
        Decimal("1.5")
    assert v.stamp("x", 3.0) == 3.0 and v.stamp(0, 3.0) == 3.0 and v.stamp(9.5, 3.0) == 9.5
