"""Semantic checks of executed swaps and their transactions."""

from __future__ import annotations

from decimal import Decimal

from harness.gateway.checks.catalogue import expect, gateway_check
from harness.gateway.checks.contract import refused
from harness.gateway.checks.probe import Probe, number
from harness.gateway.checks.quotes import TOLERANCE
from harness.standard.gateway.model import SwapSide, TxStatus


@gateway_check("GW-SWP-1", "an executed swap moves the wallet's balances as its quote said, "
               "within slippage (SELL then BUY)", area="swaps", executes=True)
async def swap_matches_quote(probe: Probe) -> None:
    base, quote_symbol = probe.target.base, probe.target.quote
    slack_base = await probe.gas_allowance(base)
    slack_quote = await probe.gas_allowance(quote_symbol)
    for side in SwapSide:
        params = probe.swap_params(side.value, slippage=Decimal(1))
        quote = await probe.ok("quote-swap", **params)
        before = await probe.balances()
        data = await probe.transact("execute-swap", **params)
        after = await probe.balances()
        base_change = after[base] - before[base]
        quote_change = after[quote_symbol] - before[quote_symbol]
        amount = probe.target.amount
        if side is SwapSide.SELL:
            expect(abs(base_change + amount) <= slack_base + amount * TOLERANCE,
                   f"a SELL of {amount} {base} changed {base} by {base_change}")
            expect(quote_change >= number(quote["minAmountOut"]) * (1 - TOLERANCE)
                   - slack_quote,
                   f"a SELL received {quote_change} {quote_symbol}, below the quote's "
                   f"minAmountOut {quote['minAmountOut']}")
        else:
            expect(abs(base_change - amount) <= slack_base + amount * TOLERANCE,
                   f"a BUY of {amount} {base} changed {base} by {base_change}")
            expect(-quote_change <= number(quote["maxAmountIn"]) * (1 + TOLERANCE)
                   + slack_quote,
                   f"a BUY paid {-quote_change} {quote_symbol}, above the quote's "
                   f"maxAmountIn {quote['maxAmountIn']}")
        if data is not None:
            reported = number(data["quoteTokenBalanceChange"])
            expect(abs(reported - quote_change) <= slack_quote + abs(quote_change) * TOLERANCE,
                   f"execute-swap reported quoteTokenBalanceChange {reported}, the wallet's "
                   f"{quote_symbol} changed by {quote_change}")


@gateway_check("GW-TX-1", "an execute route answers {signature, status}, with data exactly "
               "when CONFIRMED, and a pending transaction polls to confirmed or failed",
               area="transactions", executes=True)
async def pending_settles(probe: Probe) -> None:
    reply = await probe.call("execute-swap", walletAddress=probe.target.wallet,
                             **probe.swap_params("SELL", slippage=Decimal(1)))
    body = probe.conforming(reply, probe.route("execute-swap"))
    status = body["status"]
    expect(("data" in body) == (status == TxStatus.CONFIRMED),
           f"data must come with status 1 (CONFIRMED) and only then; got {body!r}")
    poll = await probe.settle(reply, probe.route("execute-swap"))
    expect(poll["signature"] == body["signature"],
           f"poll of {body['signature']} answered for {poll['signature']}")
    if status == TxStatus.CONFIRMED:
        expect(poll["txStatus"] == TxStatus.CONFIRMED,
               f"a transaction answered CONFIRMED polls as {poll['txStatus']}")
    if poll["txStatus"] == TxStatus.CONFIRMED:
        expect(poll["txBlock"] is not None and poll["fee"] is not None,
               f"a confirmed poll must carry txBlock and fee: {poll!r}")
    else:
        expect(poll.get("error"), f"a failed poll must say why (error): {poll!r}")


@gateway_check("GW-TX-2", "a swap the wallet cannot pay is refused (4xx) or fails "
               "(status -1), and changes no balance", area="transactions", executes=True)
async def unaffordable_swap(probe: Probe) -> None:
    before = await probe.balances()
    too_much = before[probe.target.base] * 2 + 1
    reply = await probe.call("execute-swap", walletAddress=probe.target.wallet,
                             **probe.swap_params("SELL", amount=too_much,
                                                 slippage=Decimal(50)))
    if reply.ok:
        poll = await probe.settle(reply, probe.route("execute-swap"))
        expect(poll["txStatus"] == TxStatus.FAILED,
               f"selling {too_much} {probe.target.base} (the wallet holds "
               f"{before[probe.target.base]}) settled as {poll['txStatus']}, not -1")
    else:
        refused(reply, f"selling {too_much} {probe.target.base}, more than the wallet holds")
    after = await probe.balances()
    slack = await probe.gas_allowance(probe.target.base)
    for symbol, amount in before.items():
        expect(abs(after[symbol] - amount) <= (slack if symbol == probe.target.base else 0),
               f"a failed swap changed {symbol} from {amount} to {after[symbol]}")
