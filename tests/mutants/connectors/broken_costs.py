"""Mutants that spend more than a flow needs (issue 17, class 5: costs)."""

from __future__ import annotations

from dataclasses import replace

from connectors.binance import constants
from connectors.binance.connector import BinanceSpotConnector
from harness.standard.errors import OrderRejected
from harness.standard.model import PlacementOutcome
from harness.standard.order import TrackedOrder


class RetriesRejectedPlacement(BinanceSpotConnector):
    """Sends a placement the exchange refused (a definite answer) once more before giving up:
    each retry spends weight and order count, and a retry of a refusal is refused again."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except OrderRejected:
            return await super().request_place_order(order)


class UnderDeclaresAccountWeight(BinanceSpotConnector):
    """Declares GET /api/v3/account at weight 1 where Binance charges 20: its throttler lets
    a burst of balance refreshes through that Binance counts far past 6000 per minute."""

    rate_limits = tuple(
        replace(limit, linked=tuple((pool, 1 if pool == constants.REQUEST_WEIGHT else weight)
                                    for pool, weight in limit.linked))
        if limit.limit_id == constants.limit_id("GET", constants.ACCOUNT_PATH) else limit
        for limit in constants.RATE_LIMITS)
