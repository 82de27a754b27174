"""REST and market-stream payloads from Binance's docs, parsed into the standard's values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connectors.binance import parsing
from connectors.binance.tests import payloads
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.model import Balance, PublicTrade, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
BNB_BTC = TradingPair("BNB", "BTC")
D = Decimal


def _order(pair: TradingPair = BTC_USDT, side: TradeSide = TradeSide.SELL) -> TrackedOrder:
    return TrackedOrder("CH-St1", pair, side, OrderType.MARKET, D(10), None, 0.0)


def test_a_trading_spot_symbol_becomes_a_market_with_its_filters() -> None:
    info = parsing.parse_market(payloads.symbol("ETHBTC", "ETH", "BTC"))
    assert info is not None
    assert (info.symbol, str(info.pair)) == ("ETHBTC", "ETH-BTC")
    rule = info.rule
    assert (rule.min_price_increment, rule.min_base_increment) == (D("0.01"), D("0.00001"))
    assert (rule.min_order_size, rule.max_order_size) == (D("0.00001"), D(9000))
    assert rule.min_notional == D(5)


def test_min_notional_comes_from_the_older_min_notional_filter_too() -> None:
    record = payloads.symbol("ETHBTC", "ETH", "BTC")
    record["filters"] = [f for f in record["filters"] if f["filterType"] != "NOTIONAL"]
    record["filters"].append({"filterType": "MIN_NOTIONAL", "minNotional": "0.00100000",
                              "applyToMarket": True, "avgPriceMins": 5})
    info = parsing.parse_market(record)
    assert info is not None and info.rule.min_notional == D("0.001")


@pytest.mark.parametrize("change", [{"status": "HALT"}, {"status": "BREAK"},
                                    {"status": "END_OF_DAY"}, {"status": "CANCEL_ONLY"},
                                    {"isSpotTradingAllowed": False}])
def test_symbols_not_trading_spot_are_left_out(change: dict[str, Any]) -> None:
    assert parsing.parse_market(payloads.symbol("ETHBTC", "ETH", "BTC", **change)) is None


@pytest.mark.parametrize(("change", "error"), [
    ({"filters": [{"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0",
                   "tickSize": "0.01"}]}, ValueError),
    ({"baseAsset": "eth"}, ValueError),
    ({"filters": payloads.filters(tick="a lot")}, ValueError),
    ({"filters": payloads.filters(step="-1")}, ValueError),
    ({"status": None, "isSpotTradingAllowed": True}, KeyError),
])
def test_a_malformed_symbol_raises(change: dict[str, Any], error: type[Exception]) -> None:
    record = payloads.symbol("ETHBTC", "ETH", "BTC", **change)
    if record["status"] is None:
        del record["status"]
    with pytest.raises(error):
        parsing.parse_market(record)


def test_depth_snapshot_keeps_the_last_update_id() -> None:
    snapshot = parsing.parse_snapshot(BNB_BTC, payloads.depth(), 12.5)
    assert snapshot.update_id == 1027024
    assert snapshot.bids == ((D(4), D(431)),) and snapshot.asks == ((D("4.000002"), D(12)),)


def test_last_prices_from_one_object_or_an_array() -> None:
    one = {"symbol": "LTCBTC", "price": "4.00000200"}
    many = [one, {"symbol": "ETHBTC", "price": "0.07946600"}]
    ltc = TradingPair("LTC", "BTC")
    assert parsing.parse_last_prices(one, {"LTCBTC": ltc}) == {ltc: D("4.000002")}
    assert parsing.parse_last_prices(many, {"ETHBTC": BNB_BTC}) == {BNB_BTC: D("0.079466")}


def test_full_placement_response_carries_its_fills_as_taker_fills() -> None:
    outcome = parsing.parse_placement(_order(), payloads.order_full())
    assert (outcome.exchange_order_id, outcome.state) == ("28", OrderState.FILLED)
    assert outcome.timestamp == 1507725176.595
    assert [(f.trade_id, f.price, f.amount, f.fee) for f in outcome.fills] == [
        ("56", D(4000), D(1), TradeFee("USDT", D(4))),
        ("57", D(3999), D(5), TradeFee("USDT", D("19.995")))]
    assert all(f.is_maker is False and f.client_order_id == "CH-St1" for f in outcome.fills)


def test_ack_placement_response_is_an_open_order() -> None:
    ack = {"symbol": "BTCUSDT", "orderId": 28, "orderListId": -1,
           "clientOrderId": "CH-St1", "transactTime": 1507725176595}
    outcome = parsing.parse_placement(_order(), ack)
    assert (outcome.state, outcome.fills) == (OrderState.OPEN, ())


def test_cancel_response_is_about_the_original_order() -> None:
    update = parsing.parse_order(payloads.cancel_response(), "myOrder1")
    assert (update.client_order_id, update.exchange_order_id) == ("myOrder1", "4")
    assert (update.state, update.executed_amount) == (OrderState.CANCELED, D(0))


def test_order_query_reports_state_and_executed_amount() -> None:
    update = parsing.parse_order({**payloads.order_query(), "status": "PARTIALLY_FILLED",
                                  "executedQty": "0.4"}, "myOrder1")
    assert (update.state, update.executed_amount) == (OrderState.PARTIALLY_FILLED, D("0.4"))
    assert update.timestamp == 1499827319.559


@pytest.mark.parametrize(("status", "state"), [
    ("NEW", OrderState.OPEN), ("PENDING_NEW", OrderState.OPEN),
    ("PARTIALLY_FILLED", OrderState.PARTIALLY_FILLED), ("FILLED", OrderState.FILLED),
    ("CANCELED", OrderState.CANCELED), ("EXPIRED", OrderState.CANCELED),
    ("EXPIRED_IN_MATCH", OrderState.CANCELED), ("PENDING_CANCEL", OrderState.PENDING_CANCEL),
    ("REJECTED", OrderState.FAILED)])
def test_every_documented_order_status_maps(status: str, state: OrderState) -> None:
    assert parsing.order_state(status) is state


def test_an_undocumented_order_status_raises() -> None:
    with pytest.raises(ValueError, match="PENDING_SOMETHING"):
        parsing.order_state("PENDING_SOMETHING")


def test_cancel_all_flattens_order_lists() -> None:
    leg = {**payloads.cancel_response(), "origClientOrderId": "leg1", "orderId": 5}
    order_list = {"orderListId": 1, "contingencyType": "OCO", "orders": [],
                  "orderReports": [leg]}
    updates = parsing.parse_cancel_all([payloads.cancel_response(), order_list])
    assert [(u.client_order_id, u.exchange_order_id) for u in updates] == [
        ("myOrder1", "4"), ("leg1", "5")]


def test_my_trades_become_fills_of_the_order() -> None:
    order = _order(BNB_BTC, TradeSide.BUY)
    [fill] = parsing.parse_trades(order, payloads.my_trades())
    assert (fill.trade_id, fill.exchange_order_id, fill.side) == ("28457", "100234", TradeSide.BUY)
    assert (fill.price, fill.amount, fill.fee) == (D("4.000001"), D(12),
                                                   TradeFee("BNB", D("10.1")))
    assert (fill.is_maker, fill.timestamp) == (False, 1499865549.59)


def test_account_balances_total_free_plus_locked() -> None:
    assert parsing.parse_balances(payloads.account()) == {
        "BTC": Balance(D("4723846.89208129"), D("4723846.89208129")),
        "LTC": Balance(D("4763370.18006011"), D("4763368.68006011"))}


def test_decimals_never_go_through_float() -> None:
    assert parsing.decimal("0.1") + parsing.decimal("0.2") == D("0.3")
    for bad in ("NaN", "Infinity", "", None):
        with pytest.raises(ValueError):
            parsing.decimal(bad)


def test_depth_update_and_trade_events_of_the_market_stream() -> None:
    pair_of = {"BNBBTC": BNB_BTC}.get
    [diff] = parsing.parse_market_message(payloads.depth_update(), pair_of)
    assert diff == OrderBookDiff(BNB_BTC, 157, 160, ((D("0.0024"), D(10)),),
                                 ((D("0.0026"), D(100)),), 1672515782.136)
    [trade] = parsing.parse_market_message(payloads.trade(), pair_of)
    assert isinstance(trade, PublicTrade)
    # m = true: the buyer made, the seller took.
    assert (trade.trade_id, trade.price, trade.amount, trade.side) == (
        "12345", D("0.001"), D(100), TradeSide.SELL)


def test_acks_and_unknown_symbols_yield_nothing() -> None:
    pair_of = {"BNBBTC": BNB_BTC}.get
    assert parsing.parse_market_message({"result": None, "id": 1}, pair_of) == []
    assert parsing.parse_market_message({**payloads.trade(), "s": "XYZBTC"}, pair_of) == []
    assert parsing.parse_market_message([1, 2], pair_of) == []


@pytest.mark.parametrize("message", [
    {"e": "serverShutdown", "E": 1770123456789},
    {"code": 2, "msg": "Invalid request: missing field `method` at line 1 column 73"}])
def test_shutdown_and_refusals_end_the_market_stream(message: dict[str, object]) -> None:
    with pytest.raises(ConnectionError):
        parsing.parse_market_message(message, lambda symbol: None)
