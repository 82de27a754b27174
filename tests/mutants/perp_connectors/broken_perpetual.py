"""Broken variants of BybitPerpetualConnector, one bug each: proof that the PERP checks bite
(tests/mutants/test_perp_mutants_are_caught.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from connectors.bybit.parsing import result_list
from connectors.bybit_perpetual import constants as c
from connectors.bybit_perpetual.connector import BybitPerpetualConnector
from connectors.bybit_perpetual.parsing import parse_funding_payments
from harness.standard.api import FundingInfo, FundingPaymentRecord, Position
from harness.standard.enums import (
    OrderState,
    OrderType,
    PositionAction,
    PositionMode,
    PositionSide,
    TradeSide,
)
from harness.standard.errors import SettingRefused
from harness.standard.model import Fill, OrderUpdate
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair


class UnsignedShortPositions(BybitPerpetualConnector):
    """A short's size is reported positive."""

    async def request_positions(self) -> Sequence[Position]:
        return [replace(p, amount=abs(p.amount)) for p in await super().request_positions()]


class IgnoresPositionStream(BybitPerpetualConnector):
    """The position topic is dropped."""

    def parse_user_message(self, message: Any) -> list[Any]:
        if isinstance(message, dict) and message.get("topic") == "position":
            return []
        return super().parse_user_message(message)


class HedgeSidesMerged(BybitPerpetualConnector):
    """Every position is keyed BOTH, so a hedge account's sides overwrite each other."""

    async def request_positions(self) -> Sequence[Position]:
        return [replace(p, side=PositionSide.BOTH) for p in await super().request_positions()]


class LeverageNeverSent(BybitPerpetualConnector):
    """set_leverage believes itself without asking the exchange."""

    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        return None


class LeverageRefusalIgnored(BybitPerpetualConnector):
    """A refused leverage is taken as set."""

    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        try:
            await super().request_set_leverage(pair, leverage)
        except Exception:
            return None


class NoLocalLeverageCheck(BybitPerpetualConnector):
    """Any leverage is sent to the exchange."""

    max_leverage = 1_000_000


class ModeNeverSent(BybitPerpetualConnector):
    """set_position_mode believes itself without asking the exchange."""

    async def request_set_position_mode(self, mode: PositionMode) -> None:
        return None


class ModeRefusalIgnored(BybitPerpetualConnector):
    """A refused position mode is taken as set."""

    async def request_set_position_mode(self, mode: PositionMode) -> None:
        try:
            await super().request_set_position_mode(mode)
        except Exception:
            return None


class FundingRateInPercent(BybitPerpetualConnector):
    """The funding rate is reported in percent."""

    async def request_funding_info(self, pair: TradingPair) -> FundingInfo:
        info = await super().request_funding_info(pair)
        return replace(info, rate=info.rate * 100)


class IgnoresTickerStream(BybitPerpetualConnector):
    """Funding info never follows the tickers topic."""

    def parse_market_message(self, message: Any) -> list[Any]:
        if isinstance(message, dict) and str(message.get("topic", "")).startswith("tickers."):
            return []
        return super().parse_market_message(message)


