"""Liquidity routes of the double: AMM shares and CLMM positions (open, add, remove,
collect fees, close). Every change happens when its transaction confirms, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.gateway.double.amm import ConstantProductPool
from harness.gateway.double.chain import PendingTx
from harness.gateway.double.clmm import BinPool, ClmmPosition
from harness.gateway.double.errors import GatewayError, NotFound
from harness.gateway.double.swaps import DEFAULT_SLIPPAGE, Venue
from harness.standard.gateway.rules import HUNDRED, valid_percentage_to_remove

ZERO = Decimal(0)


def _amm_pool(venue: Venue, address: str) -> ConstantProductPool:
    pool = venue.pool(address)
    assert isinstance(pool, ConstantProductPool)
    return pool


def _percentage(params: dict[str, Any]) -> Decimal:
    percentage: Decimal = params["percentageToRemove"]
    if not valid_percentage_to_remove(percentage):
        raise GatewayError(f"percentageToRemove {percentage} must be above 0 and at most 100")
    return percentage


def amm_position(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    pool = _amm_pool(venue, params["poolAddress"])
    wallet = venue.network.wallet(params.get("walletAddress"))
    lp, base, quote = pool.position(wallet)
    return {"poolAddress": pool.address, "walletAddress": wallet,
            "baseTokenAddress": pool.base.address, "quoteTokenAddress": pool.quote.address,
            "lpTokenAmount": lp, "baseTokenAmount": base, "quoteTokenAmount": quote,
            "price": pool.price}


def amm_quote_liquidity(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    pool = _amm_pool(venue, params["poolAddress"])
    slippage = params.get("slippagePct", DEFAULT_SLIPPAGE)
    base_limited, base, quote = pool.quote_liquidity(params.get("baseTokenAmount"),
                                                     params.get("quoteTokenAmount"))
    widen = (HUNDRED + slippage) / HUNDRED
    return {"baseLimited": base_limited, "baseTokenAmount": base, "quoteTokenAmount": quote,
            "baseTokenAmountMax": base * widen, "quoteTokenAmountMax": quote * widen}


def amm_add(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool = _amm_pool(venue, params["poolAddress"])
    network, wallet = venue.network, venue.network.wallet(params.get("walletAddress"))
    wanted_base, wanted_quote = params["baseTokenAmount"], params["quoteTokenAmount"]
    if wanted_base <= 0 or wanted_quote <= 0:
        raise GatewayError("baseTokenAmount and quoteTokenAmount must be positive")

    def effect() -> dict[str, Any]:
        _, base, quote = pool.quote_liquidity(wanted_base, wanted_quote)
        network.move(wallet, {pool.base.symbol: -base, pool.quote.symbol: -quote})
        pool.add(wallet, base, quote)
        return {"fee": network.gas_fee, "baseTokenAmountAdded": base,
                "quoteTokenAmountAdded": quote}

    return network.submit(wallet, effect)


def amm_remove(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool = _amm_pool(venue, params["poolAddress"])
    network, wallet = venue.network, venue.network.wallet(params.get("walletAddress"))
    percentage = _percentage(params)
    if pool.shares.get(wallet, ZERO) == 0:
        raise NotFound(f"wallet {wallet} has no liquidity in pool {pool.address}")

    def effect() -> dict[str, Any]:
        base, quote = pool.remove(wallet, percentage)
        network.move(wallet, {pool.base.symbol: base, pool.quote.symbol: quote})
        return {"fee": network.gas_fee, "baseTokenAmountRemoved": base,
                "quoteTokenAmountRemoved": quote}

    return network.submit(wallet, effect)


# -- CLMM -------------------------------------------------------------------------------------
def _bin_pool(venue: Venue, address: str) -> BinPool:
    pool = venue.pool(address)
    assert isinstance(pool, BinPool)
    return pool


def find_position(venue: Venue, params: dict[str, Any]) -> tuple[BinPool, ClmmPosition]:
    address = params["positionAddress"]
    for pool in venue.pools.values():
        if isinstance(pool, BinPool) and address in pool.positions:
            return pool, pool.positions[address]
    raise NotFound(f"position {address} not found for {venue.dex}/clmm on "
                   f"{venue.network.name}")


def clmm_position(venue: Venue, pool: BinPool, position: ClmmPosition) -> dict[str, Any]:
    base, quote = pool.holdings(position.address)
    return {"address": position.address, "poolAddress": pool.address,
            "baseTokenAddress": pool.base.address, "quoteTokenAddress": pool.quote.address,
            "baseTokenAmount": base, "quoteTokenAmount": quote,
            "baseFeeAmount": position.base_fee, "quoteFeeAmount": position.quote_fee,
            "lowerBinId": position.lower_bin, "upperBinId": position.upper_bin,
            "lowerPrice": pool.bin_price(position.lower_bin),
            "upperPrice": pool.bin_price(position.upper_bin), "price": pool.price}


def _range(pool: BinPool, params: dict[str, Any]) -> tuple[int, int]:
    lower, upper = params["lowerPrice"], params["upperPrice"]
    if not ZERO < lower < upper:
        raise GatewayError(f"lowerPrice {lower} must be positive and below upperPrice {upper}")
    return pool.bin_of(lower), pool.bin_of(upper)


def _deposit_amounts(params: dict[str, Any]) -> tuple[Decimal, Decimal]:
    base = params.get("baseTokenAmount") or ZERO
    quote = params.get("quoteTokenAmount") or ZERO
    if base < 0 or quote < 0 or base + quote == 0:
        raise GatewayError("give a positive baseTokenAmount and/or quoteTokenAmount")
    return base, quote


def quote_position(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    pool = _bin_pool(venue, params["poolAddress"])
    lower, upper = _range(pool, params)
    base, quote = pool.placement(lower, upper, *_deposit_amounts(params))
    widen = (HUNDRED + params.get("slippagePct", DEFAULT_SLIPPAGE)) / HUNDRED
    return {"baseLimited": quote == 0, "baseTokenAmount": base, "quoteTokenAmount": quote,
            "baseTokenAmountMax": base * widen, "quoteTokenAmountMax": quote * widen,
            "liquidity": base * pool.price + quote}


def open_position(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool = _bin_pool(venue, params["poolAddress"])
    network, wallet = venue.network, venue.network.wallet(params.get("walletAddress"))
    lower, upper = _range(pool, params)
    wanted_base, wanted_quote = _deposit_amounts(params)
    address = f"{venue.dex}-pos-{next(venue.position_ids):06d}"

    def effect() -> dict[str, Any]:
        base, quote = pool.placement(lower, upper, wanted_base, wanted_quote)
        rent = network.position_rent
        network.move(wallet, {pool.base.symbol: -base, pool.quote.symbol: -quote})
        network.move(wallet, {network.native: -rent})
        position = ClmmPosition(address, wallet, lower, upper)
        pool.positions[address] = position
        pool.deposit(position, base, quote)
        return {"fee": network.gas_fee, "positionAddress": address, "positionRent": rent,
                "baseTokenAmountAdded": base, "quoteTokenAmountAdded": quote}

    return network.submit(wallet, effect)


def clmm_add(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool, position = find_position(venue, params)
    network = venue.network
    wanted_base, wanted_quote = _deposit_amounts(params)

    def effect() -> dict[str, Any]:
        base, quote = pool.placement(position.lower_bin, position.upper_bin, wanted_base,
                                     wanted_quote)
        network.move(position.wallet, {pool.base.symbol: -base, pool.quote.symbol: -quote})
        pool.deposit(position, base, quote)
        return {"fee": network.gas_fee, "baseTokenAmountAdded": base,
                "quoteTokenAmountAdded": quote}

    return network.submit(position.wallet, effect)


def clmm_remove(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool, position = find_position(venue, params)
    network, percentage = venue.network, _percentage(params)

    def effect() -> dict[str, Any]:
        base, quote = pool.withdraw(position.address, percentage)
        network.move(position.wallet, {pool.base.symbol: base, pool.quote.symbol: quote})
        return {"fee": network.gas_fee, "baseTokenAmountRemoved": base,
                "quoteTokenAmountRemoved": quote}

    return network.submit(position.wallet, effect)


def collect_fees(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool, position = find_position(venue, params)
    network = venue.network

    def effect() -> dict[str, Any]:
        base_fee, quote_fee = pool.collect(position.address)
        network.move(position.wallet, {pool.base.symbol: base_fee, pool.quote.symbol: quote_fee})
        return {"fee": network.gas_fee, "baseFeeAmountCollected": base_fee,
                "quoteFeeAmountCollected": quote_fee}

    return network.submit(position.wallet, effect)


def close_position(venue: Venue, params: dict[str, Any]) -> PendingTx:
    pool, position = find_position(venue, params)
    network = venue.network

    def effect() -> dict[str, Any]:
        base, quote = pool.withdraw(position.address, HUNDRED)
        base_fee, quote_fee = pool.collect(position.address)
        rent = network.position_rent
        network.move(position.wallet, {pool.base.symbol: base + base_fee,
                                       pool.quote.symbol: quote + quote_fee})
        network.move(position.wallet, {network.native: rent})
        del pool.positions[position.address]
        return {"fee": network.gas_fee, "positionRentRefunded": rent,
                "baseTokenAmountRemoved": base, "quoteTokenAmountRemoved": quote,
                "baseFeeAmountCollected": base_fee, "quoteFeeAmountCollected": quote_fee}

    return network.submit(position.wallet, effect)
