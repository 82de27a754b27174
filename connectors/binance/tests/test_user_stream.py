"""User data events (user-data-stream.md), as the cassettes recorded them, and the WebSocket API
subscription request."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from connectors.binance.auth import verify_ws_params
from connectors.binance.tests.recorded import user_event
from connectors.binance.tests.test_auth import DOCS_API_KEY, DOCS_SECRET
from connectors.binance.user_stream import (
    SubscriptionRefused,
    parse_user_message,
    subscribe,
    subscribe_request,
)
from harness.base.stream import StreamConnection
from harness.standard.enums import OrderState, TradeSide
from harness.standard.model import BalanceChange, Fill, OrderUpdate, TradeFee
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
PAIR_OF = {"BTCUSDT": BTC_USDT}.get
D = Decimal


def test_a_new_report_is_an_open_order_update() -> None:
    [update] = parse_user_message(user_event("fills_by_stream", "NEW"), PAIR_OF)
    assert update == OrderUpdate("CH-Bt1", "52", OrderState.OPEN, 1795248000.15,
                                 executed_amount=D(0))


def test_a_trade_report_gives_the_fill_then_the_state() -> None:
    fill, update = parse_user_message(user_event("fills_by_stream", "TRADE"), PAIR_OF)
    assert fill == Fill("200", "CH-Bt1", "52", BTC_USDT, TradeSide.BUY, D(30000), D("0.004"),
                        TradeFee("BTC", D("0.000004")), 1795248000.2, is_maker=True)
    assert isinstance(update, OrderUpdate)
    assert (update.state, update.executed_amount) == (OrderState.PARTIALLY_FILLED, D("0.004"))


def test_a_fee_free_trade_has_a_zero_fee_in_the_quote_asset() -> None:
    message = user_event("fills_by_stream", "TRADE", n="0", N=None)
    fill = parse_user_message(message, PAIR_OF)[0]
    assert isinstance(fill, Fill) and fill.fee == TradeFee("USDT", D(0))


def test_a_cancel_report_names_the_original_client_id() -> None:
    message = user_event("cancel_by_stream", "CANCELED")  # cancelled elsewhere: c is its id
    [update] = parse_user_message(message, PAIR_OF)
    assert isinstance(update, OrderUpdate)
    assert (update.client_order_id, update.state) == ("CH-Bt1", OrderState.CANCELED)


def test_a_rejection_carries_its_reason() -> None:
    message = user_event("fills_by_stream", "NEW", x="REJECTED", X="REJECTED",
                         r="INSUFFICIENT_BALANCES")
    [update] = parse_user_message(message, PAIR_OF)
    assert isinstance(update, OrderUpdate)
    assert (update.state, update.reason) == (OrderState.FAILED, "INSUFFICIENT_BALANCES")


def test_reports_on_markets_not_traded_here_are_ignored() -> None:
    assert parse_user_message(user_event("fills_by_stream", "NEW", s="XYZBTC"), PAIR_OF) == []


def test_account_position_gives_absolute_balances() -> None:
    message = user_event("balances_by_stream", "outboundAccountPosition")
    assert parse_user_message(message, PAIR_OF) == [
        BalanceChange("BTC", D("2.2"), D("1.2")), BalanceChange("ETH", D(3), D(3))]


@pytest.mark.parametrize("message", [
    {"subscriptionId": 0, "event": {"e": "balanceUpdate", "E": 1573200697110, "a": "BTC",
                                    "d": "100.00000000", "T": 1573200697068}},
    {"id": 7, "status": 200, "result": {}},
    "not a dict"])
def test_deltas_and_replies_yield_nothing(message: object) -> None:
    assert parse_user_message(message, PAIR_OF) == []


@pytest.mark.parametrize("message", [
    {"subscriptionId": 0, "event": {"e": "eventStreamTerminated", "E": 1728973001334}},
    {"event": {"e": "serverShutdown", "E": 1770123456789}},
    {"id": None, "status": 401,
     "error": {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}}])
def test_the_end_of_the_subscription_is_a_disconnect(message: object) -> None:
    with pytest.raises(ConnectionError):
        parse_user_message(message, PAIR_OF)


def test_the_subscription_request_is_signed_like_any_ws_api_request() -> None:
    request = subscribe_request(3, DOCS_API_KEY, DOCS_SECRET, 1747385641636)
    assert (request["id"], request["method"]) == (3, "userDataStream.subscribe.signature")
    assert set(request["params"]) == {"apiKey", "timestamp", "signature"}
    assert verify_ws_params(request["params"], DOCS_SECRET) is None


class _Connection(StreamConnection):
    """Replies queued in advance, sent frames recorded."""

    def __init__(self, *replies: Any) -> None:
        self.sent: list[Any] = []
        self._replies = list(replies)

    async def send_json(self, payload: Any) -> None:
        self.sent.append(payload)

    async def receive_json(self) -> Any:
        return self._replies.pop(0)


def test_subscribe_waits_for_its_own_answer() -> None:
    connection = _Connection({"id": 99, "status": 200, "result": {}},
                             {"id": 4, "status": 200, "result": {"subscriptionId": 7}})
    assert asyncio.run(subscribe(connection, 4, "key", "secret", 1747385641636)) == 7
    assert connection.sent[0]["method"] == "userDataStream.subscribe.signature"


def test_a_refused_subscription_keeps_binance_code() -> None:
    connection = _Connection({"id": 4, "status": 400, "error": {
        "code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}})
    with pytest.raises(SubscriptionRefused, match="recvWindow") as refused:
        asyncio.run(subscribe(connection, 4, "key", "secret", 1747385641636))
    assert refused.value.code == -1021
