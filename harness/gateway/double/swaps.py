"""Quotes and swaps of the double, for amm and clmm pools and the router over them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.gateway.double.amm import ConstantProductPool
from harness.gateway.double.chain import Network
from harness.gateway.double.clmm import BinPool
from harness.gateway.double.errors import GatewayError, NotFound, TxFailure
from harness.standard.gateway.model import SwapQuote, SwapSide, TradingType
from harness.standard.gateway.rules import quote_price, swap_bounds

Pool = ConstantProductPool | BinPool
DEFAULT_SLIPPAGE = Decimal(1)  # Gateway's default slippagePct


def amounts(pool: Pool, side: SwapSide, amount: Decimal) -> tuple[Decimal, Decimal]:
    if isinstance(pool, ConstantProductPool):
        return pool.amounts(side, amount)
    amount_in, amount_out, _ = pool.plan(side, amount)
    return amount_in, amount_out


def apply_swap(pool: Pool, side: SwapSide, amount_in: Decimal, amount_out: Decimal) -> None:
    if isinstance(pool, ConstantProductPool):
        pool.swap(side, amount_in, amount_out)
    else:
        pool.swap(side, amount_out if side is SwapSide.BUY else amount_in)


@dataclass
class Venue:
    """One Gateway DEX connector (`uniswap/amm`) on one network, with its pools."""

    dex: str
    trading_type: TradingType
    network: Network
    pools: dict[str, Pool]
    # Broken-variant switches (harness.gateway.double.variants).
    ignore_slippage: bool = False
    quotes: dict[str, tuple[Pool, SwapSide, Decimal, SwapQuote]] = field(default_factory=dict)
    _quote_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    position_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def pool(self, address: str) -> Pool:
        pool = self.pools.get(address)
        if pool is None:
            raise NotFound(f"pool {address} not found for {self.dex}/{self.trading_type.value} "
                           f"on {self.network.name}")
        return pool

    def find_pool(self, params: dict[str, Any]) -> tuple[Pool, SwapSide, Decimal]:
        """The pool a swap request means and its side and amount; the router takes the
        pool paying the most."""
        side, amount = SwapSide(params["side"]), params["amount"]
        if amount <= 0:
            raise GatewayError(f"amount {amount} must be positive")
        base = self.network.token(params["baseToken"])
        if params.get("poolAddress"):
            pool = self.pool(params["poolAddress"])
            if base.address != pool.base.address:
                raise GatewayError(f"baseToken {base.symbol} is not the base of pool "
                                   f"{pool.address} ({pool.base.symbol}-{pool.quote.symbol})")
            return pool, side, amount
        quote = self.network.token(params.get("quoteToken") or "")
        candidates = [p for p in self.pools.values()
                      if p.base.address == base.address and p.quote.address == quote.address]
        if not candidates:
            raise NotFound(f"no {self.dex}/{self.trading_type.value} pool for "
                           f"{base.symbol}-{quote.symbol} on {self.network.name}")

        def worth(pool: Pool) -> Decimal:
            try:
                amount_in, amount_out = amounts(pool, side, amount)
            except GatewayError:
                return Decimal("-Infinity")
            return amount_out if side is SwapSide.SELL else -amount_in

        return max(candidates, key=worth), side, amount

    def quote(self, params: dict[str, Any]) -> SwapQuote:
        pool, side, amount = self.find_pool(params)
        slippage = params.get("slippagePct", DEFAULT_SLIPPAGE)
        if not Decimal(0) <= slippage <= Decimal(100):
            raise GatewayError(f"slippagePct {slippage} must be between 0 and 100")
        amount_in, amount_out = amounts(pool, side, amount)
        price = quote_price(side, amount_in, amount_out)
        min_out, max_in = swap_bounds(side, amount_in, amount_out,
                                      Decimal(0) if self.ignore_slippage else slippage)
        token_in, token_out = ((pool.base, pool.quote) if side is SwapSide.SELL
                               else (pool.quote, pool.base))
        impact = abs(price - pool.price) / pool.price * 100
        quote_id = ""
        if self.trading_type is TradingType.ROUTER:
            quote_id = f"{self.dex}-q{next(self._quote_ids):06d}"
        quote = SwapQuote(token_in.address, token_out.address, amount_in, amount_out, price,
                          slippage, min_out, max_in, pool.address, quote_id, impact)
        if quote_id:
            self.quotes[quote_id] = (pool, side, amount, quote)
        return quote

    def execute(self, params: dict[str, Any]) -> Any:
        quote = self.quote(params)
        pool, side, amount = self.find_pool(params)
        if quote.quote_id:
            self.quotes.pop(quote.quote_id, None)
        return self._submit(params.get("walletAddress"), pool, side, amount, quote)

    def execute_quote(self, params: dict[str, Any]) -> Any:
        stored = self.quotes.pop(params["quoteId"], None)
        if stored is None:
            raise NotFound(f"quote {params['quoteId']} not found (unknown, expired or "
                           "already executed); ask quote-swap for a new one")
        pool, side, amount, quote = stored
        return self._submit(params.get("walletAddress"), pool, side, amount, quote)

    def _submit(self, wallet_address: str | None, pool: Pool, side: SwapSide,
                amount: Decimal, quote: SwapQuote) -> Any:
        network, wallet = self.network, self.network.wallet(wallet_address)

        def effect() -> dict[str, Any]:
            amount_in, amount_out = amounts(pool, side, amount)
            if not self.ignore_slippage and (amount_out < quote.min_amount_out
                                             or amount_in > quote.max_amount_in):
                raise TxFailure(f"slippage exceeded: {amount_in} in for {amount_out} out is "
                                f"outside minAmountOut {quote.min_amount_out} / maxAmountIn "
                                f"{quote.max_amount_in}")
            token_in, token_out = ((pool.base, pool.quote) if side is SwapSide.SELL
                                   else (pool.quote, pool.base))
            network.move(wallet, {token_in.symbol: -amount_in, token_out.symbol: amount_out})
            apply_swap(pool, side, amount_in, amount_out)
            base_change = -amount_in if side is SwapSide.SELL else amount_out
            quote_change = amount_out if side is SwapSide.SELL else -amount_in
            return {"tokenIn": token_in.address, "tokenOut": token_out.address,
                    "amountIn": amount_in, "amountOut": amount_out, "fee": network.gas_fee,
                    "baseTokenBalanceChange": base_change,
                    "quoteTokenBalanceChange": quote_change}

        return network.submit(wallet, effect)
