"""GW-CLI: a gateway client connector against recorded Gateway traffic (cassettes replayed on
loopback): quotes, swaps pending then confirmed or failed, errors, liquidity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from harness.checks import Severity, check
from harness.standard.enums import OrderState
from harness.standard.gateway.api import GatewayRequestError
from harness.standard.gateway.model import SwapSide, TradingType

AMOUNT = Decimal("0.5")


def near(a: Decimal, b: Decimal) -> bool:
    """Equal up to JSON float rounding."""
    return abs(a - b) <= max(abs(a), abs(b)) * Decimal("1e-9")


@check("GW-CLI-1", "A quote is read with Decimal amounts and a quote-per-base price on both "
       "sides", area="gateway-client", standard="gateway", scenario="quote")
async def test_quotes_are_read_per_side(gateway_subject: Any) -> None:
    async with gateway_subject.replay("quote") as live:
        sell = await live.connector.quote(SwapSide.SELL, AMOUNT)
        buy = await live.connector.quote(SwapSide.BUY, AMOUNT)
    assert sell.amount_in == AMOUNT and buy.amount_out == AMOUNT, (sell, buy)
    assert isinstance(sell.price, Decimal) and sell.price > 0
    assert near(sell.price, sell.amount_out / sell.amount_in)
    assert near(buy.price, buy.amount_in / buy.amount_out)
    assert sell.price < buy.price, f"a SELL ({sell.price}) pays more than a BUY ({buy.price})"


@check("GW-CLI-2", "A swap is OPEN while its transaction is pending and FILLED only once a poll "
       "confirms it, with the amounts the chain moved", area="gateway-client",
       standard="gateway", scenario="swap", severity=Severity.CRITICAL)
async def test_swap_fills_only_when_confirmed(gateway_subject: Any) -> None:
    async with gateway_subject.replay("swap") as live:
        before = await live.connector.balances()
        order = await live.connector.swap(SwapSide.SELL, AMOUNT, Decimal(1))
        states = [order.state]
        while not order.done:
            await live.connector.update_orders()
            states.append(order.state)
        after = await live.connector.balances()
    assert order.state is OrderState.FILLED, f"{order.state}: {order.error}"
    assert OrderState.FILLED not in states[:-1]
    base, quote = live.connector.base, live.connector.quote_token
    gas = order.fee if base in ("SOL", "ETH") and order.fee else Decimal(0)
    assert order.amount_in == AMOUNT and near(before[base] - after[base] - gas, AMOUNT)
    assert order.amount_out is not None and near(order.amount_out, after[quote] - before[quote])


@check("GW-CLI-3", "A transaction that fails on chain leaves its order FAILED with the reason "
       "and the balances unchanged", area="gateway-client", standard="gateway",
       scenario="swap_failed")
async def test_failed_swap_changes_nothing(gateway_subject: Any) -> None:
    async with gateway_subject.replay("swap_failed") as live:
        before = await live.connector.balances()
        order = await live.connector.swap(SwapSide.SELL, before[live.connector.base] + 1,
                                          Decimal(50))
        await live.settle()
        after = await live.connector.balances()
    assert order.state is OrderState.FAILED and order.error, order
    assert order.amount_out is None and after == before


@check("GW-CLI-4", "A refused request is raised as an error, never read as a quote at price 0",
       area="gateway-client", standard="gateway", scenario="quote_refused")
async def test_refusals_are_errors(gateway_subject: Any) -> None:
    async with gateway_subject.replay("quote_refused") as live:
        with pytest.raises(GatewayRequestError) as refused:
            await live.connector.quote(SwapSide.SELL, Decimal(0))
    assert 400 <= refused.value.status < 500 and refused.value.message


@check("GW-CLI-5", "Liquidity changes are tracked to completion and show in the positions",
       area="gateway-client", standard="gateway", scenario="liquidity", requires=["liquidity"])
async def test_liquidity_is_tracked(gateway_subject: Any) -> None:
    async with gateway_subject.replay("liquidity") as live:
        connector = live.connector
        price = (await connector.pool()).price
        if connector.trading_type is TradingType.AMM:
            added = await connector.add_liquidity(AMOUNT, AMOUNT * price * 2, slippage_pct=1)
        else:
            added = await connector.open_position(price * Decimal("0.9"),
                                                  price * Decimal("1.1"), AMOUNT,
                                                  AMOUNT * price)
        await live.settle()
        positions = await connector.positions()
        assert added.state is OrderState.FILLED and len(positions) == 1, (added, positions)
        key = positions[0].address
        removed = await connector.remove_liquidity(Decimal(50), key)
        await live.settle()
        halved = await connector.positions()
        if connector.trading_type is TradingType.CLMM:
            closed = await connector.close_position(key)
            await live.settle()
            assert closed.state is OrderState.FILLED and await connector.positions() == []
    assert removed.state is OrderState.FILLED
    assert halved[0].base_token_amount < positions[0].base_token_amount
