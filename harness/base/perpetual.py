"""PerpetualExchangeBase: the perpetual standard, implemented once, on PerpetualHooks.

Adds to the spot base: positions (REST polling and stream), leverage and position mode set
through the exchange and confirmed before returning, funding info (REST, then stream; part
of readiness) and funding payments reported exactly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from harness.base.exchange import ExchangeBase
from harness.base.funding import FundingTracker
from harness.base.perpetual_hooks import PerpetualHooks
from harness.base.positions import PositionKey, PositionTracker
from harness.standard.api import FundingInfo, PerpetualConnector, Position
from harness.standard.config import ConnectorConfig
from harness.standard.enums import (
    OrderType,
    PositionAction,
    PositionMode,
    PositionSide,
    TradeSide,
)
from harness.standard.errors import SettingRefused
from harness.standard.events import LeverageChanged, PositionLiquidated, PositionModeChanged
from harness.standard.model import Fill
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

log = logging.getLogger(__name__)


class PerpetualExchangeBase(PerpetualHooks, ExchangeBase, PerpetualConnector):
    """Base of perpetual connectors: the perpetual API on the hooks of `PerpetualHooks`."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self.position_tracker = PositionTracker(self._hub, self.clock)
        self.funding = FundingTracker(config.trading_pairs, self._hub)
        self._leverage: dict[TradingPair, int] = {}
        self._mode = PositionMode.ONEWAY
        # (exchange time in ms, the mode it left) of each accepted switch: an event the
        # exchange stamped before a switch belongs to the mode then in force, however late
        # it arrives.
        self._mode_switches: list[tuple[int, PositionMode]] = []
        self.orders.fill_terms = self.fill_terms

    # lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        await super().start()
        self._spawn(self._repeat("position update", self.update_positions,
                                 self.config.poll_interval), "positions")
        self._spawn(self._repeat("liquidations", self.poll_liquidations,
                                 self.config.poll_interval), "liquidations")
        self._spawn(self._repeat("funding info", self.update_funding_info,
                                 self.config.rules_refresh_interval), "funding info")
        interval = float(self.config.options.get("funding_poll_interval",
                                                 self.funding_poll_interval))
        self._spawn(self._repeat("funding payments", self.poll_funding_payments, interval),
                    "funding payments")

    @property
    def status(self) -> Mapping[str, bool]:
        return {**super().status, "positions": self.position_tracker.loaded,
                "funding_info": self.funding.initialized}

    # positions --------------------------------------------------------------------
    def positions(self) -> Mapping[PositionKey, Position]:
        return self.position_tracker.positions

    async def update_positions(self) -> None:
        self.position_tracker.replace_all(await self.request_positions())
        self._changed()

    async def poll_liquidations(self) -> None:
        for event in await self.request_liquidations():
            self._hub.emit(event)
        self._changed()

    async def _on_user_item(self, item: Any) -> None:
        if isinstance(item, Position):
            self.position_tracker.apply(item)
        elif isinstance(item, PositionLiquidated):
            self._hub.emit(item)  # the connector's parser reports each liquidation once
        else:
            await super()._on_user_item(item)

    # leverage and mode ---------------------------------------------------------------
    def get_leverage(self, pair: TradingPair) -> int:
        return self._leverage.get(pair, 1)

    async def set_leverage(self, pair: TradingPair, leverage: int) -> None:
        problem = None
        if pair not in self.config.trading_pairs and pair not in self.trading_rules:
            problem = f"{pair} is not a trading pair of this connector"
        elif not 1 <= leverage <= self.max_leverage:
            problem = f"leverage {leverage} is outside 1..{self.max_leverage}"
        if problem is None:
            try:
                await self.request_set_leverage(pair, leverage)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._hub.emit(LeverageChanged(self.clock.time(), pair, leverage, False,
                                               str(exc)))
                raise SettingRefused(f"leverage {leverage} for {pair} refused: {exc}",
                                     sent=True) from exc
            self._leverage[pair] = leverage
            self._hub.emit(LeverageChanged(self.clock.time(), pair, leverage, True))
            return
        self._hub.emit(LeverageChanged(self.clock.time(), pair, leverage, False, problem))
        raise SettingRefused(problem, sent=False)

    @property
    def position_mode(self) -> PositionMode:
        return self._mode

    def position_mode_at(self, exchange_ms: int) -> PositionMode:
        """The position mode in force at `exchange_ms` (the exchange's clock, as its events
        are stamped): the mode before the first switch made after that time."""
        for switched_at, left in self._mode_switches:
            if exchange_ms < switched_at:
                return left
        return self._mode

    @property
    def supported_position_modes(self) -> frozenset[PositionMode]:
        return self.position_modes

    async def set_position_mode(self, mode: PositionMode) -> None:
        if mode not in self.position_modes:
            message = f"{self.name} does not support position mode {mode.value}"
            self._hub.emit(PositionModeChanged(self.clock.time(), mode, False, message))
            raise SettingRefused(message, sent=False)
        try:
            await self.request_set_position_mode(mode)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._hub.emit(PositionModeChanged(self.clock.time(), mode, False, str(exc)))
            raise SettingRefused(f"position mode {mode.value} refused: {exc}",
                                 sent=True) from exc
        if mode is not self._mode:
            self._mode_switches.append((self.time_sync.now_ms(), self._mode))
        self._mode = mode
        self._hub.emit(PositionModeChanged(self.clock.time(), mode, True))

    # fills --------------------------------------------------------------------------
    def fill_terms(self, order: TrackedOrder, fill: Fill) -> Fill:
        """A perpetual fill carries its order's position action, the side of the position
        it traded for (by the position mode) and the leverage in force for the pair: the
        one set through this connector, else the one the exchange reports on the pair's
        position (None when neither is known)."""
        action = order.position_action if order.position_action is not PositionAction.NIL \
            else PositionAction.OPEN
        return replace(fill, position_action=action,
                       position_side=self.position_side(order.side, action),
                       leverage=self.leverage_in_force(order.pair))

    def position_side(self, side: TradeSide, action: PositionAction) -> PositionSide:
        """BOTH in one-way mode; in hedge mode the leg an order on `side` acts on."""
        if self._mode is PositionMode.ONEWAY:
            return PositionSide.BOTH
        long_leg = (side is TradeSide.BUY) == (action is not PositionAction.CLOSE)
        return PositionSide.LONG if long_leg else PositionSide.SHORT

    def leverage_in_force(self, pair: TradingPair) -> int | None:
        if pair in self._leverage:
            return self._leverage[pair]
        return next((position.leverage for (held, _), position in self.positions().items()
                     if held == pair), None)

    # funding ------------------------------------------------------------------------
    async def get_funding_info(self, pair: TradingPair) -> FundingInfo:
        known = self.funding.infos.get(pair)
        if known is not None:
            return known
        info = await self.request_funding_info(pair)
        self.funding.apply_info(info, self.clock.time())
        return info

    def funding_infos(self) -> Mapping[TradingPair, FundingInfo]:
        return self.funding.infos

    async def update_funding_info(self) -> None:
        for pair in self.config.trading_pairs:
            self.funding.apply_info(await self.request_funding_info(pair), self.clock.time())
        self._changed()

    def _on_market_item(self, item: Any) -> None:
        if isinstance(item, FundingInfo):
            self.funding.apply_info(item, self.clock.time())
        else:
            super()._on_market_item(item)

    async def poll_funding_payments(self) -> None:
        for pair in self.config.trading_pairs:
            self.funding.process_payments(pair, await self.request_funding_payments(pair))

    # collateral and orders ----------------------------------------------------------
    def get_buy_collateral_token(self, pair: TradingPair) -> str:
        return self.collateral_token(pair, TradeSide.BUY)

    def get_sell_collateral_token(self, pair: TradingPair) -> str:
        return self.collateral_token(pair, TradeSide.SELL)

    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.OPEN) -> str:
        """As the spot base; a perpetual order opens (the default) or closes a position."""
        if position_action is PositionAction.NIL:
            position_action = PositionAction.OPEN
        return await super().place_order(pair, side, order_type, amount, price, position_action)