class ReportsFundingHistory(BybitPerpetualConnector):
    """The first poll sees nothing (a bad seed), so the history is reported as new."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._polled: set[TradingPair] = set()

    async def request_funding_payments(self, pair: TradingPair
                                       ) -> Sequence[FundingPaymentRecord]:
        if pair not in self._polled:
            self._polled.add(pair)
            await super().request_funding_payments(pair)
            return []
        return await super().request_funding_payments(pair)


class CloseNotReduceOnly(BybitPerpetualConnector):
    """A closing order goes out as an ordinary one."""

    def order_payload(self, order: TrackedOrder) -> dict[str, Any]:
        payload = super().order_payload(order)
        payload.pop("reduceOnly", None)
        return payload


class BaseCollateral(BybitPerpetualConnector):
    """Collateral is said to be the base asset."""

    def collateral_token(self, pair: TradingPair, side: TradeSide) -> str:
        return pair.base


class PositionsNeverClosed(BybitPerpetualConnector):
    """A position missing from a later poll stays open."""

    async def update_positions(self) -> None:
        for report in await self.request_positions():
            self.position_tracker.apply(report)
        self.position_tracker.loaded = True
        self._changed()


class EmitsUnchangedPositions(BybitPerpetualConnector):
    """Every poll reports every position again, changed or not."""

    async def update_positions(self) -> None:
        self.position_tracker._positions.clear()
        await super().update_positions()


class LeverageEventsMissing(BybitPerpetualConnector):
    """Leverage changes happen, or not, without a LeverageChanged."""

    async def set_leverage(self, pair: TradingPair, leverage: int) -> None:
        if not 1 <= leverage <= self.max_leverage:
            raise SettingRefused(f"leverage {leverage} out of range", sent=False)
        try:
            await self.request_set_leverage(pair, leverage)
        except Exception as exc:
            raise SettingRefused(str(exc), sent=True) from exc
        self._leverage[pair] = leverage


class ModeEventsMissing(BybitPerpetualConnector):
    """Position-mode changes happen without a PositionModeChanged."""

    async def set_position_mode(self, mode: PositionMode) -> None:
        try:
            await self.request_set_position_mode(mode)
        except Exception as exc:
            raise SettingRefused(str(exc), sent=True) from exc
        self._mode = mode


class PaymentsForEveryPair(BybitPerpetualConnector):
    """Every settlement in the log is taken for the pair being polled."""

    async def request_funding_payments(self, pair: TradingPair
                                       ) -> Sequence[FundingPaymentRecord]:
        payload = await self._get(c.TRANSACTION_LOG_PATH, {
            "accountType": "UNIFIED", "category": self.category, "currency": c.SETTLE_COIN,
            "type": "SETTLEMENT"}, signed=True)
        return parse_funding_payments(result_list(payload), pair)


class ReadyWithoutFunding(BybitPerpetualConnector):
    """Readiness forgets funding info."""

    @property
    def status(self) -> Mapping[str, bool]:
        return {k: v for k, v in super().status.items() if k != "funding_info"}


class OpenAsReduceOnly(BybitPerpetualConnector):
    """Every order goes out reduce-only."""

    def order_payload(self, order: TrackedOrder) -> dict[str, Any]:
        return {**super().order_payload(order), "reduceOnly": True}


class HedgeIndexIgnored(BybitPerpetualConnector):
    """Orders always name the one-way position index."""

    def position_index(self, side: TradeSide, action: PositionAction) -> int:
        return 0


class LeverageForAllPairs(BybitPerpetualConnector):
    """A leverage set for one pair is believed for every pair."""

    async def set_leverage(self, pair: TradingPair, leverage: int) -> None:
        await super().set_leverage(pair, leverage)
        for other in self.config.trading_pairs:
            self._leverage[other] = leverage


class UnsignedSetLeverage(BybitPerpetualConnector):
    """set-leverage goes out without credentials."""

    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        from harness.base import RestRequest

        await self.rest.request(RestRequest(
            "POST", self.url("rest", c.SET_LEVERAGE_PATH),
            body=json.dumps({"category": self.category, "symbol": self._symbol(pair),
                             "buyLeverage": str(leverage), "sellLeverage": str(leverage)},
                            separators=(",", ":")),
            headers={"Content-Type": "application/json"}))


class DefaultClose(BybitPerpetualConnector):
    """An order without a position action is taken as closing."""

    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.CLOSE) -> str:
        return await super().place_order(pair, side, order_type, amount, price,
                                         position_action)


class ReadyWithoutPositions(BybitPerpetualConnector):
    """Readiness forgets positions."""

    @property
    def status(self) -> Mapping[str, bool]:
        return {k: v for k, v in super().status.items() if k != "positions"}


class FillsWithoutPositionTerms(BybitPerpetualConnector):
    """Fills carry neither the position action, nor the position side, nor the leverage."""

    def fill_terms(self, order: TrackedOrder, fill: Fill) -> Fill:
        return fill


class CappedCloseNeverCompletes(BybitPerpetualConnector):
    """A Filled report with less executed than the order's amount (a reduce-only order the
    exchange truncated to the position) is taken as a partial fill: the order never ends."""

    async def _apply_update(self, update: OrderUpdate) -> None:
        order = self.orders.find(update.client_order_id, update.exchange_order_id)
        if update.state is OrderState.FILLED and order is not None \
                and (update.executed_amount or order.executed_amount) < order.amount:
            return
        await super()._apply_update(update)


class LiquidationsIgnored(BybitPerpetualConnector):
    """Liquidation and ADL executions are dropped."""

    def _liquidations(self, message: dict[str, Any]) -> list[Any]:
        return []
