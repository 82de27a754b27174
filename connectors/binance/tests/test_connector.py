"""Connector-level rules: client order ids, parameters, rate limits, placement errors."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from typing import Any

import pytest

from connectors.binance import constants as c
from connectors.binance.connector import BinanceSpotConnector, format_decimal
from harness.base import RestRequest
from harness.base.client_ids import ClientOrderIdFactory
from harness.base.throttler import Throttler
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderType, TradeSide
from harness.standard.errors import (
    ExchangeError,
    OrderRejected,
    RateLimited,
    TimeSyncError,
    UnknownOutcome,
)
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

BINANCE_CLIENT_ID = re.compile(r"^[a-zA-Z0-9-_]{1,36}$")  # fix-api.md and error -1100
BTC_USDT = TradingPair("BTC", "USDT")


@pytest.mark.parametrize("session_tag", ["", "t", "harness_run-7"])
def test_client_order_ids_fit_binance_pattern_even_when_the_counter_grows(
        session_tag: str) -> None:
    factory = ClientOrderIdFactory(BinanceSpotConnector.client_order_id_prefix,
                                   BinanceSpotConnector.client_order_id_max_length, session_tag)
    ids = [factory.new(side) for _ in range(2000) for side in "BS"]
    assert all(BINANCE_CLIENT_ID.match(cid) and cid.startswith("CH-") for cid in ids)
    assert len(set(ids)) == len(ids)


def test_a_session_tag_binance_would_reject_fails_at_construction() -> None:
    with pytest.raises(ValueError, match=re.escape("session_tag 'run.1'")):
        BinanceSpotConnector(ConnectorConfig((BTC_USDT,), session_tag="run.1"))


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("0.00100000"), "0.001"), (Decimal("1E+2"), "100"), (Decimal("1E-8"), "0.00000001"),
    (Decimal("30001.00"), "30001")])
def test_decimal_parameters_are_plain(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def _requests_before_a_wait(limit_id: str, clock: _Clock) -> int:
    throttler = Throttler(c.RATE_LIMITS, now=clock.time, sleep=clock.sleep)
    count = 0
    while clock.now == 0.0:
        await throttler.acquire(limit_id)
        count += 1
    return count - 1


@pytest.mark.parametrize(("limit_id", "allowed", "wait"), [
    (c.limit_id("GET", c.EXCHANGE_INFO_PATH), 300, 60.0),  # 6000 weight / 20
    (c.limit_id("GET", c.DEPTH_PATH), 120, 60.0),  # limit=1000 weighs 50
    (c.limit_id("GET", c.ORDER_PATH), 1500, 60.0),  # weight 4
    (c.limit_id("POST", c.ORDER_PATH), 100, 10.0),  # ORDERS 100 per 10 s
])
def test_declared_limits_hold_requests_back(limit_id: str, allowed: int, wait: float) -> None:
    clock = _Clock()
    assert asyncio.run(_requests_before_a_wait(limit_id, clock)) == allowed
    assert clock.now == pytest.approx(wait, abs=0.01)


def test_every_endpoint_spends_from_the_weight_and_raw_request_pools() -> None:
    pools = {limit.limit_id for limit in c.POOLS}
    for limit in c.RATE_LIMITS:
        if limit.limit_id not in pools:
            linked = dict(limit.linked)
            assert linked[c.REQUEST_WEIGHT] >= 1 and linked[c.RAW_REQUESTS] == 1, limit


def _connector_whose_rest_raises(error: Exception) -> BinanceSpotConnector:
    connector = BinanceSpotConnector(ConnectorConfig((BTC_USDT,), api_key="k", api_secret="s"))
    sent: list[RestRequest] = []

    async def request(req: RestRequest) -> Any:
        sent.append(req)
        raise error

    connector.rest.request = request  # type: ignore[method-assign, assignment]
    return connector


def _order() -> TrackedOrder:
    return TrackedOrder("CH-Bt1", BTC_USDT, TradeSide.BUY, OrderType.LIMIT, Decimal("0.01"),
                        Decimal(30000), 0.0)


@pytest.mark.parametrize("error", [
    ExchangeError("Filter failure: PRICE_FILTER (Binance code -1013)"),
    TimeSyncError("Timestamp for this request is outside of the recvWindow."),
    RateLimited("HTTP 429", 1.0),
])
def test_a_definite_refusal_of_a_placement_is_a_rejection(error: Exception) -> None:
    connector = _connector_whose_rest_raises(error)
    with pytest.raises(OrderRejected, match=re.escape(str(error))):
        asyncio.run(connector.request_place_order(_order()))


def test_an_unknown_outcome_stays_unknown() -> None:
    connector = _connector_whose_rest_raises(UnknownOutcome("HTTP 503"))
    with pytest.raises(UnknownOutcome):
        asyncio.run(connector.request_place_order(_order()))
