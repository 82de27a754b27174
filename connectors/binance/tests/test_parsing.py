"""REST and market-stream payloads, as the cassettes recorded them, parsed into the standard's
values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connectors.binance import parsing
from connectors.binance.tests.recorded import rest, stream, symbol
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.model import Balance, PublicTrade, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
BNB_BTC = TradingPair("BNB", "BTC")
ETH_USDT = TradingPair("ETH", "USDT")
D = Decimal


def _with_filter(record: dict[str, Any], filter_type: str, **changes: str) -> dict[str, Any]:
    filters = [{**f, **changes} if f["filterType"] == filter_type else f
               for f in record["filters"]]
    return {**record, "filters": filters}


def _order(pair: TradingPair = BTC_USDT, side: TradeSide = TradeSide.SELL) -> TrackedOrder:
    return TrackedOrder("CH-St1", pair, side, OrderType.MARKET, D(10), None, 0.0)


def test_a_trading_spot_symbol_becomes_a_market_with_its_filters() -> None:
    info = parsing.parse_market(symbol("BTCUSDT"))
    assert info is not None
    assert (info.symbol, str(info.pair)) == ("BTCUSDT", "BTC-USDT")
    rule = info.rule
    assert (rule.min_price_increment, rule.min_base_increment) == (D("0.01"), D("0.00001"))
    assert (rule.min_order_size, rule.max_order_size) == (D("0.0001"), D(9000))
    assert rule.min_notional == D(5)


def test_min_notional_comes_from_the_older_min_notional_filter_too() -> None:
    record = symbol("ETHUSDT", "trading_rules")
    assert "MIN_NOTIONAL" in {f["filterType"] for f in record["filters"]}
    info = parsing.parse_market(record)
    assert info is not None and info.rule.min_notional == D(10)


def test_the_recorded_symbols_not_trading_spot_are_left_out() -> None:
    assert symbol("BNBBTC")["status"] == "BREAK"
    assert symbol("LUNAUSDT")["isSpotTradingAllowed"] is False
    assert parsing.parse_market(symbol("BNBBTC")) is None
    assert parsing.parse_market(symbol("LUNAUSDT")) is None


@pytest.mark.parametrize("change", [{"status": "HALT"}, {"status": "END_OF_DAY"},
                                    {"status": "CANCEL_ONLY"}])
def test_other_statuses_not_trading_are_left_out(change: dict[str, Any]) -> None:
    assert parsing.parse_market(symbol("BTCUSDT", **change)) is None


@pytest.mark.parametrize(("change", "error"), [
    ({"filters": [{"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0",
                   "tickSize": "0.01"}]}, ValueError),
    ({"baseAsset": "btc"}, ValueError),
    ({"filters": _with_filter(symbol("BTCUSDT"), "PRICE_FILTER", tickSize="a lot")["filters"]},
     ValueError),
    ({"filters": _with_filter(symbol("BTCUSDT"), "LOT_SIZE", stepSize="-1")["filters"]},
     ValueError),
    ({"status": None, "isSpotTradingAllowed": True}, KeyError),
])
def test_a_malformed_symbol_raises(change: dict[str, Any], error: type[Exception]) -> None:
    record = symbol("BTCUSDT", **change)
    if record["status"] is None:
        del record["status"]
    with pytest.raises(error):
        parsing.parse_market(record)


def test_depth_snapshot_keeps_the_last_update_id() -> None:
    snapshot = parsing.parse_snapshot(BTC_USDT, rest("order_book", "GET /api/v3/depth"), 12.5)
    assert snapshot.update_id == 1000
    assert snapshot.bids == ((D(30000), D("1.5")), (D("29999.5"), D(2)), (D(29999), D("0.75")))
    assert snapshot.asks[0] == (D("30000.5"), D(1)) and len(snapshot.asks) == 3


def test_last_prices_from_one_object_or_an_array() -> None:
    many = rest("last_prices", "GET /api/v3/ticker/price")
    one = many[0]
    ltc = TradingPair("LTC", "BTC")
    assert parsing.parse_last_prices(one, {"LTCBTC": ltc}) == {ltc: D("0.0012")}
    assert parsing.parse_last_prices(many, {"BNBBTC": BNB_BTC}) == {BNB_BTC: D("0.0085")}


def test_full_placement_response_carries_its_fills_as_taker_fills() -> None:
    outcome = parsing.parse_placement(_order(), rest("place_market_sell", "POST /api/v3/order"))
    assert (outcome.exchange_order_id, outcome.state) == ("32", OrderState.FILLED)
    assert outcome.timestamp == 1795248000.1
    assert [(f.trade_id, f.price, f.amount, f.fee) for f in outcome.fills] == [
        ("58", D(30000), D("0.01"), TradeFee("USDT", D("0.3")))]
    assert all(f.is_maker is False and f.client_order_id == "CH-St1" for f in outcome.fills)


def test_ack_placement_response_is_an_open_order() -> None:
    full = rest("place_market_sell", "POST /api/v3/order")
    # newOrderRespType=ACK answers with these fields of the FULL response only
    ack = {key: full[key] for key in ("symbol", "orderId", "orderListId", "clientOrderId",
                                      "transactTime")}
    outcome = parsing.parse_placement(_order(), ack)
    assert (outcome.state, outcome.fills) == (OrderState.OPEN, ())


def test_cancel_response_is_about_the_original_order() -> None:
    update = parsing.parse_order(rest("cancel_order", "DELETE /api/v3/order"), "CH-Bt1")
    assert (update.client_order_id, update.exchange_order_id) == ("CH-Bt1", "40")
    assert (update.state, update.executed_amount) == (OrderState.CANCELED, D(0))


def test_order_query_reports_state_and_executed_amount() -> None:
    update = parsing.parse_order({**rest("fills_by_polling", "GET /api/v3/order"),
                                  "status": "PARTIALLY_FILLED", "executedQty": "0.004"}, "CH-Bt1")
    assert (update.state, update.executed_amount) == (OrderState.PARTIALLY_FILLED, D("0.004"))
    assert update.timestamp == 1795248000.2  # updateTime, not the placement time


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
    cancelled = rest("cancel_order", "DELETE /api/v3/order")
    leg = {**cancelled, "origClientOrderId": "leg1", "orderId": 5}
    order_list = {"orderListId": 1, "contingencyType": "OCO", "orders": [],
                  "orderReports": [leg]}
    updates = parsing.parse_cancel_all([cancelled, order_list])
    assert [(u.client_order_id, u.exchange_order_id) for u in updates] == [
        ("CH-Bt1", "40"), ("leg1", "5")]


def test_my_trades_become_fills_of_the_order() -> None:
    order = _order(BTC_USDT, TradeSide.BUY)
    [fill] = parsing.parse_trades(order, rest("fills_by_polling", "GET /api/v3/myTrades"))
    assert (fill.trade_id, fill.exchange_order_id, fill.side) == ("100", "50", TradeSide.BUY)
    assert (fill.price, fill.amount, fill.fee) == (D(30000), D("0.004"),
                                                   TradeFee("BTC", D("0.000004")))
    assert (fill.is_maker, fill.timestamp) == (True, 1795248000.2)


def test_account_balances_total_free_plus_locked() -> None:
    assert parsing.parse_balances(rest("balances", "GET /api/v3/account")) == {
        "BTC": Balance(D(2), D("1.5")), "USDT": Balance(D(10250), D(10000)),
        "BNB": Balance(D(2), D(2))}


def test_decimals_never_go_through_float() -> None:
    assert parsing.decimal("0.1") + parsing.decimal("0.2") == D("0.3")
    for bad in ("NaN", "Infinity", "", None):
        with pytest.raises(ValueError):
            parsing.decimal(bad)


def test_depth_update_and_trade_events_of_the_market_stream() -> None:
    pair_of = {"BTCUSDT": BTC_USDT, "ETHUSDT": ETH_USDT}.get
    [_, update, *_, btc_trade, eth_trade, _] = stream("order_book")
    [diff] = parsing.parse_market_message(update, pair_of)
    assert diff == OrderBookDiff(BTC_USDT, 995, 1000, ((D(29999), D("9.99")),), (),
                                 1795248001.0)
    [trade] = parsing.parse_market_message(btc_trade, pair_of)
    assert isinstance(trade, PublicTrade)
    # m = false: the seller made, the buyer took.
    assert (trade.trade_id, trade.price, trade.amount, trade.side) == (
        "777", D("30000.4"), D("0.015"), TradeSide.BUY)
    [trade] = parsing.parse_market_message(eth_trade, pair_of)
    assert isinstance(trade, PublicTrade) and trade.side is TradeSide.SELL  # m = true


def test_acks_and_unknown_symbols_yield_nothing() -> None:
    pair_of = {"BTCUSDT": BTC_USDT}.get
    ack, *_, btc_trade, _, _ = stream("order_book")
    assert parsing.parse_market_message(ack, pair_of) == []
    assert parsing.parse_market_message({**btc_trade, "s": "XYZBTC"}, pair_of) == []
    assert parsing.parse_market_message([1, 2], pair_of) == []


@pytest.mark.parametrize("message", [
    {"e": "serverShutdown", "E": 1770123456789},
    {"code": 2, "msg": "Invalid request: missing field `method` at line 1 column 73"}])
def test_shutdown_and_refusals_end_the_market_stream(message: dict[str, object]) -> None:
    with pytest.raises(ConnectionError):
        parsing.parse_market_message(message, lambda symbol: None)
