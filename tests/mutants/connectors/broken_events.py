"""Mutants that mishandle events the older cassettes never produced (issue 17, class 4)."""

from __future__ import annotations

from typing import Any

from connectors.binance.connector import BinanceSpotConnector
from harness.base.hooks import UserMessage
from harness.standard.model import BalanceChange


class SkipsZeroStreamBalances(BinanceSpotConnector):
    """Takes a zero balance on the user stream for noise and skips it: the asset keeps the
    amount it had before it was spent."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [item for item in super().parse_user_message(message)
                if not (isinstance(item, BalanceChange) and item.total == 0)]


class IgnoresExpiredOrders(BinanceSpotConnector):
    """Knows CANCELED but not EXPIRED on the stream: an order the exchange expires is skipped
    as an unknown report and stays open until (if ever) a status poll says otherwise."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("X") == "EXPIRED":
            return []
        return super().parse_user_message(message)
