"""Semantic checks of quotes: price, the fixed side, slippage bounds, and the router's
quote-then-execute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.gateway.checks.catalogue import POOLS, expect, gateway_check
from harness.gateway.checks.contract import ROUTER, refused
from harness.gateway.checks.probe import Probe, number
from harness.standard.gateway.model import SwapSide
from harness.standard.gateway.rules import close_enough, quote_price, swap_bounds

# Gateway's numbers are JSON floats and may be rounded to token decimals: 0.01 % is far
# below any slippage the checks ask for (1 % and 5 %), so ignoring slippage still shows.
TOLERANCE = Decimal("0.0001")


async def _quote(probe: Probe, side: str, slippage: Decimal | None = None) -> dict[str, Any]:
    body: dict[str, Any] = await probe.ok("quote-swap",
                                          **probe.swap_params(side, slippage=slippage))
    return body


@gateway_check("GW-QTE-1", "a quote's price is amountOut/amountIn for a SELL and "
               "amountIn/amountOut for a BUY (quote per base)", area="quotes")
async def price_matches_amounts(probe: Probe) -> None:
    for side in SwapSide:
        body = await _quote(probe, side.value)
        implied = quote_price(side, number(body["amountIn"]), number(body["amountOut"]))
        expect(close_enough(number(body["price"]), implied, TOLERANCE),
               f"{side.value} quote price {body['price']} disagrees with its amounts "
               f"(amountIn {body['amountIn']}, amountOut {body['amountOut']} imply {implied})")


@gateway_check("GW-QTE-2", "minAmountOut and maxAmountIn follow slippagePct: a SELL accepts "
               "amountOut less slippage, a BUY pays amountIn plus slippage", area="quotes")
async def slippage_bounds_follow(probe: Probe) -> None:
    for side in SwapSide:
        for slippage in (Decimal(1), Decimal(5)):
            body = await _quote(probe, side.value, slippage)
            amount_in, amount_out = number(body["amountIn"]), number(body["amountOut"])
            min_out, max_in = swap_bounds(side, amount_in, amount_out, slippage)
            got_min, got_max = number(body["minAmountOut"]), number(body["maxAmountIn"])
            expect(close_enough(got_min, min_out, TOLERANCE)
                   and close_enough(got_max, max_in, TOLERANCE),
                   f"{side.value} quote at slippagePct {slippage}: expected minAmountOut "
                   f"{min_out:.8g} and maxAmountIn {max_in:.8g}, got {got_min} and {got_max}")


@gateway_check("GW-QTE-3", "a quote fixes the amount asked (SELL: amountIn, BUY: amountOut) "
               "and names tokenIn/tokenOut by side", area="quotes")
async def quote_fixes_amount(probe: Probe) -> None:
    amount = probe.target.amount
    sell, buy = await _quote(probe, "SELL"), await _quote(probe, "BUY")
    expect(close_enough(number(sell["amountIn"]), amount, TOLERANCE),
           f"a SELL of {amount} base quoted amountIn {sell['amountIn']}")
    expect(close_enough(number(buy["amountOut"]), amount, TOLERANCE),
           f"a BUY of {amount} base quoted amountOut {buy['amountOut']}")
    expect(sell["tokenIn"] == buy["tokenOut"] and sell["tokenOut"] == buy["tokenIn"]
           and sell["tokenIn"] != sell["tokenOut"],
           f"tokenIn/tokenOut must swap with the side: SELL {sell['tokenIn']} -> "
           f"{sell['tokenOut']}, BUY {buy['tokenIn']} -> {buy['tokenOut']}")


@gateway_check("GW-QTE-4", "a quote is no better than the pool's price: a SELL gets at most, "
               "a BUY pays at least, pool-info's price", area="quotes", types=POOLS)
async def no_free_lunch(probe: Probe) -> None:
    info = await probe.ok("pool-info", poolAddress=probe.target.pool)
    pool_price = number(info["price"])
    sell, buy = await _quote(probe, "SELL"), await _quote(probe, "BUY")
    slack = Decimal(1) + TOLERANCE
    expect(number(sell["price"]) <= pool_price * slack,
           f"a SELL quoted {sell['price']}, better than the pool's price {pool_price}")
    expect(number(buy["price"]) * slack >= pool_price,
           f"a BUY quoted {buy['price']}, better than the pool's price {pool_price}")


@gateway_check("GW-RTR-1", "execute-quote executes a quoted swap once: the balances move by "
               "the quote within slippage, and the same quoteId is then refused",
               area="swaps", types=ROUTER, executes=True)
async def execute_quote_once(probe: Probe) -> None:
    base, quote_symbol = probe.target.base, probe.target.quote
    body = await _quote(probe, "SELL", Decimal(1))
    before = await probe.balances()
    await probe.transact("execute-quote", quoteId=body["quoteId"])
    after = await probe.balances()
    spent, got = before[base] - after[base], after[quote_symbol] - before[quote_symbol]
    expect(close_enough(spent, number(body["amountIn"]), TOLERANCE),
           f"execute-quote spent {spent} {base}, the quote said {body['amountIn']}")
    expect(got >= number(body["minAmountOut"]) * (1 - TOLERANCE),
           f"execute-quote received {got} {quote_symbol}, below minAmountOut "
           f"{body['minAmountOut']}")
    refused(await probe.call("execute-quote", quoteId=body["quoteId"],
                             walletAddress=probe.target.wallet), "a quoteId executed before")
