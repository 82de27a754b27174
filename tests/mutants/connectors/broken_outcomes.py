"""Mutants that assume a hidden outcome instead of finding it out (issue 17, class 6)."""

from __future__ import annotations

from connectors.binance.connector import BinanceSpotConnector
from harness.standard.errors import OrderRejected, UnknownOutcome
from harness.standard.model import PlacementOutcome
from harness.standard.order import TrackedOrder


class ServerErrorMeansNotPlaced(BinanceSpotConnector):
    """Takes an answered 5xx (or Binance's -1000 "unknown error") to a placement for "not
    placed" and fails the order; only a request left unanswered goes to status polling.
    The exchange may have created the order all the same."""

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            return await super().request_place_order(order)
        except UnknownOutcome as exc:
            if "timed out" in str(exc) or "in transit" in str(exc):
                raise
            raise OrderRejected(str(exc)) from exc
