"""Broken Bybit connectors (spot and perpetual) for proving that a regression cassette the
machine exports for Bybit is scrubbed and replays (test_regression_scrubbing.py).

One bug, the same in both: every fill the user stream reports is reported twice.
"""

from __future__ import annotations

from typing import Any

from connectors.bybit.connector import BybitSpotConnector
from connectors.bybit_perpetual.connector import BybitPerpetualConnector
from harness.base.hooks import UserMessage
from harness.standard.events import OrderFilled
from harness.standard.model import Fill


def _reported_twice(connector: Any, items: list[UserMessage]) -> list[UserMessage]:
    """The bug: each fill among `items` is emitted once more than it happened."""
    for item in items:
        if isinstance(item, Fill):
            connector._hub.emit(OrderFilled(connector.clock.time(), item.client_order_id, item))
    return items


class DoubleReportsStreamFills(BybitSpotConnector):
    """Each fill from the user stream is emitted once more than it happened."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return _reported_twice(self, super().parse_user_message(message))


class PerpetualDoubleReportsStreamFills(BybitPerpetualConnector):
    """The perpetual connector with the same bug."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return _reported_twice(self, super().parse_user_message(message))


MUTANTS: dict[str, type[BybitSpotConnector]] = {
    "bybit": DoubleReportsStreamFills,
    "bybit_perpetual": PerpetualDoubleReportsStreamFills,
}
"""The broken connector for each registered Bybit connector."""
