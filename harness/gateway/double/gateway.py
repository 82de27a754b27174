"""The double's state: two networks, their DEX connectors and pools, and the chain routes.

`GatewayDouble.default()` is the reference world: ethereum mainnet with uniswap amm, clmm
and router over WETH-USDC; solana mainnet-beta with raydium amm and clmm and the jupiter
router over SOL-USDC. Addresses are made up and never reach a real chain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.gateway.double.amm import ConstantProductPool
from harness.gateway.double.chain import Network, PendingTx
from harness.gateway.double.clmm import BinPool, ClmmPosition
from harness.gateway.double.errors import NotFound
from harness.gateway.double.swaps import Venue
from harness.standard.gateway.model import Chain, Token, TradingType, TxStatus

ETH_WALLET = "0x1111111111111111111111111111111111111111"
SOL_WALLET = "HarnessTestWa11et1111111111111111111111111"


def _ethereum() -> Network:
    tokens = {t.symbol: t for t in (
        Token("ETH", "0x0000000000000000000000000000000000000000", 18, "Ether"),
        Token("WETH", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", 18, "Wrapped Ether"),
        Token("USDC", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6, "USD Coin"))}
    return Network(Chain.ETHEREUM, "mainnet", tokens, gas_fee=Decimal("0.0003"),
                   wallets={ETH_WALLET: {"ETH": Decimal(10), "WETH": Decimal(20),
                                         "USDC": Decimal(60000)}})


def _solana() -> Network:
    tokens = {t.symbol: t for t in (
        Token("SOL", "So11111111111111111111111111111111111111112", 9, "Wrapped SOL"),
        Token("USDC", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", 6, "USD Coin"))}
    # Solana transactions confirm within the request (Gateway waits for them there); the
    # ethereum network keeps its transactions pending for two blocks.
    return Network(Chain.SOLANA, "mainnet-beta", tokens, gas_fee=Decimal("0.000005"),
                   position_rent=Decimal("0.00203928"), confirmations=0,
                   wallets={SOL_WALLET: {"SOL": Decimal(500), "USDC": Decimal(50000)}})


def _bin_pool(address: str, base: Token, quote: Token, fee: str, step: int, price: str,
              depth: Decimal, width: int) -> BinPool:
    """A bin pool seeded by one wide position of the pool's creator."""
    pool = BinPool(address, base, quote, Decimal(fee), step, Decimal(price))
    seed = ClmmPosition(f"{address[:8]}-genesis", "genesis", -width, width)
    pool.positions[seed.address] = seed
    pool.deposit(seed, depth, depth * pool.price)
    return pool


@dataclass
class GatewayDouble:
    networks: dict[Chain, Network]
    venues: dict[str, Venue]  # by "dex/type"
    started: float = field(default_factory=time.time)

    @classmethod
    def default(cls) -> GatewayDouble:
        eth, sol = _ethereum(), _solana()
        weth, usdc, wsol, susdc = (eth.tokens["WETH"], eth.tokens["USDC"], sol.tokens["SOL"],
                                   sol.tokens["USDC"])
        uni_v2 = ConstantProductPool("0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc", weth, usdc,
                                     Decimal("0.3"), Decimal(1000), Decimal(3000000))
        uni_v3 = _bin_pool("0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640", weth, usdc, "0.05",
                           10, "3000", Decimal(50), 40)
        ray_amm = ConstantProductPool("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2", wsol,
                                      susdc, Decimal("0.25"), Decimal(20000), Decimal(3000000))
        ray_clmm = _bin_pool("3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv", wsol, susdc,
                             "0.04", 20, "150", Decimal(400), 30)
        venues = [Venue("uniswap", TradingType.AMM, eth, {uni_v2.address: uni_v2}),
                  Venue("uniswap", TradingType.CLMM, eth, {uni_v3.address: uni_v3}),
                  Venue("uniswap", TradingType.ROUTER, eth,
                        {uni_v2.address: uni_v2, uni_v3.address: uni_v3}),
                  Venue("raydium", TradingType.AMM, sol, {ray_amm.address: ray_amm}),
                  Venue("raydium", TradingType.CLMM, sol, {ray_clmm.address: ray_clmm}),
                  Venue("jupiter", TradingType.ROUTER, sol,
                        {ray_amm.address: ray_amm, ray_clmm.address: ray_clmm})]
        return cls({Chain.ETHEREUM: eth, Chain.SOLANA: sol},
                   {f"{v.dex}/{v.trading_type.value}": v for v in venues})

    def venue(self, dex: str, trading_type: str) -> Venue:
        venue = self.venues.get(f"{dex}/{trading_type}")
        if venue is None:
            raise NotFound(f"connector {dex}/{trading_type} is not served; known: "
                           f"{', '.join(sorted(self.venues))}")
        return venue

    def network(self, chain: str, name: str | None = None) -> Network:
        try:
            network = self.networks[Chain(chain)]
        except (ValueError, KeyError):
            raise NotFound(f"chain {chain} is not served; use ethereum or solana") from None
        if name and name != network.name:
            raise NotFound(f"network {name} is not served for {chain}; this double serves "
                           f"{network.name}")
        return network

    # -- chain routes -------------------------------------------------------------------------
    def status(self, network: Network) -> dict[str, Any]:
        router = "uniswap/router" if network.chain is Chain.ETHEREUM else "jupiter/router"
        return {"chain": network.chain.value, "network": network.name,
                "rpcUrl": "http://127.0.0.1/double", "rpcProvider": "harness-double",
                "currentBlockNumber": network.block, "nativeCurrency": network.native,
                "swapProvider": router}

    def estimate_gas(self, network: Network) -> dict[str, Any]:
        units = 200000 if network.chain is Chain.SOLANA else 300000
        return {"feePerComputeUnit": network.gas_fee / units * 10**9,
                "denomination": "lamports" if network.chain is Chain.SOLANA else "gwei",
                "computeUnits": units, "feeAsset": network.native, "fee": network.gas_fee,
                "timestamp": int(time.time())}

    def balances(self, network: Network, params: dict[str, Any]) -> dict[str, Any]:
        wallet = network.wallet(params.get("address"))
        symbols = [network.token(t).symbol for t in params.get("tokens") or []]
        held = network.wallets[wallet]
        shown = symbols or [s for s in network.tokens if s in held]
        return {"balances": {s: held.get(s, Decimal(0)) for s in shown}}

    def poll(self, network: Network, params: dict[str, Any]) -> dict[str, Any]:
        tx = network.transaction(params["signature"])
        network.mine()
        answer: dict[str, Any] = {
            "currentBlock": network.block, "signature": tx.signature, "txBlock": tx.block,
            "txStatus": int(tx.status), "fee": tx.fee, "error": tx.error,
            "txData": tx.data}
        if params.get("tokens"):
            symbols = [network.token(t).symbol for t in params["tokens"]]
            answer["tokenBalanceChanges"] = {s: tx.balance_changes.get(s, Decimal(0))
                                             for s in symbols}
        return answer


def transaction_answer(tx: PendingTx) -> dict[str, Any]:
    """An execute route's answer: data only once CONFIRMED (Gateway's rule)."""
    answer: dict[str, Any] = {"signature": tx.signature, "status": int(tx.status)}
    if tx.status is TxStatus.CONFIRMED and tx.data is not None:
        answer["data"] = tx.data
    return answer
