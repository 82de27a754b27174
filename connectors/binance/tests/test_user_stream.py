"""User data events (user-data-stream.md) and the WebSocket API subscription request."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from connectors.binance.auth import verify_ws_params
from connectors.binance.tests import payloads
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

ETH_BTC = TradingPair("ETH", "BTC")
PAIR_OF = {"ETHBTC": ETH_BTC}.get
D = Decimal


def test_the_docs_new_report_is_an_open_order_update() -> None:
    [update] = parse_user_message(payloads.execution_report(), PAIR_OF)
    assert update == OrderUpdate("mUvoqJxFIILMdfAW5iGSOW", "4293153", OrderState.OPEN,
                                 1499405658.657, executed_amount=D(0))


def test_a_trade_report_gives_the_fill_then_the_state() -> None:
    message = payloads.execution_report(
        x="TRADE", X="PARTIALLY_FILLED", l="0.40000000", z="0.40000000", L="0.10264400",
        n="0.00040000", N="ETH", t=998, m=True)
    fill, update = parse_user_message(message, PAIR_OF)
    assert fill == Fill("998", "mUvoqJxFIILMdfAW5iGSOW", "4293153", ETH_BTC, TradeSide.BUY,
                        D("0.102644"), D("0.4"), TradeFee("ETH", D("0.0004")), 1499405658.657,
                        is_maker=True)
    assert isinstance(update, OrderUpdate)
    assert (update.state, update.executed_amount) == (OrderState.PARTIALLY_FILLED, D("0.4"))


def test_a_fee_free_trade_has_a_zero_fee_in_the_quote_asset() -> None:
    message = payloads.execution_report(x="TRADE", X="FILLED", l="1", z="1", L="0.1", t=5)
    fill = parse_user_message(message, PAIR_OF)[0]
    assert isinstance(fill, Fill) and fill.fee == TradeFee("BTC", D(0))


def test_a_cancel_report_names_the_original_client_id() -> None:
    message = payloads.execution_report(x="CANCELED", X="CANCELED", c="cancelId1",
                                        C="mUvoqJxFIILMdfAW5iGSOW")
    [update] = parse_user_message(message, PAIR_OF)
    assert isinstance(update, OrderUpdate)
    assert (update.client_order_id, update.state) == ("mUvoqJxFIILMdfAW5iGSOW",
                                                      OrderState.CANCELED)


def test_a_rejection_carries_its_reason() -> None:
    message = payloads.execution_report(x="REJECTED", X="REJECTED", r="INSUFFICIENT_BALANCES")
    [update] = parse_user_message(message, PAIR_OF)
    assert isinstance(update, OrderUpdate)
    assert (update.state, update.reason) == (OrderState.FAILED, "INSUFFICIENT_BALANCES")


def test_reports_on_markets_not_traded_here_are_ignored() -> None:
    assert parse_user_message(payloads.execution_report(s="XYZBTC"), PAIR_OF) == []


def test_account_position_gives_absolute_balances() -> None:
    message = payloads.account_position()
    message["event"]["B"].append({"a": "BTC", "f": "1.5", "l": "0.25"})
    assert parse_user_message(message, PAIR_OF) == [
        BalanceChange("ETH", D(10000), D(10000)), BalanceChange("BTC", D("1.75"), D("1.5"))]


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
    request = subscribe_request(3, payloads.DOCS_API_KEY, payloads.DOCS_SECRET, 1747385641636)
    assert (request["id"], request["method"]) == (3, "userDataStream.subscribe.signature")
    assert set(request["params"]) == {"apiKey", "timestamp", "signature"}
    assert verify_ws_params(request["params"], payloads.DOCS_SECRET) is None


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
