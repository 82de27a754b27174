"""Unit tests in the aioresponses style (Hummingbot's), fed only from the cassettes: no
hand-written payload, no socket. The bytes are those the conformance checks replay."""

from __future__ import annotations

import asyncio
import unittest
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from connectors.binance import BinanceSpotConnector
from connectors.binance.auth import verify_signed_request
from connectors.binance.tests.events import ready
from connectors.binance.tests.recorded import CASSETTES, cassette
from harness.mocks import CassetteMock
from harness.replay import CassetteMismatch
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderState, OrderType, TradeSide
from harness.standard.events import OrderCompleted, OrderCreated, OrderFilled
from harness.standard.model import Balance
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

# harness.mocks' optional dependency (the `aioresponses` extra; `dev` has it): without it
# these tests skip and say so, and the connector's other tests and checks still run.
aioresponses = pytest.importorskip(
    "aioresponses", reason="needs the aioresponses extra: pip install -e '.[aioresponses]'"
).aioresponses

KEY, SECRET = "unit-test-key", "unit-test-secret"
BTC_USDT, ETH_USDT = TradingPair("BTC", "USDT"), TradingPair("ETH", "USDT")
# The URLs the cassettes recorded: nothing reaches them, the mocks answer in-process.
URLS = {"rest": "https://api.binance.com", "ws_public": "wss://stream.binance.com:9443",
        "ws_private": "wss://ws-api.binance.com:443"}
D = Decimal
T = TypeVar("T")


def _connector(**overrides: Any) -> BinanceSpotConnector:
    values: dict[str, Any] = dict(trading_pairs=(BTC_USDT, ETH_USDT), api_key=KEY,
                                  api_secret=SECRET, urls=URLS, session_tag="t")
    return BinanceSpotConnector(ConnectorConfig(**{**values, **overrides}))


def _signed_with_our_secret(request: Any) -> str | None:
    return verify_signed_request(request, SECRET)


def _run(connector: BinanceSpotConnector, call: Callable[[], Awaitable[T]]) -> T:
    async def scenario() -> T:
        try:
            return await call()
        finally:
            await connector.rest.close()

    return asyncio.run(scenario())


def _limit_buy(price: Decimal = Decimal(30000)) -> TrackedOrder:
    return TrackedOrder("CH-Bt1", BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.01"), price, 0.0)


class BalancesTests(unittest.TestCase):
    """The shape of a Hummingbot connector test: a TestCase, `@aioresponses()` handing each
    test its mock; the cassette goes where the hand-written payload went."""

    @aioresponses()
    def test_balances_come_from_the_recorded_account(self, mock_api: aioresponses) -> None:
        with CassetteMock(cassette("balances"), responses=mock_api,
                          request_verifier=_signed_with_our_secret) as mock:
            connector = _connector()
            balances = _run(connector, connector.request_balances)
        self.assertEqual(balances, {"BTC": Balance(D(2), D("1.5")),
                                    "USDT": Balance(D(10250), D(10000)),
                                    "BNB": Balance(D(2), D(2))})
        [request] = mock.requests
        self.assertEqual(request.param("omitZeroBalances"), "true")


def test_a_limit_buy_is_placed_with_the_recorded_parameters() -> None:
    with CassetteMock(cassette("place_limit_buy"),
                      request_verifier=_signed_with_our_secret) as mock:
        connector = _connector()
        outcome = _run(connector, lambda: connector.request_place_order(_limit_buy()))
    assert (outcome.exchange_order_id, outcome.state) == ("28", OrderState.OPEN)
    [placed] = mock.requests
    assert (placed.status, placed.param("newClientOrderId")) == (200, "CH-Bt1")


def test_a_client_naming_its_orders_its_own_way_is_served_unless_replay_is_strict() -> None:
    own = TrackedOrder("my-bot-1", BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("0.0100"),
                       D("30000.00"), 0.0)
    with CassetteMock(cassette("place_limit_buy")) as mock:  # exchange.yaml: conformance
        connector = _connector()
        outcome = _run(connector, lambda: connector.request_place_order(own))
    assert outcome.exchange_order_id == "28"
    assert mock.requests[0].param("newClientOrderId") == "my-bot-1"
    with pytest.raises(CassetteMismatch, match="newClientOrderId=my-bot-1 but recorded CH-Bt1"), \
            CassetteMock(cassette("place_limit_buy"), exchange=None):
        connector = _connector()
        _run(connector, lambda: connector.request_place_order(own))


def test_a_request_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(CassetteMismatch, match="request_verifier rejected it"), \
            CassetteMock(cassette("place_limit_buy"), request_verifier=_signed_with_our_secret):
        connector = _connector(api_secret="another-secret")
        _run(connector, lambda: connector.request_place_order(_limit_buy()))


def test_a_placement_the_cassette_did_not_record_fails_naming_the_recorded_one() -> None:
    # The connector turns the refused request into UnknownOutcome, as it would a lost
    # connection; the mock still fails the test, and says which parameter differs.
    with pytest.raises(CassetteMismatch) as raised, CassetteMock(cassette("place_limit_buy")):
        connector = _connector()
        _run(connector, lambda: connector.request_place_order(_limit_buy(D(30001))))
    message = str(raised.value)
    assert "unmatched request POST api.binance.com/api/v3/order" in message
    # conformance mode (cassettes/binance/exchange.yaml): prices compare by value
    assert "params failed: price=30001 but the scenario has 30000" in message


def test_a_fill_from_the_user_stream_rest_and_websocket_from_one_cassette(
        cassette_mock: Callable[..., CassetteMock]) -> None:
    mock = cassette_mock(CASSETTES / "fills_by_stream.yaml", strict=True,
                         request_verifier=_signed_with_our_secret)
    expected = mock.cassette.meta.expect
    connector = _connector(poll_interval=1000)  # the stream alone reports the fills

    async def scenario() -> list[Any]:
        async with ready(connector, lambda: str(mock.mismatches)) as recorder:
            order = mock.cassette.meta.inputs["order"]
            cid = await connector.place_order(BTC_USDT, TradeSide.BUY, OrderType.LIMIT,
                                              D(order["amount"]), D(order["price"]))
            await recorder.wait(lambda: OrderCompleted in recorder.of(cid), "the fills")
            assert recorder.of(cid) == [OrderCreated, OrderFilled, OrderFilled, OrderCompleted]
            return [e.fill for e in recorder.events if isinstance(e, OrderFilled)]

    fills = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert [(f.trade_id, f.price, f.amount, f.fee.asset, f.fee.amount) for f in fills] == [
        (e["trade_id"], D(e["price"]), D(e["amount"]), e["fee_asset"], D(e["fee_amount"]))
        for e in expected["fills"]]
    # every frame of the cassette was played, every interaction served (strict)
    assert len(mock.sockets) == 2 and not mock.unused()
