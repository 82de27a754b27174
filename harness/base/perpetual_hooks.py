"""What a perpetual connector writes on top of the spot hooks (hooks.py).

The stream parsers of the spot hooks may also return `Position` and `PositionLiquidated`
(user stream) and `FundingInfo` (market stream) items; PerpetualExchangeBase applies them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from harness.base.hooks import ExchangeHooks
from harness.standard.api import FundingInfo, FundingPaymentRecord, Position
from harness.standard.enums import PositionMode, TradeSide
from harness.standard.events import PositionLiquidated
from harness.standard.pair import TradingPair


class PerpetualHooks(ExchangeHooks):
    """The exchange-specific part of a perpetual connector."""

    position_modes: ClassVar[frozenset[PositionMode]] = frozenset({PositionMode.ONEWAY})
    """The modes the connector supports; others are refused without a request."""
    max_leverage: ClassVar[int] = 100
    funding_poll_interval: ClassVar[float] = 600.0
    """Seconds between funding-payment polls (ConnectorConfig.options may override it:
    `funding_poll_interval`)."""

    @abstractmethod
    async def request_positions(self) -> Sequence[Position]:
        """Every open position (REST)."""

    @abstractmethod
    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        """Ask the exchange; return when it accepted, raise with its reason when it refused."""

    @abstractmethod
    async def request_set_position_mode(self, mode: PositionMode) -> None:
        """Ask the exchange; return when it accepted, raise with its reason when it refused."""

    @abstractmethod
    async def request_funding_info(self, pair: TradingPair) -> FundingInfo: ...

    @abstractmethod
    async def request_funding_payments(self, pair: TradingPair
                                       ) -> Sequence[FundingPaymentRecord]:
        """Recent funding payments of `pair` (any order; the base de-duplicates)."""

    async def request_liquidations(self) -> Sequence[PositionLiquidated]:
        """Liquidations and auto-deleveraging of the account's positions that the exchange
        made since the connector's first call and that it has not reported yet (REST):
        what a stream message delayed and then lost with its connection would hide. Each is
        reported once, whichever way it came. The default is none: an exchange with no such
        query relies on its stream alone."""
        return []

    def collateral_token(self, pair: TradingPair, side: TradeSide) -> str:
        """The asset an order on `side` locks as margin (linear contracts: the quote)."""
        return pair.quote
