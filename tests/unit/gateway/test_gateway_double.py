"""The Gateway double's pools and chain: constant product, bins and their fees, and
transactions that stay pending, then confirm or fail without changing anything."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.gateway.double import liquidity
from harness.gateway.double.amm import ConstantProductPool
from harness.gateway.double.clmm import BinPool
from harness.gateway.double.errors import GatewayError, NotFound
from harness.gateway.double.gateway import ETH_WALLET, SOL_WALLET, GatewayDouble
from harness.standard.gateway.model import SwapSide, TxStatus

D = Decimal


def settle(double: GatewayDouble, signature: str, chain: str = "ethereum") -> dict[str, object]:
    network = double.network(chain)
    for _ in range(10):
        poll = double.poll(network, {"signature": signature})
        if poll["txStatus"] != TxStatus.PENDING:
            return poll
    raise AssertionError("never settled")


def test_constant_product_keeps_k_and_keeps_the_fee_in_the_pool() -> None:
    double = GatewayDouble.default()
    pool = double.venue("uniswap", "amm").pools["0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc"]
    assert isinstance(pool, ConstantProductPool)
    k = pool.base_reserve * pool.quote_reserve
    amount_in, amount_out = pool.amounts(SwapSide.SELL, D(10))
    pool.swap(SwapSide.SELL, amount_in, amount_out)
    assert pool.base_reserve * pool.quote_reserve > k  # the fee stayed
    buy_in, buy_out = pool.amounts(SwapSide.BUY, D(1))
    assert buy_out == 1 and buy_in > pool.price
    with pytest.raises(GatewayError, match="cannot buy"):
        pool.amounts(SwapSide.BUY, pool.base_reserve)


def test_a_swap_stays_pending_two_blocks_then_moves_balances() -> None:
    double = GatewayDouble.default()
    venue, network = double.venue("uniswap", "amm"), double.network("ethereum")
    tx = venue.execute({"baseToken": "WETH", "quoteToken": "USDC", "amount": D(1),
                        "side": "SELL"})
    assert tx.status is TxStatus.PENDING and network.balance(ETH_WALLET, "WETH") == 20
    first = double.poll(network, {"signature": tx.signature, "tokens": ["WETH"]})
    assert first["txStatus"] == TxStatus.PENDING and first["txBlock"] is None
    final = settle(double, tx.signature)
    assert final["txStatus"] == TxStatus.CONFIRMED and final["fee"] == D("0.0003")
    assert network.balance(ETH_WALLET, "WETH") == 19
    assert network.balance(ETH_WALLET, "ETH") == D("9.9997")


def test_a_transaction_the_wallet_cannot_pay_fails_and_changes_nothing() -> None:
    double = GatewayDouble.default()
    network = double.network("ethereum")
    before = dict(network.wallets[ETH_WALLET])
    tx = double.venue("uniswap", "amm").execute(
        {"baseToken": "WETH", "quoteToken": "USDC", "amount": D(50), "side": "SELL"})
    poll = settle(double, tx.signature)
    assert poll["txStatus"] == TxStatus.FAILED and "insufficient WETH" in str(poll["error"])
    assert network.wallets[ETH_WALLET] == before


def test_a_swap_fails_when_the_pool_moved_beyond_its_slippage() -> None:
    double = GatewayDouble.default()
    venue, network = double.venue("uniswap", "amm"), double.network("ethereum")
    mine = venue.execute({"baseToken": "WETH", "quoteToken": "USDC", "amount": D(1),
                          "side": "SELL", "slippagePct": D("0.1")})
    pool = venue.pools["0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc"]
    assert isinstance(pool, ConstantProductPool)
    pool.swap(SwapSide.SELL, D(30), pool.amounts(SwapSide.SELL, D(30))[1])  # someone else
    poll = settle(double, mine.signature)
    assert poll["txStatus"] == TxStatus.FAILED and "slippage exceeded" in str(poll["error"])
    assert network.balance(ETH_WALLET, "WETH") == 20


def test_a_stalled_transaction_expires() -> None:
    double = GatewayDouble.default()
    double.network("solana").stall_next = 1
    tx = double.venue("raydium", "amm").execute(
        {"baseToken": "SOL", "quoteToken": "USDC", "amount": D(1), "side": "SELL"})
    assert tx.status is TxStatus.PENDING  # solana confirms at once, unless stalled
    poll = settle(double, tx.signature, "solana")
    assert poll["txStatus"] == TxStatus.FAILED and "expired" in str(poll["error"])


def test_bin_fees_go_only_to_positions_in_range() -> None:
    double = GatewayDouble.default()
    venue, network = double.venue("raydium", "clmm"), double.network("solana")
    pool = next(iter(venue.pools.values()))
    assert isinstance(pool, BinPool)
    inside = liquidity.open_position(venue, {"poolAddress": pool.address, "lowerPrice": D(140),
                                             "upperPrice": D(160), "baseTokenAmount": D(5),
                                             "quoteTokenAmount": D(750)})
    outside = liquidity.open_position(venue, {"poolAddress": pool.address,
                                              "lowerPrice": D(300), "upperPrice": D(400),
                                              "baseTokenAmount": D(1)})
    assert inside.status is outside.status is TxStatus.CONFIRMED
    for side in ("SELL", "BUY"):
        venue.execute({"baseToken": "SOL", "quoteToken": "USDC", "amount": D(3), "side": side})
    inside_position = pool.positions[str(inside.data and inside.data["positionAddress"])]
    outside_position = pool.positions[str(outside.data and outside.data["positionAddress"])]
    assert inside_position.base_fee > 0 and inside_position.quote_fee > 0
    assert outside_position.base_fee == outside_position.quote_fee == 0
    base, quote = pool.holdings(outside_position.address)
    assert abs(base - 1) < D("1e-20") and quote == 0
    assert network.balance(SOL_WALLET, "SOL") < 500


def test_unknown_things_are_refused_by_name() -> None:
    double = GatewayDouble.default()
    venue = double.venue("uniswap", "clmm")
    with pytest.raises(NotFound, match="pool nope not found"):
        venue.pool("nope")
    with pytest.raises(NotFound, match="Token DOGE not found"):
        double.network("ethereum").token("DOGE")
    with pytest.raises(NotFound, match="position p1 not found"):
        liquidity.find_position(venue, {"positionAddress": "p1"})
    with pytest.raises(NotFound, match="connector sushi/amm is not served"):
        double.venue("sushi", "amm")
    with pytest.raises(NotFound, match="network devnet is not served"):
        double.network("solana", "devnet")
    with pytest.raises(NotFound, match="chain bitcoin is not served"):
        double.network("bitcoin")
    with pytest.raises(NotFound, match="transaction 0xabc not found"):
        double.network("ethereum").transaction("0xabc")
    with pytest.raises(NotFound, match="wallet 0xdead is not known"):
        double.network("ethereum").wallet("0xdead")
    with pytest.raises(GatewayError, match="percentageToRemove 150"):
        liquidity.amm_remove(double.venue("uniswap", "amm"), {
            "poolAddress": "0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc",
            "percentageToRemove": D(150)})
