"""Mutants that spend more than a flow needs (issue 17, class 5: costs)."""

from __future__ import annotations

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
