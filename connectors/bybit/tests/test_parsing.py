"""Bybit payloads -> standard values, and retCodes -> the standard's errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.bybit import parsing
from connectors.bybit.errors import classify_error
from connectors.bybit.user_stream import parse_user_message
from harness.standard.enums import OrderState, TradeSide
from harness.standard.errors import (
    ExchangeError,
    OrderNotFound,
    RateLimited,
    TimeSyncError,
    UnknownOutcome,
)
from harness.standard.model import BalanceChange, Fill, OrderUpdate
from harness.standard.order_book import OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair

BTC = TradingPair("BTC", "USDT")


def pair_of(symbol: str) -> TradingPair | None:
    return BTC if symbol == "BTCUSDT" else None


def test_every_documented_order_status_has_a_state() -> None:
    assert parsing.order_state("PartiallyFilledCanceled") is OrderState.CANCELED
    assert parsing.order_state("Rejected") is OrderState.FAILED
    with pytest.raises(ValueError, match="unknown Bybit order status"):
        parsing.order_state("Pending")
    with pytest.raises(ValueError, match="not a decimal"):
        parsing.decimal("abc")
    with pytest.raises(ValueError, match="finite"):
        parsing.decimal("NaN")
    with pytest.raises(ValueError, match="side"):
        parsing.side("Long")


def test_a_market_that_is_not_trading_is_skipped() -> None:
    record = {"symbol": "XYZUSDT", "status": "PreLaunch", "baseCoin": "XYZ", "quoteCoin": "USDT"}
    assert parsing.parse_spot_market(record) is None


def test_stream_book_frames_are_snapshots_or_single_update_diffs() -> None:
    data = {"s": "BTCUSDT", "b": [["30000", "1"]], "a": [], "u": 7, "seq": 99}
    snapshot = parsing.parse_market_message({"topic": "orderbook.50.BTCUSDT",
                                             "type": "snapshot", "ts": 1000, "data": data},
                                            pair_of)
    delta = parsing.parse_market_message({"topic": "orderbook.50.BTCUSDT", "type": "delta",
                                          "ts": 1000, "data": {**data, "u": 8}}, pair_of)
    assert isinstance(snapshot[0], OrderBookSnapshot) and snapshot[0].update_id == 7
    assert isinstance(delta[0], OrderBookDiff)
    assert (delta[0].first_update_id, delta[0].last_update_id) == (8, 8)
    assert parsing.parse_market_message({"topic": "orderbook.50.DOGEUSDT", "type": "delta",
                                         "ts": 1, "data": {**data, "s": "DOGEUSDT"}},
                                        pair_of) == []
    assert parsing.parse_market_message(["not", "a", "dict"], pair_of) == []
    with pytest.raises(ConnectionError, match="refused"):
        parsing.parse_market_message({"op": "subscribe", "success": False,
                                      "ret_msg": "Invalid topic"}, pair_of)


def test_errors_map_to_the_standards_by_retcode() -> None:
    now = lambda: 1000.0  # noqa: E731
    assert classify_error(200, {}, {"retCode": 0, "retMsg": "OK"}, now) is None
    assert isinstance(classify_error(200, {}, {"retCode": 10002, "retMsg": "t"}, now),
                      TimeSyncError)
    limited = classify_error(200, {"X-Bapi-Limit-Reset-Timestamp": "1002500"},
                             {"retCode": 10006, "retMsg": "Too many visits"}, now)
    assert isinstance(limited, RateLimited) and limited.retry_after == pytest.approx(2.5)
    assert isinstance(classify_error(200, {}, {"retCode": 10006}, now), RateLimited)
    assert isinstance(classify_error(200, {}, {"retCode": 170213}, now), OrderNotFound)
    assert isinstance(classify_error(200, {}, {"retCode": 10016}, now), UnknownOutcome)
    assert isinstance(classify_error(200, {}, {"retCode": 170131}, now), ExchangeError)
    banned = classify_error(403, {}, "access too frequent", now)
    assert isinstance(banned, RateLimited) and banned.banned
    assert classify_error(502, {}, "<html>", now) is None


def test_private_topics_give_fills_updates_and_balances_of_our_category() -> None:
    execution = {"category": "spot", "symbol": "BTCUSDT", "execId": "1", "orderId": "9",
                 "orderLinkId": "CH-Bt1", "side": "Buy", "execPrice": "30000",
                 "execQty": "0.01", "execFee": "0.00001", "feeCurrency": "BTC",
                 "execTime": "1700000000000", "isMaker": True, "execType": "Trade"}
    items = parse_user_message({"topic": "execution", "data": [
        execution, {**execution, "category": "linear"}, {**execution, "execType": "Funding"},
        {**execution, "symbol": "DOGEUSDT"}]}, pair_of, "spot")
    assert len(items) == 1 and isinstance(items[0], Fill)
    assert items[0].fee.asset == "BTC" and items[0].side is TradeSide.BUY
    order = {"category": "spot", "symbol": "BTCUSDT", "orderId": "9", "orderLinkId": "CH-Bt1",
             "orderStatus": "Rejected", "rejectReason": "EC_PostOnlyWillTakeLiquidity",
             "cumExecQty": "0", "updatedTime": "1700000000001"}
    update = parse_user_message({"topic": "order", "data": [order]}, pair_of, "spot")[0]
    assert isinstance(update, OrderUpdate) and update.reason == "EC_PostOnlyWillTakeLiquidity"
    wallet = parse_user_message({"topic": "wallet", "data": [{"coin": [
        {"coin": "USDT", "walletBalance": "100", "locked": "40"}]}]}, pair_of, "spot")
    assert wallet == [BalanceChange("USDT", Decimal("100"), Decimal("60"))]
    assert parse_user_message({"op": "pong", "success": True}, pair_of, "spot") == []
    assert parse_user_message("text", pair_of, "spot") == []
    with pytest.raises(ConnectionError):
        parse_user_message({"op": "subscribe", "success": False, "ret_msg": "x"}, pair_of,
                           "spot")
