"""Semantic checks of liquidity: AMM add/remove, CLMM open/add/remove/collect/close, and
fees that accrue only to positions in range."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.gateway.checks.catalogue import CheckSkipped, expect, gateway_check
from harness.gateway.checks.contract import CLMM, refused
from harness.gateway.checks.probe import Probe, number
from harness.gateway.checks.quotes import TOLERANCE
from harness.standard.gateway.model import TradingType

AMM = frozenset({TradingType.AMM})


def _near(a: Decimal, b: Decimal, slack: Decimal = Decimal(0)) -> bool:
    return abs(a - b) <= slack + max(abs(a), abs(b), Decimal(1)) * TOLERANCE


async def _amm_position(probe: Probe) -> dict[str, Any]:
    body: dict[str, Any] = await probe.ok("position-info", poolAddress=probe.target.pool,
                                          walletAddress=probe.target.wallet)
    return body


@gateway_check("GW-LP-1", "AMM add-liquidity raises the wallet's LP tokens and takes the "
               "amounts added from its balances", area="liquidity", types=AMM, executes=True)
async def amm_add(probe: Probe) -> None:
    base, quote = probe.target.base, probe.target.quote
    lp_before = number((await _amm_position(probe))["lpTokenAmount"])
    wanted = await probe.ok("quote-liquidity", poolAddress=probe.target.pool,
                            baseTokenAmount=probe.target.amount, slippagePct=1)
    before = await probe.balances()
    await probe.transact("add-liquidity", poolAddress=probe.target.pool,
                         baseTokenAmount=wanted["baseTokenAmount"],
                         quoteTokenAmount=wanted["quoteTokenAmountMax"], slippagePct=1)
    after, position = await probe.balances(), await _amm_position(probe)
    expect(number(position["lpTokenAmount"]) > lp_before,
           f"lpTokenAmount {position['lpTokenAmount']} did not grow from {lp_before}")
    paid_base, paid_quote = before[base] - after[base], before[quote] - after[quote]
    expect(_near(paid_base, number(wanted["baseTokenAmount"]), await probe.gas_allowance(base)),
           f"adding {wanted['baseTokenAmount']} {base} took {paid_base}")
    expect(Decimal(0) < paid_quote <= number(wanted["quoteTokenAmountMax"]) * (1 + TOLERANCE)
           + await probe.gas_allowance(quote),
           f"adding liquidity took {paid_quote} {quote}; quote-liquidity allowed at most "
           f"{wanted['quoteTokenAmountMax']}")


@gateway_check("GW-LP-2", "AMM remove-liquidity of 50 % halves the LP tokens and pays out "
               "no more than the position held", area="liquidity", types=AMM, executes=True)
async def amm_remove(probe: Probe) -> None:
    base, quote = probe.target.base, probe.target.quote
    position = await _amm_position(probe)
    lp = number(position["lpTokenAmount"])
    if lp == 0:
        raise CheckSkipped("the wallet holds no LP tokens (GW-LP-1 adds some)")
    before = await probe.balances()
    await probe.transact("remove-liquidity", poolAddress=probe.target.pool,
                         percentageToRemove=50)
    after, later = await probe.balances(), await _amm_position(probe)
    expect(_near(number(later["lpTokenAmount"]), lp / 2),
           f"removing 50 % left {later['lpTokenAmount']} LP tokens of {lp}")
    for symbol, held in ((base, position["baseTokenAmount"]),
                         (quote, position["quoteTokenAmount"])):
        got = after[symbol] - before[symbol]
        expect(Decimal(0) < got + await probe.gas_allowance(symbol)
               and got <= number(held) / 2 * (1 + TOLERANCE),
               f"removing 50 % paid {got} {symbol}; the position held {held}")


# -- CLMM ---------------------------------------------------------------------------------
async def _owned(probe: Probe) -> dict[str, dict[str, Any]]:
    owned = await probe.ok("positions-owned", walletAddress=probe.target.wallet)
    return {p["address"]: p for p in owned}


async def open_position(probe: Probe, low: Decimal, high: Decimal, base_amount: Decimal,
                        quote_amount: Decimal) -> dict[str, Any]:
    """Open a position between `low` and `high` times the pool price; the new position."""
    price = number((await probe.ok("pool-info", poolAddress=probe.target.pool))["price"])
    known = await _owned(probe)
    await probe.transact("open-position", poolAddress=probe.target.pool,
                         lowerPrice=price * low, upperPrice=price * high,
                         baseTokenAmount=base_amount, quoteTokenAmount=quote_amount,
                         slippagePct=1)
    new = [p for address, p in (await _owned(probe)).items() if address not in known]
    expect(len(new) == 1, f"open-position confirmed but positions-owned shows {len(new)} new "
           "positions, expected 1")
    probe.opened.append(new[0]["address"])
    return new[0]


def _value(position: dict[str, Any]) -> Decimal:
    price = number(position["price"])
    return number(position["baseTokenAmount"]) * price + number(position["quoteTokenAmount"])


@gateway_check("GW-CLMM-1", "open-position creates one position in positions-owned, with "
               "the bounds asked and the value deposited", area="liquidity", types=CLMM,
               executes=True)
async def clmm_open(probe: Probe) -> None:
    amount = probe.target.amount
    pool = await probe.ok("pool-info", poolAddress=probe.target.pool)
    price = number(pool["price"])
    before = await probe.balances()
    position = await open_position(probe, Decimal("0.95"), Decimal("1.05"), amount,
                                   amount * price)
    step = Decimal(pool.get("binStep") or 100) / 10000 + TOLERANCE
    for name, factor in (("lowerPrice", Decimal("0.95")), ("upperPrice", Decimal("1.05"))):
        got = number(position[name])
        expect(abs(got / (price * factor) - 1) <= step,
               f"position {name} {got} is not within one bin of {price * factor}")
    after = await probe.balances()
    paid = ((before[probe.target.base] - after[probe.target.base]) * price
            + before[probe.target.quote] - after[probe.target.quote])
    slack = (await probe.gas_allowance(probe.target.base)) * price
    expect(_near(_value(position), paid, slack + paid * Decimal("0.01")),
           f"the position is worth {_value(position)} {probe.target.quote}; the wallet paid "
           f"{paid}")


async def _a_position(probe: Probe) -> dict[str, Any]:
    """A position the checks opened (they never touch the wallet's other positions)."""
    owned = await _owned(probe)
    mine = [owned[a] for a in probe.opened if a in owned]
    if not mine:
        raise CheckSkipped("no position opened by these checks (GW-CLMM-1 opens one)")
    return mine[0]


@gateway_check("GW-CLMM-2", "add-liquidity and a 50 % remove-liquidity move the position's "
               "value and the wallet's balances by the same amounts", area="liquidity",
               types=CLMM, executes=True)
async def clmm_add_remove(probe: Probe) -> None:
    position = await _a_position(probe)
    address, price = position["address"], number(position["price"])
    amount = probe.target.amount
    await probe.transact("add-liquidity", positionAddress=address, baseTokenAmount=amount,
                         quoteTokenAmount=amount * price, slippagePct=1)
    grown = await probe.ok("position-info", positionAddress=address)
    expect(_value(grown) > _value(position),
           f"add-liquidity left position {address} worth {_value(grown)} (was "
           f"{_value(position)})")
    await probe.transact("remove-liquidity", positionAddress=address, percentageToRemove=50)
    halved = await probe.ok("position-info", positionAddress=address)
    expect(_near(_value(halved), _value(grown) / 2, _value(grown) * Decimal("0.001")),
           f"removing 50 % left position {address} worth {_value(halved)} of {_value(grown)}")


async def _swap_through(probe: Probe) -> None:
    """Trade both ways through the active price (fees for positions in range)."""
    for side in ("SELL", "BUY"):
        await probe.transact("execute-swap", **probe.swap_params(side, slippage=Decimal(5)))


def _fees(position: dict[str, Any]) -> Decimal:
    return number(position["baseFeeAmount"]) + number(position["quoteFeeAmount"])


@gateway_check("GW-CLMM-3", "swaps pay fees to positions in range and none to a position "
               "out of range", area="liquidity", types=CLMM, executes=True)
async def fees_only_in_range(probe: Probe) -> None:
    amount = probe.target.amount
    inside = await open_position(probe, Decimal("0.9"), Decimal("1.1"), amount * 2,
                                 amount * 2 * number((await _a_position(probe))["price"]))
    outside = await open_position(probe, Decimal("3"), Decimal("4"), amount, Decimal(0))
    await _swap_through(probe)
    inside_now = await probe.ok("position-info", positionAddress=inside["address"])
    outside_now = await probe.ok("position-info", positionAddress=outside["address"])
    expect(_fees(inside_now) > _fees(inside),
           f"position {inside['address']} in range earned no fee from two swaps")
    expect(_fees(outside_now) == 0,
           f"position {outside['address']}, out of range, earned fees {_fees(outside_now)}")


@gateway_check("GW-CLMM-4", "collect-fees pays the position's fees to the wallet and zeroes "
               "them", area="liquidity", types=CLMM, executes=True)
async def collect_fees(probe: Probe) -> None:
    position = await _a_position(probe)
    await _swap_through(probe)
    position = await probe.ok("position-info", positionAddress=position["address"])
    if _fees(position) == 0:
        raise CheckSkipped(f"position {position['address']} has no fees to collect")
    await probe.transact("collect-fees", positionAddress=position["address"])
    later = await probe.ok("position-info", positionAddress=position["address"])
    expect(_fees(later) == 0, f"after collect-fees position {position['address']} still "
           f"shows fees {later['baseFeeAmount']} / {later['quoteFeeAmount']}")


@gateway_check("GW-ERR-7", "percentageToRemove outside (0, 100] is refused with a 4xx",
               area="errors", types=frozenset({TradingType.AMM, TradingType.CLMM}))
async def percentage_bounds(probe: Probe) -> None:
    if probe.target.connector.trading_type is TradingType.AMM:
        key: dict[str, Any] = {"poolAddress": probe.target.pool}
    else:
        key = {"positionAddress": (await _a_position(probe))["address"]}
    for percentage in (Decimal(0), Decimal(-5), Decimal(101)):
        refused(await probe.call("remove-liquidity", walletAddress=probe.target.wallet,
                                 percentageToRemove=percentage, **key),
                f"remove-liquidity of {percentage} %")


@gateway_check("GW-CLMM-5", "close-position returns the position's amounts and fees and the "
               "position is gone (position-info refuses it)", area="liquidity", types=CLMM,
               executes=True)
async def close_positions(probe: Probe) -> None:
    owned = await _owned(probe)
    mine = {a: owned[a] for a in probe.opened if a in owned}
    if not mine:
        raise CheckSkipped("no position opened by these checks to close")
    base, quote = probe.target.base, probe.target.quote
    for address, position in mine.items():
        before = await probe.balances()
        await probe.transact("close-position", positionAddress=address)
        after = await probe.balances()
        for symbol, held in ((base, number(position["baseTokenAmount"])
                              + number(position["baseFeeAmount"])),
                             (quote, number(position["quoteTokenAmount"])
                              + number(position["quoteFeeAmount"]))):
            got = after[symbol] - before[symbol]
            slack = await probe.gas_allowance(symbol)
            expect(got >= held * (1 - Decimal("0.01")) - slack
                   and got <= held * (1 + Decimal("0.01")) + slack,
                   f"closing {address} returned {got} {symbol}; it held {held}")
        refused(await probe.call("position-info", positionAddress=address),
                f"position-info of closed position {address}")
