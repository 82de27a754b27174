"""The double on a real aiohttp.web server on 127.0.0.1, speaking Gateway's REST contract.

Requests are read against the standard's request schemas (GET: query string, POST: JSON
body); a bad request is a 400 naming the field, an unknown pool, token, position or
transaction a 404, never a 200 with zeros. Broken variants (variants.py) override
`missing_routes` or `render`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from harness.gateway.double import liquidity
from harness.gateway.double.chain import PendingTx
from harness.gateway.double.clmm import BinPool
from harness.gateway.double.errors import GatewayError, NotFound
from harness.gateway.double.gateway import GatewayDouble, transaction_answer
from harness.gateway.double.swaps import Venue
from harness.standard.gateway.model import SwapQuote, TradingType
from harness.standard.gateway.routes import CHAIN_ROUTES, ROUTES, Route
from harness.standard.gateway.schema import Kind, jsonable

Handler = Callable[[Venue, dict[str, Any]], Any]


def _quote(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    quote: SwapQuote = venue.quote(params)
    answer: dict[str, Any] = {
        "tokenIn": quote.token_in, "tokenOut": quote.token_out, "amountIn": quote.amount_in,
        "amountOut": quote.amount_out, "price": quote.price, "slippagePct": quote.slippage_pct,
        "minAmountOut": quote.min_amount_out, "maxAmountIn": quote.max_amount_in}
    if venue.trading_type is TradingType.ROUTER:
        answer["quoteId"] = quote.quote_id
        sold_base = quote.token_in == venue.pool(quote.pool_address).base.address
        # The worst acceptable price, quote per base, on the side the trader does not fix.
        answer["priceWithSlippage"] = (quote.min_amount_out / quote.amount_in if sold_base
                                       else quote.max_amount_in / quote.amount_out)
    else:
        answer["poolAddress"] = quote.pool_address
        answer["priceImpactPct"] = quote.price_impact_pct
    return answer


def _pool_info(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    info = venue.pool(params["poolAddress"]).info()
    answer: dict[str, Any] = {
        "address": info.address, "baseTokenAddress": info.base_token_address,
        "quoteTokenAddress": info.quote_token_address, "feePct": info.fee_pct,
        "price": info.price, "baseTokenAmount": info.base_token_amount,
        "quoteTokenAmount": info.quote_token_amount}
    if info.active_bin_id is not None:
        answer.update(binStep=info.bin_step, activeBinId=info.active_bin_id)
    return answer


def _clmm_position(venue: Venue, params: dict[str, Any]) -> dict[str, Any]:
    return liquidity.clmm_position(venue, *liquidity.find_position(venue, params))


def _positions_owned(venue: Venue, params: dict[str, Any]) -> list[dict[str, Any]]:
    wallet = venue.network.wallet(params.get("walletAddress"))
    if params.get("poolAddress"):
        venue.pool(params["poolAddress"])
    return [liquidity.clmm_position(venue, pool, position)
            for pool in venue.pools.values() if isinstance(pool, BinPool)
            if not params.get("poolAddress") or pool.address == params["poolAddress"]
            for position in pool.positions.values() if position.wallet == wallet]


HANDLERS: dict[tuple[TradingType, str], Handler] = {
    (TradingType.ROUTER, "quote-swap"): _quote,
    (TradingType.ROUTER, "execute-quote"): Venue.execute_quote,
    (TradingType.ROUTER, "execute-swap"): Venue.execute,
    (TradingType.AMM, "pool-info"): _pool_info,
    (TradingType.AMM, "position-info"): liquidity.amm_position,
    (TradingType.AMM, "quote-liquidity"): liquidity.amm_quote_liquidity,
    (TradingType.AMM, "quote-swap"): _quote,
    (TradingType.AMM, "execute-swap"): Venue.execute,
    (TradingType.AMM, "add-liquidity"): liquidity.amm_add,
    (TradingType.AMM, "remove-liquidity"): liquidity.amm_remove,
    (TradingType.CLMM, "pool-info"): _pool_info,
    (TradingType.CLMM, "position-info"): _clmm_position,
    (TradingType.CLMM, "positions-owned"): _positions_owned,
    (TradingType.CLMM, "quote-position"): liquidity.quote_position,
    (TradingType.CLMM, "quote-swap"): _quote,
    (TradingType.CLMM, "execute-swap"): Venue.execute,
    (TradingType.CLMM, "open-position"): liquidity.open_position,
    (TradingType.CLMM, "add-liquidity"): liquidity.clmm_add,
    (TradingType.CLMM, "remove-liquidity"): liquidity.clmm_remove,
    (TradingType.CLMM, "collect-fees"): liquidity.collect_fees,
    (TradingType.CLMM, "close-position"): liquidity.close_position,
}


def read_params(route: Route, raw: dict[str, Any]) -> dict[str, Any]:
    """The request's fields checked against the route's schema, numbers as Decimal."""
    params: dict[str, Any] = {}
    for spec in route.request.fields:
        value = raw.get(spec.name)
        if value is None or value == "":
            if spec.required:
                raise GatewayError(f"{spec.name}: missing; {route} requires it")
            continue
        if spec.kind == Kind.NUMBER:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise GatewayError(f"{spec.name}: {value!r} is not a number") from None
            if not value.is_finite():
                raise GatewayError(f"{spec.name}: {value} is not a finite number")
        elif spec.kind == Kind.BOOLEAN and isinstance(value, str):
            value = value == "true"
        elif spec.kind == Kind.ARRAY and not isinstance(value, list):
            raise GatewayError(f"{spec.name}: must be a list")
        if spec.enum and value not in spec.enum:
            raise GatewayError(f"{spec.name}: {value!r} is not one of {', '.join(spec.enum)}")
        params[spec.name] = value
    return params


def _error(status: int, title: str, message: str) -> web.Response:
    return web.json_response({"statusCode": status, "error": title, "message": message},
                             status=status)


class GatewayServer:
    """`async with GatewayServer() as server:` serves a fresh double at `server.url`."""

    missing_routes: frozenset[str] = frozenset()  # "amm/add-liquidity", "chain/poll"

    def __init__(self, double: GatewayDouble | None = None) -> None:
        self.double = double or GatewayDouble.default()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def render(self, key: str, status: int, payload: Any) -> tuple[int, Any]:
        """The last word on an answer, errors included (variants override it)."""
        return status, payload

    def adjust(self, key: str, params: dict[str, Any]) -> dict[str, Any]:
        """The request as the handler sees it (variants override it)."""
        return params

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/wallet", self._wallets)
        app.router.add_get("/pools", self._pools)
        app.router.add_route("*", "/connectors/{dex}/{type}/{name}", self._connector_route)
        app.router.add_route("*", "/chains/{chain}/{name}", self._chain_route)
        return app

    async def __aenter__(self) -> GatewayServer:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _root(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _wallets(self, request: web.Request) -> web.Response:
        return web.json_response([{"chain": n.chain.value, "walletAddresses": list(n.wallets)}
                                  for n in self.double.networks.values()])

    async def _pools(self, request: web.Request) -> web.Response:
        dex, kind = request.query.get("connector", ""), request.query.get("type", "")
        answer = [{"type": v.trading_type.value, "network": v.network.name,
                   "baseSymbol": p.base.symbol, "quoteSymbol": p.quote.symbol,
                   "address": p.address}
                  for v in self.double.venues.values()
                  if v.trading_type is not TradingType.ROUTER
                  and (not dex or v.dex == dex) and (not kind or v.trading_type.value == kind)
                  for p in v.pools.values()]
        return web.json_response(answer)

    async def _params(self, request: web.Request, route: Route) -> dict[str, Any]:
        if request.method == "GET":
            return read_params(route, dict(request.query))
        try:
            body = await request.json()
        except ValueError:
            raise GatewayError("body: not valid JSON") from None
        if not isinstance(body, dict):
            raise GatewayError("body: must be a JSON object")
        return read_params(route, body)

    def _find(self, routes: tuple[Route, ...], request: web.Request, key: str) -> Route:
        name = request.match_info["name"]
        found = next((r for r in routes if r.name == name and r.method == request.method),
                     None)
        if found is None or key in self.missing_routes:
            raise NotFound(f"Route {request.method}:{request.path} not found")
        return found

    async def _answer(self, key: str, work: Callable[[], Any]) -> web.Response:
        try:
            result = work()
        except GatewayError as exc:
            status, payload = self.render(key, exc.status, {
                "statusCode": exc.status, "error": exc.title, "message": exc.message})
            return web.json_response(payload, status=status)
        if isinstance(result, PendingTx):
            result = transaction_answer(result)
        status, payload = self.render(key, 200, jsonable(result))
        return web.json_response(payload, status=status)

    async def _connector_route(self, request: web.Request) -> web.Response:
        try:
            venue = self.double.venue(request.match_info["dex"], request.match_info["type"])
            key = f"{venue.trading_type.value}/{request.match_info['name']}"
            route = self._find(ROUTES[venue.trading_type], request, key)
            params = await self._params(request, route)
            venue.network.wallet(params.get("walletAddress"))
            if params.get("network") and params["network"] != venue.network.name:
                raise NotFound(f"network {params['network']} is not served for "
                               f"{venue.dex}; this double serves {venue.network.name}")
        except GatewayError as exc:
            return _error(exc.status, exc.title, exc.message)
        handler = HANDLERS[(venue.trading_type, route.name)]
        return await self._answer(key, lambda: handler(venue, self.adjust(key, params)))

    async def _chain_route(self, request: web.Request) -> web.Response:
        double = self.double
        try:
            network = double.network(request.match_info["chain"])
            key = f"chain/{request.match_info['name']}"
            route = self._find(CHAIN_ROUTES, request, key)
            params = await self._params(request, route)
            network = double.network(network.chain.value, params.get("network"))
        except GatewayError as exc:
            return _error(exc.status, exc.title, exc.message)
        work: dict[str, Callable[[], Any]] = {
            "status": lambda: double.status(network),
            "estimate-gas": lambda: double.estimate_gas(network),
            "tokens": lambda: {"tokens": [t.__dict__ for t in network.tokens.values()]},
            "balances": lambda: double.balances(network, params),
            "poll": lambda: double.poll(network, params),
        }
        return await self._answer(key, work[route.name])

