"""BybitPerpetualConnector: Bybit v5 USDT linear perpetuals.

The same API as Bybit spot with category=linear, so this class extends BybitSpotConnector
(signing, errors, order flow, streams) and the harness' PerpetualExchangeBase (positions,
leverage, mode, funding), and writes only what perpetuals add: the linear instruments, the
position index and reduce-only flag on orders, positions, set-leverage, switch-mode, funding
info (tickers, REST and stream) and funding payments (the transaction log's SETTLEMENT
entries). See ARCHITECTURE.md for why it may import connectors.bybit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from connectors.bybit import constants as spot
from connectors.bybit import user_stream
from connectors.bybit.connector import BybitSpotConnector
from connectors.bybit.errors import BybitExchangeError
from connectors.bybit.parsing import result_list
from connectors.bybit_perpetual import constants as c
from connectors.bybit_perpetual import parsing
from harness.base import MarketInfo, PerpetualExchangeBase
from harness.base.hooks import MarketMessage, UserMessage
from harness.standard.api import FundingInfo, FundingPaymentRecord, Position
from harness.standard.config import ConnectorConfig
from harness.standard.enums import PositionAction, PositionMode, TradeSide
from harness.standard.events import PositionLiquidated
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

_FUNDING_FIELDS = ("indexPrice", "markPrice", "fundingRate", "nextFundingTime")


class BybitPerpetualConnector(BybitSpotConnector, PerpetualExchangeBase):
    """Bybit USDT perpetuals: REST /v5 with category=linear, /v5/public/linear, /v5/private."""

    name = "bybit_perpetual"
    category: ClassVar[str] = c.CATEGORY
    book_depth: ClassVar[int] = spot.LINEAR_BOOK_DEPTH
    private_topics: ClassVar[tuple[str, ...]] = (*user_stream.TOPICS, "position")
    rate_limits = c.RATE_LIMITS
    position_modes = frozenset({PositionMode.ONEWAY, PositionMode.HEDGE})

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        # The tickers topic sends a snapshot, then deltas holding only what changed.
        self._tickers: dict[str, dict[str, Any]] = {}
        self._liquidated: set[str] = set()
        self._liquidations_polled = False

    def parse_market(self, record: Any) -> MarketInfo | None:
        return parsing.parse_linear_market(record)

    # orders ---------------------------------------------------------------------------
    def order_payload(self, order: TrackedOrder) -> dict[str, Any]:
        """Spot's body without marketUnit (linear quantities are always in the base coin),
        plus the position index of the mode and reduce-only for a closing order."""
        payload = {k: v for k, v in super().order_payload(order).items() if k != "marketUnit"}
        payload["positionIdx"] = self.position_index(order.side, order.position_action)
        if order.position_action is PositionAction.CLOSE:
            payload["reduceOnly"] = True
        return payload

    def position_index(self, side: TradeSide, action: PositionAction) -> int:
        """0 in one-way mode; in hedge mode the side of the position the order acts on:
        opening buys and closing sells act on the long (1), the others on the short (2)."""
        if self.position_mode is PositionMode.ONEWAY:
            return c.ONE_WAY_INDEX
        long_side = (side is TradeSide.BUY) == (action is not PositionAction.CLOSE)
        return c.LONG_INDEX if long_side else c.SHORT_INDEX

    # positions, leverage, mode -------------------------------------------------------------
    async def request_positions(self) -> Sequence[Position]:
        payload = await self._get(c.POSITIONS_PATH, {"category": self.category,
                                                      "settleCoin": c.SETTLE_COIN}, signed=True)
        return parsing.parse_positions(payload, self._pair_of)

    async def request_set_leverage(self, pair: TradingPair, leverage: int) -> None:
        try:
            await self._post(c.SET_LEVERAGE_PATH, {
                "category": self.category, "symbol": self._symbol(pair),
                "buyLeverage": str(leverage), "sellLeverage": str(leverage)})
        except BybitExchangeError as exc:
            if exc.code != c.LEVERAGE_NOT_MODIFIED:  # already at that leverage: done
                raise

    async def request_set_position_mode(self, mode: PositionMode) -> None:
        code = c.HEDGE_MODE if mode is PositionMode.HEDGE else c.ONE_WAY_MODE
        try:
            await self._post(c.SWITCH_MODE_PATH, {"category": self.category,
                                                  "coin": c.SETTLE_COIN, "mode": code})
        except BybitExchangeError as exc:
            if exc.code != c.MODE_NOT_MODIFIED:  # already in that mode: done
                raise

    # funding ---------------------------------------------------------------------------
    async def request_funding_info(self, pair: TradingPair) -> FundingInfo:
        payload = await self._get(spot.TICKERS_PATH, {"category": self.category,
                                                      "symbol": self._symbol(pair)})
        return parsing.parse_funding_info(result_list(payload)[0], pair)

    async def request_funding_payments(self, pair: TradingPair
                                       ) -> Sequence[FundingPaymentRecord]:
        payload = await self._get(c.TRANSACTION_LOG_PATH, {
            "accountType": spot.ACCOUNT_TYPE, "category": self.category,
            "currency": c.SETTLE_COIN, "type": "SETTLEMENT"}, signed=True)
        symbol = self._symbol(pair)
        return parsing.parse_funding_payments(
            (e for e in result_list(payload) if e.get("symbol") == symbol), pair)

    # streams ---------------------------------------------------------------------------
    def market_topics(self) -> list[str]:
        return [*super().market_topics(),
                *(f"tickers.{self._symbol(pair)}" for pair in self.config.trading_pairs)]

    def parse_market_message(self, message: Any) -> list[MarketMessage]:
        if isinstance(message, dict) and str(message.get("topic", "")).startswith("tickers."):
            return self._funding_from_ticker(message)
        return super().parse_market_message(message)

    def _funding_from_ticker(self, message: dict[str, Any]) -> list[MarketMessage]:
        data = message["data"]
        symbol = str(data["symbol"])
        known = self._tickers.setdefault(symbol, {}) if message.get("type") == "delta" else {}
        known.update({k: v for k, v in data.items() if v not in (None, "")})
        self._tickers[symbol] = known
        pair = self._pair_of(symbol)
        if pair is None or not all(field in known for field in _FUNDING_FIELDS):
            return []
        info: Any = parsing.parse_funding_info(known, pair)
        return [info]

    async def request_liquidations(self) -> Sequence[PositionLiquidated]:
        """execution/list of each liquidation execType, oldest first. The first call only
        learns what is already there: a liquidation from before the connector started is not
        news; one the stream reported is not reported again."""
        entries: list[Any] = []
        for exec_type in c.LIQUIDATION_EXEC_TYPES:
            payload = await self._get(spot.EXECUTIONS_PATH, {
                "category": self.category, "execType": exec_type,
                "limit": str(c.EXECUTIONS_LIMIT)}, signed=True)
            entries.extend(result_list(payload))
        entries.sort(key=lambda entry: int(entry["execTime"]))
        if not self._liquidations_polled:
            self._liquidations_polled = True
            self._liquidated.update(str(entry["execId"]) for entry in entries)
            return []
        return self._liquidations(entries)

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        if isinstance(message, dict) and message.get("topic") == "execution":
            ours = [e for e in message.get("data", ()) if e.get("category") == self.category]
            return [*self._liquidations(ours), *super().parse_user_message(message)]
        if isinstance(message, dict) and message.get("topic") == "position":
            positions: list[Any] = [
                parsing.parse_position(entry, pair) for entry in message.get("data", ())
                if entry.get("category") == self.category
                and (pair := self._pair_of(str(entry["symbol"]))) is not None]
            return positions
        return super().parse_user_message(message)

    def _liquidations(self, entries: Sequence[Any]) -> list[Any]:
        """Executions the exchange made on our position, not for an order of ours:
        takeover liquidation (execType BustTrade) and auto-deleveraging (AdlTrade); each
        once, whatever the stream repeats and whether the stream or REST showed it."""
        found: list[Any] = []
        for entry in entries:
            reason = c.LIQUIDATION_EXEC_TYPES.get(str(entry.get("execType")))
            pair = self._pair_of(str(entry.get("symbol")))
            if reason is None or pair is None or str(entry.get("execId")) in self._liquidated:
                continue
            self._liquidated.add(str(entry["execId"]))
            # The mode when the exchange made it: a switch may come between it and its report.
            mode = self.position_mode_at(int(entry["execTime"]))
            found.append(parsing.parse_liquidation(entry, pair, reason, mode))
        return found

