"""The perpetual base: positions, leverage and mode confirmed by the exchange (or refused
locally), funding info and payments exactly once, collateral tokens, readiness."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from harness.base import PerpetualExchangeBase, RestRequest
from harness.base.hooks import MarketInfo, MarketMessage, UserMessage
from harness.base.stream import StreamConnection
from harness.standard.api import FundingInfo, FundingPaymentRecord, Position
from harness.standard.config import ConnectorConfig
from harness.standard.enums import PositionMode, PositionSide
from harness.standard.errors import ConnectorError, ExchangeError, SettingRefused
from harness.standard.events import (
    Event,
    FundingInfoUpdated,
    FundingPayment,
    LeverageChanged,
    PositionModeChanged,
    PositionUpdated,
)
from harness.standard.model import Balance, Fill, OrderUpdate, PlacementOutcome
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair
from tests.fixtures.aio import run

BTC = TradingPair("BTC", "USDT")
D = Decimal


class Perp(PerpetualExchangeBase):
    """In-memory hooks: the test sets what the exchange answers."""

    name = "perp"
    default_urls: Mapping[str, str] = {"rest": "http://unused"}
    position_modes = frozenset({PositionMode.ONEWAY, PositionMode.HEDGE})
    max_leverage = 50

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self.requests: list[tuple[str, Any]] = []
        self.refuse: str | None = None
        self.exchange_positions: list[Position] = []
        self.payments: list[FundingPaymentRecord] = []

    def _answer(self, what: str, value: Any) -> None:
        self.requests.append((what, value))
        if self.refuse:
            raise ExchangeError(self.refuse)

    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        self._answer("leverage", (pair, leverage))

    async def request_set_position_mode(self, mode: PositionMode) -> None:
        self._answer("mode", mode)

    async def request_positions(self) -> Sequence[Position]:
        return list(self.exchange_positions)

    async def request_funding_info(self, pair: TradingPair) -> FundingInfo:
        self.requests.append(("funding", pair))
        return FundingInfo(pair, D("30000"), D("30001"), 1_700_000_000.0, D("0.0001"))

    async def request_funding_payments(self, pair: TradingPair
                                       ) -> Sequence[FundingPaymentRecord]:
        return list(self.payments)

    # spot hooks: unused here ---------------------------------------------------------
    def authenticate(self, request: RestRequest) -> RestRequest:
        return request

    def classify_error(self, status: int, headers: Mapping[str, str], body: Any
                       ) -> ConnectorError | None:
        return None

    async def request_server_time_ms(self) -> float:
        raise NotImplementedError

    async def request_ping(self) -> None:
        raise NotImplementedError

    async def request_markets(self) -> Iterable[Any]:
        raise NotImplementedError

    def parse_market(self, record: Any) -> MarketInfo | None:
        raise NotImplementedError

    async def request_last_prices(self, pairs: Sequence[TradingPair]
                                  ) -> dict[TradingPair, Decimal]:
        raise NotImplementedError

    async def request_order_book_snapshot(self, pair: TradingPair) -> OrderBookSnapshot:
        raise NotImplementedError

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        raise NotImplementedError

    async def request_cancel(self, order: TrackedOrder) -> OrderUpdate:
        raise NotImplementedError

    async def request_order_status(self, order: TrackedOrder) -> OrderUpdate:
        raise NotImplementedError

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        raise NotImplementedError

    async def request_balances(self) -> dict[str, Balance]:
        raise NotImplementedError

    def market_stream_url(self) -> str:
        raise NotImplementedError

    async def subscribe_market_stream(self, connection: StreamConnection) -> None:
        raise NotImplementedError

    def parse_market_message(self, message: Any) -> list[MarketMessage]:
        raise NotImplementedError

    def user_stream_url(self) -> str:
        raise NotImplementedError

    async def subscribe_user_stream(self, connection: StreamConnection) -> None:
        raise NotImplementedError

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        raise NotImplementedError


def make() -> tuple[Perp, list[Event]]:
    connector = Perp(ConnectorConfig(trading_pairs=(BTC,)))
    events: list[Event] = []
    connector.subscribe(events.append)
    return connector, events


def position(amount: str, side: PositionSide = PositionSide.BOTH, pnl: str = "0") -> Position:
    return Position(BTC, side, D(amount), D("30000"), D(pnl), 5)


def test_leverage_is_set_only_once_the_exchange_accepted_it() -> None:
    async def main() -> None:
        connector, events = make()
        assert connector.get_leverage(BTC) == 1
        await connector.set_leverage(BTC, 5)
        assert connector.get_leverage(BTC) == 5 and connector.requests == [("leverage", (BTC, 5))]
        connector.refuse = "Set leverage has not been modified."
        with pytest.raises(SettingRefused) as refused:
            await connector.set_leverage(BTC, 7)
        assert refused.value.sent and connector.get_leverage(BTC) == 5
        assert [(e.leverage, e.success) for e in events if isinstance(e, LeverageChanged)] == [
            (5, True), (7, False)]

    run(main())


def test_leverage_out_of_range_or_for_an_unknown_pair_is_refused_without_a_request() -> None:
    async def main() -> None:
        connector, events = make()
        for pair, leverage in ((BTC, 0), (BTC, 51), (TradingPair("DOGE", "USDT"), 2)):
            with pytest.raises(SettingRefused) as refused:
                await connector.set_leverage(pair, leverage)
            assert not refused.value.sent
        assert connector.requests == [] and len(events) == 3

    run(main())


def test_position_mode_changes_after_the_exchange_answers_and_unsupported_modes_never_ask(
        ) -> None:
    async def main() -> None:
        connector, events = make()
        assert connector.position_mode is PositionMode.ONEWAY
        assert connector.supported_position_modes == {PositionMode.ONEWAY, PositionMode.HEDGE}
        await connector.set_position_mode(PositionMode.HEDGE)
        assert connector.position_mode is PositionMode.HEDGE
        connector.refuse = "You have an existing position"
        with pytest.raises(SettingRefused):
            await connector.set_position_mode(PositionMode.ONEWAY)
        assert connector.position_mode is PositionMode.HEDGE
        connector.position_modes = frozenset({PositionMode.HEDGE})
        with pytest.raises(SettingRefused) as refused:
            await connector.set_position_mode(PositionMode.ONEWAY)
        assert not refused.value.sent and len(connector.requests) == 2
        assert [e.success for e in events if isinstance(e, PositionModeChanged)] == [
            True, False, False]

    run(main())


def test_an_event_stamped_before_a_mode_switch_belongs_to_the_mode_then_in_force() -> None:
    # Found by PROP-LIFE-1 on bybit_perpetual: a one-way liquidation reported late, after a
    # switch to hedge mode, was named the LONG leg instead of BOTH.
    async def main() -> None:
        connector, _ = make()
        connector.time_sync.offset_ms = -600_000.0  # the exchange's clock 10 minutes behind
        before = connector.time_sync.now_ms()
        assert connector.position_mode_at(before) is PositionMode.ONEWAY
        await connector.set_position_mode(PositionMode.HEDGE)
        switched = connector.time_sync.now_ms()
        await connector.set_position_mode(PositionMode.HEDGE)  # no change: no new boundary
        assert connector.position_mode_at(before - 1) is PositionMode.ONEWAY
        assert connector.position_mode_at(switched + 1) is PositionMode.HEDGE
        assert connector.position_mode_at(switched + 10**9) is PositionMode.HEDGE

    run(main())


def test_positions_from_rest_and_stream_emit_one_event_per_change_and_sides_stay_apart(
        ) -> None:
    async def main() -> None:
        connector, events = make()
        connector.exchange_positions = [position("0.01", PositionSide.LONG),
                                        position("-0.02", PositionSide.SHORT)]
        await connector.update_positions()
        await connector.update_positions()  # the same answer: nothing new
        assert set(connector.positions()) == {(BTC, PositionSide.LONG), (BTC, PositionSide.SHORT)}
        await connector._on_user_item(position("0.03", PositionSide.LONG, pnl="1"))
        assert connector.positions()[(BTC, PositionSide.SHORT)].amount == D("-0.02")
        connector.exchange_positions = [position("0.03", PositionSide.LONG, pnl="1")]
        await connector.update_positions()  # the short is gone: closed
        updates = [(e.side, e.amount) for e in events if isinstance(e, PositionUpdated)]
        assert updates == [(PositionSide.LONG, D("0.01")), (PositionSide.SHORT, D("-0.02")),
                           (PositionSide.LONG, D("0.03")), (PositionSide.SHORT, D("0"))]
        await connector._on_user_item(position("0", PositionSide.SHORT))  # already closed
        assert len([e for e in events if isinstance(e, PositionUpdated)]) == 4
        assert connector.status["positions"]

    run(main())


def test_readiness_waits_for_funding_info_and_stream_updates_replace_it() -> None:
    async def main() -> None:
        connector, events = make()
        assert connector.status["funding_info"] is False
        info = await connector.get_funding_info(BTC)
        assert connector.status["funding_info"] and info.rate == D("0.0001")
        await connector.get_funding_info(BTC)  # known: no second request
        assert connector.requests.count(("funding", BTC)) == 1
        connector._on_market_item(FundingInfo(BTC, D("1"), D("2"), 3.0, D("0.0002")))
        await connector.update_funding_info()
        assert connector.funding_infos()[BTC].rate == D("0.0001")
        rates = [e.rate for e in events if isinstance(e, FundingInfoUpdated)]
        assert rates == [D("0.0001"), D("0.0002"), D("0.0001")]

    run(main())


def test_funding_payments_first_poll_seeds_then_each_payment_is_reported_once() -> None:
    async def main() -> None:
        connector, events = make()
        old = FundingPaymentRecord(BTC, 100.0, D("-1"), D("0.0001"))
        connector.payments = [old]
        await connector.poll_funding_payments()
        assert not [e for e in events if isinstance(e, FundingPayment)]
        new = FundingPaymentRecord(BTC, 200.0, D("2"), D("-0.0001"))
        connector.payments = [new, old]
        await connector.poll_funding_payments()
        await connector.poll_funding_payments()  # the same answer again
        paid = [e for e in events if isinstance(e, FundingPayment)]
        assert [(e.timestamp, e.amount, e.funding_rate) for e in paid] == [
            (200.0, D("2"), D("-0.0001"))]

    run(main())


def test_collateral_is_the_quote_of_a_linear_contract() -> None:
    connector, _ = make()
    assert connector.get_buy_collateral_token(BTC) == "USDT"
    assert connector.get_sell_collateral_token(BTC) == "USDT"


def test_a_perpetual_order_opens_unless_told_to_close() -> None:
    async def main() -> None:
        from harness.standard.enums import OrderType, PositionAction, TradeSide

        connector, _ = make()
        # No trading rules are loaded: both fail locally, but are tracked with their action.
        opened = await connector.place_order(BTC, TradeSide.BUY, OrderType.LIMIT, D("1"), D("1"))
        closing = await connector.place_order(BTC, TradeSide.SELL, OrderType.LIMIT, D("1"),
                                              D("1"), PositionAction.CLOSE)
        assert connector.get_order(opened).position_action is PositionAction.OPEN  # type: ignore[union-attr]
        assert connector.get_order(closing).position_action is PositionAction.CLOSE  # type: ignore[union-attr]

    run(main())
