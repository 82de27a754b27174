"""Gateway's model: chains and networks, tokens, pools, positions, quotes, transactions.

Amounts are Decimal. Field names follow Gateway's JSON (src/schemas/*.ts), in snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum


class Chain(StrEnum):
    ETHEREUM = "ethereum"
    SOLANA = "solana"


class TradingType(StrEnum):
    """What a Gateway DEX connector offers; each has its own routes."""

    ROUTER = "router"
    AMM = "amm"
    CLMM = "clmm"


class SwapSide(StrEnum):
    """The side of the base token: SELL spends `amount` base, BUY receives `amount` base."""

    BUY = "BUY"
    SELL = "SELL"


class TxStatus(IntEnum):
    """Gateway's TransactionStatus (chain-schema.ts): the `status` / `txStatus` numbers."""

    FAILED = -1
    PENDING = 0
    CONFIRMED = 1


# The networks each chain knows (src/templates/chains); the harness' doubles serve the first.
NETWORKS: dict[Chain, tuple[str, ...]] = {
    Chain.ETHEREUM: ("mainnet", "arbitrum", "avalanche", "base", "bsc", "celo", "optimism",
                     "polygon", "sepolia"),
    Chain.SOLANA: ("mainnet-beta", "devnet"),
}
NATIVE_CURRENCY: dict[Chain, str] = {Chain.ETHEREUM: "ETH", Chain.SOLANA: "SOL"}
# Which chain each Gateway DEX runs on (src/connectors/*/*.config.ts).
DEX_CHAIN: dict[str, Chain] = {
    "uniswap": Chain.ETHEREUM, "pancakeswap": Chain.ETHEREUM, "0x": Chain.ETHEREUM,
    "jupiter": Chain.SOLANA, "raydium": Chain.SOLANA, "meteora": Chain.SOLANA,
    "orca": Chain.SOLANA, "pancakeswap-sol": Chain.SOLANA,
}


@dataclass(frozen=True)
class Token:
    symbol: str
    address: str
    decimals: int
    name: str = ""


@dataclass(frozen=True)
class DexConnector:
    """One route family of Gateway: `uniswap/amm` is dex `uniswap`, type `amm`."""

    dex: str
    trading_type: TradingType

    @classmethod
    def parse(cls, text: str) -> DexConnector:
        """`DexConnector.parse("uniswap/amm")`; raise ValueError with the fix on bad input."""
        dex, _, kind = text.partition("/")
        try:
            return cls(dex, TradingType(kind))
        except ValueError:
            raise ValueError(f"{text!r} is not dex/type with type one of router, amm, clmm "
                             "(e.g. uniswap/amm)") from None

    @property
    def prefix(self) -> str:
        return f"/connectors/{self.dex}/{self.trading_type.value}"

    def __str__(self) -> str:
        return f"{self.dex}/{self.trading_type.value}"


@dataclass(frozen=True)
class PoolInfo:
    """An AMM or CLMM pool (CLMM adds bin_step and active_bin_id)."""

    address: str
    base_token_address: str
    quote_token_address: str
    fee_pct: Decimal
    price: Decimal
    base_token_amount: Decimal
    quote_token_amount: Decimal
    bin_step: int | None = None
    active_bin_id: int | None = None


@dataclass(frozen=True)
class Position:
    """A liquidity position: an AMM share (lp_token_amount) or a CLMM range (address, bins)."""

    pool_address: str
    base_token_amount: Decimal
    quote_token_amount: Decimal
    price: Decimal
    address: str = ""
    lp_token_amount: Decimal = Decimal(0)
    base_fee_amount: Decimal = Decimal(0)
    quote_fee_amount: Decimal = Decimal(0)
    lower_price: Decimal = Decimal(0)
    upper_price: Decimal = Decimal(0)


@dataclass(frozen=True)
class SwapQuote:
    token_in: str
    token_out: str
    amount_in: Decimal
    amount_out: Decimal
    price: Decimal
    slippage_pct: Decimal
    min_amount_out: Decimal
    max_amount_in: Decimal
    pool_address: str = ""
    quote_id: str = ""
    price_impact_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class Transaction:
    """What an execute route or a poll says about one transaction."""

    signature: str
    status: TxStatus
    fee: Decimal | None = None
    block: int | None = None
    error: str = ""
    data: dict[str, object] | None = None

    @property
    def settled(self) -> bool:
        return self.status is not TxStatus.PENDING
