"""Contract checks: every route exists and answers its schema; errors are errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.gateway.checks.catalogue import POOLS, expect, gateway_check
from harness.gateway.checks.probe import Probe, Reply, number
from harness.standard.gateway.model import TradingType
from harness.standard.gateway.routes import CHAIN_ROUTES, ROUTES

UNKNOWN_POOL = "HarnessUnknownPoo1111111111111111111111111"
UNKNOWN_TOKEN = "HARNESSNOTATOKEN"
UNKNOWN_POSITION = "HarnessUnknownPosition111111111111111111111"
CLMM = frozenset({TradingType.CLMM})
ROUTER = frozenset({TradingType.ROUTER})


def refused(reply: Reply, what: str) -> None:
    """An error is a 4xx with a message, never a 2xx (with zeros) and never a crash."""
    expect(400 <= reply.status < 500,
           f"{what} must be refused with a 4xx and a message; got {reply.describe()}")
    body = reply.body
    message = body.get("message") if isinstance(body, dict) else body
    expect(isinstance(message, str) and message.strip(),
           f"{what} was refused without a message: {reply.describe()}")


def _missing(reply: Reply) -> bool:
    """A route that does not exist (Fastify answers 404 'Route ... not found', or 405)."""
    message = reply.body.get("message", "") if isinstance(reply.body, dict) else ""
    return reply.status == 405 or (reply.status == 404 and "route" in str(message).lower())


@gateway_check("GW-RTE-1", "every route of the connector's trading type exists",
               area="routes")
async def routes_exist(probe: Probe) -> None:
    prefix = probe.target.connector.prefix
    missing = []
    for route in ROUTES[probe.target.connector.trading_type]:
        # An empty request: a present route answers 400 (bad request), a missing one 404.
        reply = await probe.request(route.method, route.path(prefix), {})
        if _missing(reply):
            missing.append(f"{route} ({reply.status})")
    expect(not missing, f"routes missing under {prefix}: {', '.join(missing)}")


@gateway_check("GW-RTE-2", "every chain route (status, estimate-gas, tokens, balances, "
               "poll) exists", area="routes")
async def chain_routes_exist(probe: Probe) -> None:
    missing = []
    for route in CHAIN_ROUTES:
        reply = await probe.chain(route.name)
        if _missing(reply):
            missing.append(f"{route} ({reply.status})")
    expect(not missing, f"chain routes missing for {probe.target.chain_of.value}: "
           f"{', '.join(missing)}")


@gateway_check("GW-SCH-1", "pool-info answers the trading type's PoolInfo schema",
               area="schema", types=POOLS)
async def pool_info_schema(probe: Probe) -> None:
    body = await probe.ok("pool-info", poolAddress=probe.target.pool)
    expect(body["address"] == probe.target.pool,
           f"pool-info for {probe.target.pool} describes pool {body['address']}")
    expect(number(body["price"]) > 0, f"pool-info price must be positive: {body!r}")


@gateway_check("GW-SCH-2", "quote-swap answers its schema for a SELL and a BUY",
               area="schema")
async def quote_schema(probe: Probe) -> None:
    for side in ("SELL", "BUY"):
        await probe.ok("quote-swap", **probe.swap_params(side))


@gateway_check("GW-SCH-3", "chain status, estimate-gas, tokens and balances answer their "
               "schemas, and balances list the tokens asked for", area="schema")
async def chain_schemas(probe: Probe) -> None:
    status = await probe.chain_ok("status")
    expect(status["chain"] == probe.target.chain_of.value,
           f"status names chain {status['chain']!r}, asked {probe.target.chain_of.value}")
    await probe.chain_ok("estimate-gas")
    await probe.chain_ok("tokens")
    balances = await probe.balances()
    asked = {probe.target.base, probe.target.quote}
    expect(asked <= set(balances), f"balances for {sorted(asked)} answered {balances}")


@gateway_check("GW-SCH-4", "position and liquidity-quote routes answer their schemas",
               area="schema", types=POOLS)
async def position_schemas(probe: Probe) -> None:
    pool, wallet = probe.target.pool, probe.target.wallet
    if probe.target.connector.trading_type is TradingType.AMM:
        await probe.ok("position-info", poolAddress=pool, walletAddress=wallet)
        await probe.ok("quote-liquidity", poolAddress=pool, baseTokenAmount=probe.target.amount)
        return
    await probe.ok("positions-owned", walletAddress=wallet)
    info = await probe.ok("pool-info", poolAddress=pool)
    price = number(info["price"])
    await probe.ok("quote-position", poolAddress=pool, lowerPrice=price * Decimal("0.9"),
                   upperPrice=price * Decimal("1.1"), baseTokenAmount=probe.target.amount)


@gateway_check("GW-ERR-1", "an unknown pool is refused with a 4xx and a message, never a "
               "200 (pool-info, quote-swap)", area="errors", types=POOLS)
async def unknown_pool(probe: Probe) -> None:
    refused(await probe.call("pool-info", poolAddress=UNKNOWN_POOL), "pool-info of an "
            "unknown pool")
    params = {**probe.swap_params("SELL"), "poolAddress": UNKNOWN_POOL}
    refused(await probe.call("quote-swap", **params), "quote-swap in an unknown pool")


@gateway_check("GW-ERR-2", "an unknown token is refused with a 4xx and a message, never a "
               "quote at price 0", area="errors")
async def unknown_token(probe: Probe) -> None:
    params: dict[str, Any] = {**probe.swap_params("SELL"), "baseToken": UNKNOWN_TOKEN}
    params.pop("poolAddress", None)
    refused(await probe.call("quote-swap", **params), f"quote-swap of token {UNKNOWN_TOKEN}")


@gateway_check("GW-ERR-3", "an unknown position is refused with a 4xx and a message "
               "(position-info, remove-liquidity, collect-fees, close-position)",
               area="errors", types=CLMM)
async def unknown_position(probe: Probe) -> None:
    refused(await probe.call("position-info", positionAddress=UNKNOWN_POSITION),
            "position-info of an unknown position")
    wallet = probe.target.wallet
    refused(await probe.call("remove-liquidity", positionAddress=UNKNOWN_POSITION,
                             percentageToRemove=50, walletAddress=wallet),
            "remove-liquidity of an unknown position")
    for name in ("collect-fees", "close-position"):
        refused(await probe.call(name, positionAddress=UNKNOWN_POSITION, walletAddress=wallet),
                f"{name} of an unknown position")


@gateway_check("GW-ERR-4", "execute-quote refuses an unknown quoteId with a 4xx",
               area="errors", types=ROUTER)
async def unknown_quote(probe: Probe) -> None:
    refused(await probe.call("execute-quote", quoteId="harness-unknown-quote",
                             walletAddress=probe.target.wallet), "an unknown quoteId")


@gateway_check("GW-ERR-5", "a quote is never a 200 with price 0 or amount 0; a zero amount "
               "is refused", area="errors")
async def no_zero_quotes(probe: Probe) -> None:
    for side in ("SELL", "BUY"):
        body = await probe.ok("quote-swap", **probe.swap_params(side))
        for name in ("price", "amountIn", "amountOut"):
            expect(number(body[name]) > 0, f"a {side} quote answered {name} "
                   f"{body[name]} with a 200: an error disguised as a quote")
    refused(await probe.call("quote-swap", **{**probe.swap_params("SELL"), "amount": 0}),
            "quote-swap of amount 0")


@gateway_check("GW-ERR-6", "slippagePct outside 0-100 is refused with a 4xx",
               area="errors")
async def slippage_bounds(probe: Probe) -> None:
    for slippage in (Decimal(-1), Decimal(101)):
        refused(await probe.call("quote-swap", **probe.swap_params("SELL", slippage=slippage)),
                f"quote-swap with slippagePct {slippage}")
