"""BybitPerpetualConnector on Bybit's documented linear payloads (docs/v5: instrument.mdx,
position/position.mdx, position/leverage.mdx, position/position-mode.mdx, market/tickers.mdx,
websocket/public/ticker.mdx, account/transaction-log.mdx), the REST calls answered in memory."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from connectors.bybit.errors import classify_error
from connectors.bybit_perpetual.connector import BybitPerpetualConnector
from connectors.bybit_perpetual.parsing import parse_linear_market
from harness.standard.api import FundingInfo
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderType, PositionAction, PositionMode, PositionSide, TradeSide
from harness.standard.errors import SettingRefused
from harness.standard.events import Event, FundingPayment, PositionLiquidated
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair
from tests.fixtures.aio import run

BTC = TradingPair("BTC", "USDT")
D = Decimal
LINEAR_BTC = {
    "symbol": "BTCUSDT", "contractType": "LinearPerpetual", "status": "Trading",
    "baseCoin": "BTC", "quoteCoin": "USDT", "launchTime": "1585526400000", "deliveryTime": "0",
    "deliveryFeeRate": "", "priceScale": "2",
    "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00", "leverageStep": "0.01"},
    "priceFilter": {"minPrice": "0.10", "maxPrice": "1999999.80", "tickSize": "0.10"},
    "lotSizeFilter": {"maxOrderQty": "1190.000", "minOrderQty": "0.001", "qtyStep": "0.001",
                      "postOnlyMaxOrderQty": "1190.000", "maxMktOrderQty": "500.000",
                      "minNotionalValue": "5"},
    "unifiedMarginTrade": True, "fundingInterval": 480, "settleCoin": "USDT",
    "copyTrading": "both", "upperFundingRate": "0.00375", "lowerFundingRate": "-0.00375",
    "isPreListing": False, "preListingInfo": None,
    "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"}, "symbolType": ""}
TICKER = {"symbol": "BTCUSDT", "lastPrice": "30000.10", "indexPrice": "30001.20",
          "markPrice": "30000.50", "prevPrice24h": "29000", "price24hPcnt": "0.03",
          "highPrice24h": "30500", "lowPrice24h": "28900", "prevPrice1h": "29950",
          "openInterest": "50000", "openInterestValue": "1500000000",
          "turnover24h": "1000000", "volume24h": "33", "fundingRate": "0.0001",
          "nextFundingTime": "1763740800000", "predictedDeliveryPrice": "",
          "basisRate": "", "deliveryFeeRate": "", "deliveryTime": "0", "ask1Size": "1",
          "bid1Price": "30000", "ask1Price": "30000.1", "bid1Size": "2", "basis": ""}


def ok(result: Any) -> dict[str, Any]:
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": 1}


def position(idx: int, side: str, size: str) -> dict[str, Any]:
    return {"positionIdx": idx, "riskId": 1, "riskLimitValue": "2000000", "symbol": "BTCUSDT",
            "side": side, "size": size, "avgPrice": "30000", "positionValue": "300",
            "tradeMode": 0, "positionStatus": "Normal", "autoAddMargin": 0,
            "adlRankIndicator": 2, "leverage": "10", "breakEvenPrice": "30010",
            "positionBalance": "30", "markPrice": "30100", "liqPrice": "", "bustPrice": "",
            "positionMM": "1.5", "positionIM": "30", "tpslMode": "Full", "takeProfit": "0",
            "stopLoss": "0", "trailingStop": "0", "unrealisedPnl": "1.2",
            "curRealisedPnl": "-0.18", "cumRealisedPnl": "-0.18", "seq": 4688002127,
            "isReduceOnly": False, "createdTime": "1", "updatedTime": "2"}


class Answered(BybitPerpetualConnector):
    """The connector with its REST calls answered from `answers`, by path."""

    def __init__(self) -> None:
        super().__init__(ConnectorConfig(trading_pairs=(BTC,), api_key="k", api_secret="s"))
        self.answers: dict[str, Any] = {}
        self.sent: list[tuple[str, Mapping[str, Any]]] = []

    async def _get(self, path: str, params: Mapping[str, str], *, signed: bool = False) -> Any:
        return self._answer(path, params)

    async def _post(self, path: str, payload: Mapping[str, Any]) -> Any:
        return self._answer(path, payload)

    def _answer(self, path: str, params: Mapping[str, Any]) -> Any:
        self.sent.append((path, dict(params)))
        body = self.answers[path]
        if callable(body):  # an answer that depends on the parameters
            body = body(params)
        error = classify_error(200, {}, body, lambda: 0.0)
        if error is not None:
            raise error
        return body


def test_a_linear_instrument_gives_bounds_step_and_minimum_value() -> None:
    info = parse_linear_market(LINEAR_BTC)
    assert info is not None and info.symbol == "BTCUSDT"
    rule = info.rule
    assert (rule.min_order_size, rule.max_order_size, rule.min_base_increment) == (
        D("0.001"), D("1190"), D("0.001"))
    assert (rule.min_price, rule.max_price, rule.min_notional) == (D("0.1"), D("1999999.8"),
                                                                   D("5"))
    assert parse_linear_market({**LINEAR_BTC, "status": "PreLaunch"}) is None
    assert parse_linear_market({**LINEAR_BTC, "settleCoin": "USDC"}) is None


def test_orders_carry_the_position_index_of_the_mode_and_reduce_only_when_closing() -> None:
    connector = Answered()

    def body(side: TradeSide, action: PositionAction) -> dict[str, Any]:
        return connector.order_payload(TrackedOrder(
            "CH-Bt1", BTC, side, OrderType.MARKET, D("0.01"), None, 0.0, action))

    opening = body(TradeSide.BUY, PositionAction.OPEN)
    assert opening["category"] == "linear" and opening["positionIdx"] == 0
    assert "marketUnit" not in opening and "reduceOnly" not in opening
    assert body(TradeSide.SELL, PositionAction.CLOSE)["reduceOnly"] is True
    connector._mode = PositionMode.HEDGE
    assert [body(side, action)["positionIdx"] for side, action in (
        (TradeSide.BUY, PositionAction.OPEN), (TradeSide.SELL, PositionAction.CLOSE),
        (TradeSide.SELL, PositionAction.OPEN), (TradeSide.BUY, PositionAction.CLOSE))] == [
        1, 1, 2, 2]


def test_positions_are_signed_in_one_way_mode_and_apart_in_hedge_mode() -> None:
    async def main() -> None:
        connector = Answered()
        connector.answers["/v5/position/list"] = ok({"list": [
            position(0, "Sell", "0.02"), position(1, "Buy", "0.01"), position(2, "Sell", "0.03"),
            {**position(0, "", "0"), "symbol": "DOGEUSDT"}], "category": "linear"})
        found = await connector.request_positions()
        assert [(p.side, p.amount, p.leverage) for p in found] == [
            (PositionSide.BOTH, D("-0.02"), 10), (PositionSide.LONG, D("0.01"), 10),
            (PositionSide.SHORT, D("-0.03"), 10)]
        assert connector.sent[-1] == ("/v5/position/list",
                                      {"category": "linear", "settleCoin": "USDT"})
        stream = connector.parse_user_message({"topic": "position", "data": [
            {**position(0, "Buy", "0.05"), "category": "linear"},
            {**position(0, "Buy", "1"), "category": "inverse"}]})
        assert len(stream) == 1 and stream[0].amount == D("0.05")  # type: ignore[union-attr]

    run(main())


def test_leverage_and_mode_already_set_count_as_done_other_refusals_do_not() -> None:
    async def main() -> None:
        connector = Answered()
        connector.answers["/v5/position/set-leverage"] = {
            "retCode": 110043, "retMsg": "Set leverage has not been modified.", "result": {}}
        await connector.set_leverage(BTC, 10)
        assert connector.get_leverage(BTC) == 10
        assert connector.sent[-1][1] == {"category": "linear", "symbol": "BTCUSDT",
                                         "buyLeverage": "10", "sellLeverage": "10"}
        connector.answers["/v5/position/set-leverage"] = {
            "retCode": 110013, "retMsg": "Cannot set leverage due to risk limit level.",
            "result": {}}
        with pytest.raises(SettingRefused) as refused:
            await connector.set_leverage(BTC, 50)
        assert refused.value.sent and connector.get_leverage(BTC) == 10
        connector.answers["/v5/position/switch-mode"] = ok({})
        await connector.set_position_mode(PositionMode.HEDGE)
        assert connector.sent[-1][1] == {"category": "linear", "coin": "USDT", "mode": 3}
        connector.answers["/v5/position/switch-mode"] = {
            "retCode": 110025, "retMsg": "Position mode has not been modified.", "result": {}}
        await connector.set_position_mode(PositionMode.HEDGE)
        connector.answers["/v5/position/switch-mode"] = {
            "retCode": 110024, "retMsg": "You have an existing position, so the position mode "
                                         "cannot be switched.", "result": {}}
        with pytest.raises(SettingRefused):
            await connector.set_position_mode(PositionMode.ONEWAY)
        assert connector.position_mode is PositionMode.HEDGE

    run(main())


def test_funding_info_from_rest_and_from_stream_snapshots_merged_with_deltas() -> None:
    async def main() -> None:
        connector = Answered()
        connector.answers["/v5/market/tickers"] = ok({"category": "linear", "list": [TICKER]})
        info = await connector.request_funding_info(BTC)
        assert info == FundingInfo(BTC, D("30001.20"), D("30000.50"), 1763740800.0, D("0.0001"))
        assert "tickers.BTCUSDT" in connector.market_topics()
        snapshot = {"topic": "tickers.BTCUSDT", "type": "snapshot", "cs": 1, "ts": 1,
                    "data": TICKER}
        assert connector.parse_market_message(snapshot) == [info]
        delta = {"topic": "tickers.BTCUSDT", "type": "delta", "cs": 2, "ts": 2,
                 "data": {"symbol": "BTCUSDT", "markPrice": "30010.00", "fundingRate": ""}}
        merged = connector.parse_market_message(delta)
        assert merged == [FundingInfo(BTC, D("30001.20"), D("30010.00"), 1763740800.0,
                                      D("0.0001"))]
        fresh = Answered()
        assert fresh.parse_market_message(delta) == []  # a delta before any snapshot

    run(main())


def test_funding_payments_come_from_settlements_once_each() -> None:
    async def main() -> None:
        connector = Answered()
        events: list[Event] = []
        connector.subscribe(events.append)

        def settlement(at: str, funding: str, side: str = "Buy") -> dict[str, Any]:
            return {"id": at, "symbol": "BTCUSDT", "category": "linear", "side": side,
                    "transactionTime": at, "type": "SETTLEMENT", "qty": "0.01",
                    "size": "0.01", "currency": "USDT", "tradePrice": "30000",
                    "funding": funding, "fee": "", "cashFlow": "0", "change": funding,
                    "cashBalance": "1000", "feeRate": "0.0001", "bonusChange": "",
                    "tradeId": "", "orderId": "", "orderLinkId": ""}

        log = "/v5/account/transaction-log"
        connector.answers[log] = ok({"list": [settlement("1763712000000", "-0.03")],
                                     "nextPageCursor": ""})
        await connector.poll_funding_payments()
        connector.answers[log] = ok({"list": [
            settlement("1763740800000", "0.02", side="Sell"),
            settlement("1763712000000", "-0.03"),
            {**settlement("1763740800001", "-1"), "type": "TRADE"}], "nextPageCursor": ""})
        await connector.poll_funding_payments()
        await connector.poll_funding_payments()
        paid = [e for e in events if isinstance(e, FundingPayment)]
        assert [(e.timestamp, e.amount, e.funding_rate) for e in paid] == [
            (1763740800.0, D("0.02"), D("-0.0001"))]
        assert connector.sent[-1][1]["type"] == "SETTLEMENT"

    run(main())


def test_a_liquidation_the_stream_lost_is_found_by_rest_once_and_old_ones_are_not_news(
        ) -> None:
    """Found by PROP-LIFE-1 (dev seed 491547550): a liquidation delayed on the stream, then
    lost when every connection dropped, was never reported."""
    async def main() -> None:
        connector = Answered()
        events: list[Event] = []
        connector.subscribe(events.append)

        def execution(exec_id: str, exec_type: str, at: str, qty: str) -> dict[str, Any]:
            return {"symbol": "BTCUSDT", "orderType": "Market", "underlyingPrice": "",
                    "orderLinkId": "", "side": "Sell", "indexPrice": "", "orderId": "o" + exec_id,
                    "stopOrderType": "UNKNOWN", "leavesQty": "0", "execTime": at,
                    "feeCurrency": "", "isMaker": False, "execFee": "0", "feeRate": "0",
                    "execId": exec_id, "tradeIv": "", "blockTradeId": "", "markPrice": "27000",
                    "execPrice": "27000", "markIv": "", "orderQty": qty, "orderPrice": "27000",
                    "execValue": "1", "execType": exec_type, "execQty": qty, "closedSize": qty,
                    "extraFees": "", "seq": 1}

        listed: list[dict[str, Any]] = [execution("old", "BustTrade", "1763700000000", "0.5")]
        connector.answers["/v5/execution/list"] = lambda params: ok({
            "category": "linear", "nextPageCursor": "",
            "list": [e for e in listed if e["execType"] == params["execType"]]})
        await connector.poll_liquidations()  # before: what is there already is not news
        streamed = execution("streamed", "BustTrade", "1763712000000", "0.006")
        reported = connector.parse_user_message({"topic": "execution", "data": [
            {**streamed, "category": "linear"}]})
        listed[:0] = [execution("lost", "AdlTrade", "1763712000500", "0.004"), streamed]
        await connector.poll_liquidations()
        await connector.poll_liquidations()
        assert [(e.amount, e.reason, e.side) for e in reported] == [
            (D("0.006"), "liquidation", PositionSide.BOTH)]
        found = [e for e in events if isinstance(e, PositionLiquidated)]
        assert [(e.timestamp, e.amount, e.price, e.reason) for e in found] == [
            (1763712000.5, D("0.004"), D("27000"), "adl")]
        assert {(path, params["execType"], params["category"]) for path, params
                in connector.sent} == {("/v5/execution/list", kind, "linear")
                                       for kind in ("BustTrade", "AdlTrade")}

    run(main())


def test_the_perpetual_connector_declares_its_modes_and_collateral() -> None:
    connector = Answered()
    assert connector.supported_position_modes == {PositionMode.ONEWAY, PositionMode.HEDGE}
    assert connector.get_buy_collateral_token(BTC) == "USDT"
    assert "position" in connector.private_topics
    assert connector.market_stream_url().endswith("/v5/public/linear")
