"""A Probe talks to one Gateway for the checks: it knows the target (connector, chain,
network, wallet, pool, tokens), calls routes by name, and polls transactions to the end."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import aiohttp

from harness.gateway.checks.catalogue import CheckFailed, CheckSkipped, expect
from harness.standard.gateway.model import (
    DEX_CHAIN,
    NETWORKS,
    Chain,
    DexConnector,
    TradingType,
    TxStatus,
)
from harness.standard.gateway.routes import CHAIN_ROUTES, ROUTES, Route, chain_prefix
from harness.standard.gateway.schema import jsonable, validate


@dataclass(frozen=True)
class Target:
    """What to judge. Unset fields are discovered from the Gateway (GET /wallet, /pools)."""

    url: str
    connector: DexConnector
    chain: Chain | None = None
    network: str = ""
    wallet: str = ""
    pool: str = ""
    base: str = ""
    quote: str = ""
    amount: Decimal = Decimal("0.1")
    poll_interval: float = 0.5
    poll_timeout: float = 60.0

    @property
    def chain_of(self) -> Chain:
        if self.chain is not None:
            return self.chain
        try:
            return DEX_CHAIN[self.connector.dex]
        except KeyError:
            raise ValueError(f"which chain does {self.connector.dex} run on? pass --chain "
                             "ethereum or --chain solana") from None


@dataclass(frozen=True)
class Reply:
    route: str
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        text = repr(self.body)
        return f"{self.route} -> {self.status} {text[:300]}"


def number(value: Any) -> Decimal:
    return Decimal(str(value))


class Probe:
    def __init__(self, target: Target, session: aiohttp.ClientSession) -> None:
        self.target = target
        self.session = session
        self.opened: list[str] = []  # positions the checks opened, the only ones they close

    # -- raw calls -------------------------------------------------------------------------
    def route(self, name: str) -> Route:
        trading_type = self.target.connector.trading_type
        for route in ROUTES[trading_type]:
            if route.name == name:
                return route
        raise CheckSkipped(f"{trading_type.value} has no {name} route")

    def _common(self, params: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.target.network:
            extra["network"] = self.target.network
        return {**extra, **params}

    async def request(self, method: str, path: str, params: dict[str, Any]) -> Reply:
        url = self.target.url.rstrip("/") + path
        if method == "GET":
            query = {k: str(jsonable(v)) for k, v in params.items() if v is not None}
            call = self.session.get(url, params=query)
        else:
            call = self.session.request(method, url, json=jsonable(params))
        async with call as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = await response.text()
        return Reply(f"{method} {path}", response.status, body)

    async def call(self, name: str, **params: Any) -> Reply:
        """Call the connector's route `name` with `params` (+ network)."""
        route = self.route(name)
        return await self.request(route.method, route.path(self.target.connector.prefix),
                                  self._common(params))

    async def chain(self, name: str, **params: Any) -> Reply:
        route = next(r for r in CHAIN_ROUTES if r.name == name)
        return await self.request(route.method, route.path(chain_prefix(self.target.chain_of)),
                                  self._common(params))

    async def ok(self, name: str, **params: Any) -> Any:
        """The body of a successful call of a connector route, checked against its schema."""
        reply = await self.call(name, **params)
        return self.conforming(reply, self.route(name))

    async def chain_ok(self, name: str, **params: Any) -> Any:
        reply = await self.chain(name, **params)
        return self.conforming(reply, next(r for r in CHAIN_ROUTES if r.name == name))

    @staticmethod
    def conforming(reply: Reply, route: Route) -> Any:
        expect(reply.ok, f"expected a 2xx answer, got {reply.describe()}")
        items = reply.body if route.response_is_list else [reply.body]
        expect(isinstance(items, list), f"{reply.route} must answer a list, got {reply.body!r}")
        problems = [p for item in items for p in validate(item, route.response)]
        expect(not problems, f"{reply.route} does not answer {route.response.name}: "
               + "; ".join(problems[:5]))
        return reply.body

    # -- discovery -------------------------------------------------------------------------
    async def discover(self) -> Probe:
        """Fill the target's wallet, pool and tokens from the Gateway where not given."""
        target = self.target
        if not target.wallet:
            reply = await self.request("GET", "/wallet", {})
            chain = target.chain_of.value
            wallets = [w for entry in (reply.body if isinstance(reply.body, list) else [])
                       if isinstance(entry, dict) and entry.get("chain") == chain
                       for w in entry.get("walletAddresses", [])]
            if not wallets:
                raise CheckSkipped(f"no {chain} wallet in GET /wallet; pass --wallet")
            target = replace(target, wallet=wallets[0])
        if not (target.base and target.quote) or (
                not target.pool and target.connector.trading_type is not TradingType.ROUTER):
            kind = target.connector.trading_type
            query = {"network": target.network} if target.network else {}
            if kind is not TradingType.ROUTER:
                query.update(connector=target.connector.dex, type=kind.value)
            reply = await self.request("GET", "/pools", query)
            networks = NETWORKS[target.chain_of]
            pools = [p for p in (reply.body if reply.ok and isinstance(reply.body, list)
                                 else []) if isinstance(p, dict) and p.get("network") in networks]
            if not pools:
                raise CheckSkipped(f"GET /pools lists no pool for {target.connector}; pass "
                                   "--pool, --base and --quote")
            first = pools[0]
            target = replace(target, base=target.base or first["baseSymbol"],
                             quote=target.quote or first["quoteSymbol"],
                             pool=target.pool or (first["address"] if kind is not
                                                  TradingType.ROUTER else ""))
        self.target = target
        return self

    # -- conveniences ------------------------------------------------------------------------
    def swap_params(self, side: str, amount: Decimal | None = None,
                    slippage: Decimal | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"baseToken": self.target.base, "quoteToken": self.target.quote,
                                  "amount": amount or self.target.amount, "side": side}
        if self.target.pool:
            params["poolAddress"] = self.target.pool
        if slippage is not None:
            params["slippagePct"] = slippage
        return params

    async def gas_allowance(self, symbol: str) -> Decimal:
        """How far `symbol`'s balance may move beyond a route's amounts: a few transaction
        fees (and a position's rent) when it is the chain's native currency, else 0."""
        status = await self.chain_ok("status")
        if symbol != status["nativeCurrency"] and not (
                symbol == "SOL" and status["nativeCurrency"] == "SOL"):
            return Decimal(0)
        gas = await self.chain_ok("estimate-gas")
        return number(gas["fee"]) * 3 + Decimal("0.003")

    async def balances(self) -> dict[str, Decimal]:
        body = await self.chain_ok("balances", address=self.target.wallet,
                                   tokens=[self.target.base, self.target.quote])
        return {symbol: number(value) for symbol, value in body["balances"].items()}

    async def settle(self, reply: Reply, route: Route) -> dict[str, Any]:
        """The final poll of the transaction an execute route answered."""
        body = self.conforming(reply, route)
        signature = body["signature"]
        deadline = asyncio.get_running_loop().time() + self.target.poll_timeout
        while True:
            poll = await self.chain_ok("poll", signature=signature,
                                       walletAddress=self.target.wallet)
            if poll["txStatus"] != TxStatus.PENDING:
                result: dict[str, Any] = poll
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise CheckFailed(f"transaction {signature} still pending after "
                                  f"{self.target.poll_timeout} s of polling")
            await asyncio.sleep(self.target.poll_interval)

    async def transact(self, name: str, **params: Any) -> dict[str, Any] | None:
        """Send an execute route and poll it until it is confirmed (a failure fails the
        check). Returns the route's `data` when it answered CONFIRMED at once, else None:
        a poll's txData is the chain's raw transaction, not the route's data."""
        route = self.route(name)
        reply = await self.call(name, walletAddress=self.target.wallet, **params)
        body = self.conforming(reply, route)
        if body["status"] == TxStatus.CONFIRMED:
            data: dict[str, Any] = body["data"]
            return data
        poll = await self.settle(reply, route)
        expect(poll["txStatus"] == TxStatus.CONFIRMED,
               f"{route} for {params} failed on chain: {poll.get('error')!r}")
        return None
