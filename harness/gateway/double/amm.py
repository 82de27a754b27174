"""A constant-product pool (Uniswap V2, Raydium AMM): x * y = k, the fee stays in the pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from harness.gateway.double.errors import GatewayError
from harness.standard.gateway.model import PoolInfo, SwapSide, Token

HUNDRED = Decimal(100)


@dataclass
class ConstantProductPool:
    address: str
    base: Token
    quote: Token
    fee_pct: Decimal
    base_reserve: Decimal
    quote_reserve: Decimal
    shares: dict[str, Decimal] = field(default_factory=dict)  # LP tokens by wallet

    def __post_init__(self) -> None:
        # The initial liquidity belongs to nobody the harness trades as.
        self.shares.setdefault("genesis", (self.base_reserve * self.quote_reserve).sqrt())

    @property
    def price(self) -> Decimal:
        return self.quote_reserve / self.base_reserve

    @property
    def lp_supply(self) -> Decimal:
        return sum(self.shares.values(), Decimal(0))

    def info(self) -> PoolInfo:
        return PoolInfo(self.address, self.base.address, self.quote.address, self.fee_pct,
                        self.price, self.base_reserve, self.quote_reserve)

    def amounts(self, side: SwapSide, amount: Decimal) -> tuple[Decimal, Decimal]:
        """(amount_in, amount_out) of a swap of `amount` base, the fee taken from the input."""
        keep = (HUNDRED - self.fee_pct) / HUNDRED
        if side is SwapSide.SELL:
            net_in = amount * keep
            return amount, self.quote_reserve * net_in / (self.base_reserve + net_in)
        if amount >= self.base_reserve:
            raise GatewayError(f"pool {self.address} holds only {self.base_reserve} "
                               f"{self.base.symbol}; cannot buy {amount}")
        net_in = self.quote_reserve * amount / (self.base_reserve - amount)
        return net_in / keep, amount

    def swap(self, side: SwapSide, amount_in: Decimal, amount_out: Decimal) -> None:
        if side is SwapSide.SELL:
            self.base_reserve += amount_in
            self.quote_reserve -= amount_out
        else:
            self.quote_reserve += amount_in
            self.base_reserve -= amount_out

    def quote_liquidity(self, base: Decimal | None, quote: Decimal | None
                        ) -> tuple[bool, Decimal, Decimal]:
        """(base_limited, base, quote) of a deposit at the pool's ratio."""
        if base is not None and (quote is None or base * self.price <= quote):
            return True, base, base * self.price
        if quote is None:
            raise GatewayError("give baseTokenAmount or quoteTokenAmount")
        return False, quote / self.price, quote

    def add(self, wallet: str, base: Decimal, quote: Decimal) -> Decimal:
        minted = self.lp_supply * base / self.base_reserve
        self.base_reserve += base
        self.quote_reserve += quote
        self.shares[wallet] = self.shares.get(wallet, Decimal(0)) + minted
        return minted

    def position(self, wallet: str) -> tuple[Decimal, Decimal, Decimal]:
        """(lp tokens, base, quote) the wallet owns."""
        lp = self.shares.get(wallet, Decimal(0))
        fraction = lp / self.lp_supply
        return lp, self.base_reserve * fraction, self.quote_reserve * fraction

    def remove(self, wallet: str, percentage: Decimal) -> tuple[Decimal, Decimal]:
        lp, base, quote = self.position(wallet)
        if lp == 0:
            raise GatewayError(f"wallet {wallet} has no liquidity in pool {self.address}")
        burned = lp * percentage / HUNDRED
        base_out, quote_out = base * percentage / HUNDRED, quote * percentage / HUNDRED
        self.shares[wallet] = lp - burned
        self.base_reserve -= base_out
        self.quote_reserve -= quote_out
        return base_out, quote_out
