"""Broken Gateway doubles, each with the bug a GW check is meant to catch. They prove the
checks bite: `harness gateway check` against each fails that check (tests/unit/gateway)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.gateway.double.clmm import BinPool
from harness.gateway.double.server import GatewayServer
from harness.standard.gateway.model import TxStatus


class MissingRoute(GatewayServer):
    """amm add-liquidity is not served (the audit's 'routes that do not exist')."""

    missing_routes = frozenset({"amm/add-liquidity"})


class ZeroPriceErrors(GatewayServer):
    """A refused quote is answered as a 200 quote with price 0 (the audit's bug)."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key.endswith("quote-swap") and status >= 400:
            return 200, {"poolAddress": "", "tokenIn": "", "tokenOut": "", "amountIn": 0,
                         "amountOut": 0, "price": 0, "slippagePct": 1, "minAmountOut": 0,
                         "maxAmountIn": 0, "priceImpactPct": 0}
        return status, payload


class MissingField(GatewayServer):
    """pool-info leaves out feePct."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key.endswith("pool-info") and status == 200:
            payload = {k: v for k, v in payload.items() if k != "feePct"}
        return status, payload


class SlippageIgnored(GatewayServer):
    """Quotes and swaps ignore slippagePct (minAmountOut = amountOut)."""

    def __init__(self) -> None:
        super().__init__()
        for venue in self.double.venues.values():
            venue.ignore_slippage = True


class InvertedBuyPrice(GatewayServer):
    """A BUY quote's price is base per quote (amountOut/amountIn) instead of quote per base."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key.endswith("quote-swap") and status == 200 and payload["price"] > 1 \
                and payload["amountOut"] < payload["amountIn"]:
            payload = {**payload, "price": payload["amountOut"] / payload["amountIn"]}
        return status, payload


class FeesToOutOfRange(GatewayServer):
    """CLMM fees are paid to every position, in range or not."""

    def __init__(self) -> None:
        super().__init__()
        for venue in self.double.venues.values():
            for pool in venue.pools.values():
                if isinstance(pool, BinPool):
                    pool.fees_to_all = True


class PercentageUnbounded(GatewayServer):
    """remove-liquidity takes any percentageToRemove, clamping it into (0, 100]."""

    def adjust(self, key: str, params: dict[str, Any]) -> dict[str, Any]:
        if key.endswith("remove-liquidity"):
            from decimal import Decimal

            clamped = min(max(params["percentageToRemove"], Decimal(1)), Decimal(100))
            params = {**params, "percentageToRemove": clamped}
        return params


class StuckPending(GatewayServer):
    """Polls report every transaction as pending forever."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key == "chain/poll" and status == 200:
            payload = {**payload, "txStatus": int(TxStatus.PENDING), "txBlock": None,
                       "fee": None, "txData": None}
        return status, payload


class DataWhilePending(GatewayServer):
    """An execute route answers PENDING yet carries data (Gateway sends data only once
    CONFIRMED)."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key.endswith("execute-swap") and status == 200 and "data" not in payload:
            payload = {**payload, "data": {"tokenIn": "", "tokenOut": "", "amountIn": 0,
                                           "amountOut": 0, "fee": 0,
                                           "baseTokenBalanceChange": 0,
                                           "quoteTokenBalanceChange": 0}}
        return status, payload


class CloseKeepsPosition(GatewayServer):
    """close-position pays out but position-info still answers the closed position."""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        if key == "clmm/position-info" and status == 404:
            return 200, {"address": "closed", "poolAddress": "", "baseTokenAddress": "",
                         "quoteTokenAddress": "", "baseTokenAmount": 0, "quoteTokenAmount": 0,
                         "baseFeeAmount": 0, "quoteFeeAmount": 0, "lowerBinId": 0,
                         "upperBinId": 0, "lowerPrice": 0, "upperPrice": 0, "price": 0}
        return status, payload


@dataclass(frozen=True)
class Variant:
    name: str
    server: Callable[[], GatewayServer]
    connector: str  # the Gateway connector the bug shows on
    check_id: str  # the check meant to catch it


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    Variant("missing-route", MissingRoute, "uniswap/amm", "GW-RTE-1"),
    Variant("zero-price-errors", ZeroPriceErrors, "uniswap/amm", "GW-ERR-1"),
    Variant("missing-field", MissingField, "raydium/clmm", "GW-SCH-1"),
    Variant("slippage-ignored", SlippageIgnored, "jupiter/router", "GW-QTE-2"),
    Variant("inverted-buy-price", InvertedBuyPrice, "uniswap/clmm", "GW-QTE-1"),
    Variant("fees-to-out-of-range", FeesToOutOfRange, "raydium/clmm", "GW-CLMM-3"),
    Variant("percentage-unbounded", PercentageUnbounded, "uniswap/amm", "GW-ERR-7"),
    Variant("stuck-pending", StuckPending, "uniswap/amm", "GW-TX-1"),
    Variant("data-while-pending", DataWhilePending, "uniswap/router", "GW-TX-1"),
    Variant("close-keeps-position", CloseKeepsPosition, "uniswap/clmm", "GW-CLMM-5"),
)}
