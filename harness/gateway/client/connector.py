"""GatewayClient: the Gateway connector API over Gateway's REST routes.

A concrete connector only names its DEX (connectors/<name>/connector.py); everything else
is the same for every Gateway DEX connector, which is the point of Gateway.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from harness.gateway.client.http import GatewayHttp
from harness.standard.enums import OrderState
from harness.standard.gateway.api import (
    GatewayAction,
    GatewayConnector,
    GatewayOrder,
    GatewayRequestError,
)
from harness.standard.gateway.model import (
    NATIVE_CURRENCY,
    PoolInfo,
    Position,
    SwapQuote,
    SwapSide,
    TradingType,
    TxStatus,
)
from harness.standard.gateway.routes import CHAIN_ROUTES, ROUTES, Route, chain_prefix
from harness.standard.gateway.rules import valid_percentage_to_remove

D = Decimal


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


class GatewayClient(GatewayConnector):
    """Configured by its subclass' dex / trading_type / chain and the ConnectorConfig:
    urls["rest"] is Gateway, trading_pairs[0] the pair, options wallet / network / pool."""

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        pair = config.trading_pairs[0]
        self.base, self.quote_token = pair.base, pair.quote
        self.wallet = str(config.options.get("wallet", ""))
        self.pool_address = str(config.options.get("pool", ""))
        self._orders: dict[str, GatewayOrder] = {}
        self._ids = itertools.count(1)
        self._http: GatewayHttp | None = None

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def http(self) -> GatewayHttp:
        if self._http is None:
            raise RuntimeError(f"{type(self).__name__} is not started; await start() first")
        return self._http

    @property
    def prefix(self) -> str:
        return f"/connectors/{self.dex}/{self.trading_type.value}"

    def _route(self, name: str) -> Route:
        found = next((r for r in ROUTES[self.trading_type] if r.name == name), None)
        if found is None:
            raise GatewayRequestError(name, 0, f"{self.dex}/{self.trading_type.value} has no "
                                      f"{name} route")
        return found

    async def _call(self, name: str, **params: Any) -> Any:
        return await self.http.call(self._route(name), self.prefix, **params)

    async def _chain(self, name: str, **params: Any) -> Any:
        route = next(r for r in CHAIN_ROUTES if r.name == name)
        return await self.http.call(route, chain_prefix(self.chain), **params)

    async def start(self) -> None:
        self._http = GatewayHttp(self.config.urls["rest"], str(self.config.options.get(
            "network", "")), self.config.request_timeout)
        if not self.wallet:
            wallets = await self.http.raw("GET", "/wallet", {})
            found = [w for entry in wallets if entry.get("chain") == self.chain.value
                     for w in entry.get("walletAddresses", [])]
            if not found:
                raise GatewayRequestError("GET /wallet", 200, f"no {self.chain.value} wallet")
            self.wallet = found[0]
        if not self.pool_address and self.trading_type is not TradingType.ROUTER:
            pools = await self.http.raw("GET", "/pools", {
                "connector": self.dex, "type": self.trading_type.value})
            match = [p for p in pools if p.get("baseSymbol") == self.base
                     and p.get("quoteSymbol") == self.quote_token]
            if not match:
                raise GatewayRequestError("GET /pools", 200, f"no {self.dex} "
                                          f"{self.trading_type.value} pool for {self.base}-"
                                          f"{self.quote_token}")
            self.pool_address = match[0]["address"]

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def orders(self) -> Mapping[str, GatewayOrder]:
        return self._orders

    # -- swaps ---------------------------------------------------------------------------------
    def _swap_params(self, side: SwapSide, amount: Decimal, slippage: Decimal | None
                     ) -> dict[str, Any]:
        params: dict[str, Any] = {"baseToken": self.base, "quoteToken": self.quote_token,
                                  "amount": amount, "side": side.value, "slippagePct": slippage}
        if self.pool_address:
            params["poolAddress"] = self.pool_address
        return params

    async def quote(self, side: SwapSide, amount: Decimal,
                    slippage_pct: Decimal | None = None) -> SwapQuote:
        body = await self._call("quote-swap", **self._swap_params(side, amount, slippage_pct))
        price = _d(body["price"])
        if price <= 0 or _d(body["amountOut"]) <= 0:
            raise GatewayRequestError("quote-swap", 200, f"answered price {body['price']} and "
                                      f"amountOut {body['amountOut']}: not a quote")
        return SwapQuote(body["tokenIn"], body["tokenOut"], _d(body["amountIn"]),
                         _d(body["amountOut"]), price, _d(body.get("slippagePct", 0)),
                         _d(body["minAmountOut"]), _d(body["maxAmountIn"]),
                         body.get("poolAddress", ""), body.get("quoteId", ""),
                         _d(body.get("priceImpactPct", 0)))

    async def swap(self, side: SwapSide, amount: Decimal,
                   slippage_pct: Decimal | None = None) -> GatewayOrder:
        order = self._new(GatewayAction.SWAP, side=side, amount=amount)
        return await self._submit(order, "execute-swap",
                                  **self._swap_params(side, amount, slippage_pct))

    # -- transactions --------------------------------------------------------------------------
    def _new(self, action: GatewayAction, **fields: Any) -> GatewayOrder:
        order = GatewayOrder(f"gw-{self.dex}-{next(self._ids):04d}", action, **fields)
        self._orders[order.client_id] = order
        return order

    async def _submit(self, order: GatewayOrder, route: str, **params: Any) -> GatewayOrder:
        try:
            body = await self._call(route, walletAddress=self.wallet, **params)
        except GatewayRequestError as exc:
            order.state, order.error = OrderState.FAILED, str(exc)
            return order
        order.signature = body["signature"]
        status = TxStatus(body["status"])
        if status is TxStatus.CONFIRMED:
            self._confirm(order, body.get("data") or {}, {})
        elif status is TxStatus.FAILED:
            order.state, order.error = OrderState.FAILED, "transaction failed"
        else:
            order.state = OrderState.OPEN
        return order

    async def update_orders(self) -> None:
        for order in [o for o in self._orders.values() if o.state is OrderState.OPEN]:
            poll = await self._chain("poll", signature=order.signature,
                                     walletAddress=self.wallet,
                                     tokens=[self.base, self.quote_token])
            status = TxStatus(poll["txStatus"])
            if status is TxStatus.CONFIRMED:
                order.fee = _d(poll["fee"]) if poll.get("fee") is not None else None
                changes = {k: _d(v) for k, v in (poll.get("tokenBalanceChanges") or {}).items()}
                self._confirm(order, poll.get("txData") or {}, changes)
            elif status is TxStatus.FAILED:
                order.state = OrderState.FAILED
                order.error = str(poll.get("error") or "transaction failed")

    def _confirm(self, order: GatewayOrder, data: dict[str, Any],
                 changes: dict[str, Decimal]) -> None:
        """FILLED, with amounts from the route's data or the poll's balance changes."""
        order.data = dict(data)
        if "baseTokenBalanceChange" in data:
            changes = {self.base: _d(data["baseTokenBalanceChange"]),
                       self.quote_token: _d(data["quoteTokenBalanceChange"])}
        order.balance_changes = changes
        if order.fee is None and "fee" in data:
            order.fee = _d(data["fee"])
        if order.action is GatewayAction.SWAP and changes:
            base_change, quote_change = changes.get(self.base, D(0)), changes.get(
                self.quote_token, D(0))
            if order.side is SwapSide.SELL:
                order.amount_in, order.amount_out = -base_change, quote_change
            else:
                order.amount_in, order.amount_out = -quote_change, base_change
        order.position = str(data.get("positionAddress", order.position))
        order.state = OrderState.FILLED

    # -- account and pool ----------------------------------------------------------------------
    async def balances(self) -> dict[str, Decimal]:
        native = NATIVE_CURRENCY[self.chain]
        tokens = list(dict.fromkeys([self.base, self.quote_token, native]))
        body = await self._chain("balances", address=self.wallet, tokens=tokens)
        return {symbol: _d(value) for symbol, value in body["balances"].items()}

    async def pool(self) -> PoolInfo:
        body = await self._call("pool-info", poolAddress=self.pool_address)
        return PoolInfo(body["address"], body["baseTokenAddress"], body["quoteTokenAddress"],
                        _d(body["feePct"]), _d(body["price"]), _d(body["baseTokenAmount"]),
                        _d(body["quoteTokenAmount"]), body.get("binStep"),
                        body.get("activeBinId"))

    async def positions(self) -> list[Position]:
        if self.trading_type is TradingType.AMM:
            body = await self._call("position-info", poolAddress=self.pool_address,
                                    walletAddress=self.wallet)
            if _d(body["lpTokenAmount"]) == 0:
                return []
            return [Position(body["poolAddress"], _d(body["baseTokenAmount"]),
                             _d(body["quoteTokenAmount"]), _d(body["price"]),
                             lp_token_amount=_d(body["lpTokenAmount"]))]
        owned = await self._call("positions-owned", walletAddress=self.wallet,
                                 poolAddress=self.pool_address)
        return [Position(p["poolAddress"], _d(p["baseTokenAmount"]), _d(p["quoteTokenAmount"]),
                         _d(p["price"]), address=p["address"],
                         base_fee_amount=_d(p["baseFeeAmount"]),
                         quote_fee_amount=_d(p["quoteFeeAmount"]),
                         lower_price=_d(p["lowerPrice"]), upper_price=_d(p["upperPrice"]))
                for p in owned]

    # -- liquidity -----------------------------------------------------------------------------
    async def add_liquidity(self, base: Decimal, quote: Decimal, position: str = "",
                            slippage_pct: Decimal | None = None) -> GatewayOrder:
        order = self._new(GatewayAction.ADD_LIQUIDITY, position=position)
        key = ({"positionAddress": position} if self.trading_type is TradingType.CLMM
               else {"poolAddress": self.pool_address})
        return await self._submit(order, "add-liquidity", baseTokenAmount=base,
                                  quoteTokenAmount=quote, slippagePct=slippage_pct, **key)

    async def remove_liquidity(self, percentage: Decimal, position: str = "") -> GatewayOrder:
        if not valid_percentage_to_remove(percentage):
            raise ValueError(f"percentage {percentage} must be above 0 and at most 100")
        order = self._new(GatewayAction.REMOVE_LIQUIDITY, position=position)
        key = ({"positionAddress": position} if self.trading_type is TradingType.CLMM
               else {"poolAddress": self.pool_address})
        return await self._submit(order, "remove-liquidity", percentageToRemove=percentage,
                                  **key)

    async def open_position(self, lower_price: Decimal, upper_price: Decimal, base: Decimal,
                            quote: Decimal, slippage_pct: Decimal | None = None
                            ) -> GatewayOrder:
        order = self._new(GatewayAction.OPEN_POSITION)
        return await self._submit(order, "open-position", poolAddress=self.pool_address,
                                  lowerPrice=lower_price, upperPrice=upper_price,
                                  baseTokenAmount=base, quoteTokenAmount=quote,
                                  slippagePct=slippage_pct)

    async def collect_fees(self, position: str) -> GatewayOrder:
        order = self._new(GatewayAction.COLLECT_FEES, position=position)
        return await self._submit(order, "collect-fees", positionAddress=position)

    async def close_position(self, position: str) -> GatewayOrder:
        order = self._new(GatewayAction.CLOSE_POSITION, position=position)
        return await self._submit(order, "close-position", positionAddress=position)
