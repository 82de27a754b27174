"""The Gateway double on loopback: bad requests are 400s naming the field, unknown things
404s, and the gateway client raises them instead of reading them as data."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from harness.gateway.client.http import GatewayHttp
from harness.gateway.double.server import GatewayServer
from harness.registry import load_connector_class, load_registry
from harness.standard.config import ConnectorConfig
from harness.standard.gateway.api import GatewayRequestError
from harness.standard.gateway.model import SwapSide
from harness.standard.gateway.routes import AMM_POOL, Route

AMM = "/connectors/uniswap/amm"
POOL = "0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc"


async def answers(*calls: tuple[str, str, Any]) -> list[tuple[int, Any]]:
    async with GatewayServer() as server, aiohttp.ClientSession() as session:
        out = []
        for method, path, payload in calls:
            if method == "GET":
                request = session.get(server.url + path, params=payload)
            elif isinstance(payload, str):
                request = session.post(server.url + path, data=payload)
            else:
                request = session.post(server.url + path, json=payload)
            async with request as response:
                out.append((response.status, await response.json()))
        return out


def test_bad_requests_are_400s_that_name_the_field() -> None:
    swap = {"baseToken": "WETH", "quoteToken": "USDC", "side": "SELL"}
    results = asyncio.run(answers(
        ("GET", f"{AMM}/quote-swap", {**swap, "amount": "lots"}),
        ("GET", f"{AMM}/quote-swap", {**swap, "amount": "NaN"}),
        ("GET", f"{AMM}/quote-swap", {**swap, "amount": "1", "side": "HOLD"}),
        ("POST", "/chains/ethereum/balances", {"tokens": "WETH"}),
        ("POST", f"{AMM}/execute-swap", "{not json"),
        ("POST", f"{AMM}/execute-swap", [1, 2]),
        ("POST", "/chains/ethereum/balances", {"fetchAll": "true", "tokens": ["USDC"]}),
        ("GET", f"{AMM}/pool-info", {"poolAddress": POOL, "network": "base"}),
        ("GET", "/", {}),
    ))
    messages = [body.get("message", "") if isinstance(body, dict) else body
                for _, body in results]
    assert [status for status, _ in results] == [400, 400, 400, 400, 400, 400, 200, 404, 200]
    assert "amount: 'lots' is not a number" in messages[0]
    assert "not a finite number" in messages[1]
    assert "side: 'HOLD' is not one of BUY, SELL" in messages[2]
    assert "tokens: must be a list" in messages[3]
    assert messages[4] == "body: not valid JSON" and messages[5] == "body: must be a JSON object"
    assert results[6][1] == {"balances": {"USDC": 60000}}
    assert "network base is not served" in messages[7]
    assert results[8][1] == {"status": "ok"}


def _client(url: str, name: str = "uniswap_amm", **options: Any) -> Any:
    manifest = load_registry(eps=[]).get(name)
    config = ConnectorConfig(trading_pairs=manifest.pairs, urls={"rest": url}, options=options)
    return load_connector_class(manifest)(config)


def test_the_client_raises_gateway_refusals_and_broken_answers() -> None:
    async def scenario() -> None:
        client = _client("http://127.0.0.1:1")
        with pytest.raises(RuntimeError, match="not started"):
            await client.quote(SwapSide.SELL, Decimal(1))
        async with GatewayServer() as server:
            lost = _client(server.url, pool="0xnotapool", wallet="0xdead")
            await lost.start()
            with pytest.raises(GatewayRequestError, match="pool 0xnotapool not found"):
                await lost.pool()
            failed = await lost.swap(SwapSide.SELL, Decimal(1))
            assert failed.state.value == "FAILED" and "wallet 0xdead" in failed.error
            with pytest.raises(ValueError, match="percentage 0"):
                await lost.remove_liquidity(Decimal(0))
            opened = await lost.open_position(Decimal(1), Decimal(2), Decimal(1), Decimal(1))
            assert "has no open-position route" in opened.error
            assert await _started(server.url).positions() == []
            await lost.stop()
            http = GatewayHttp(server.url, "mainnet", 5)
            with pytest.raises(GatewayRequestError, match="breaks the schema"):
                await http.call(Route("GET", "status", AMM_POOL, AMM_POOL), "/chains/ethereum")
            with pytest.raises(GatewayRequestError, match="404"):
                await http.raw("GET", "/nowhere", {})
            await http.close()

    asyncio.run(scenario())


def _started(url: str) -> Any:
    client = _client(url)

    class Started:
        async def positions(self) -> Any:
            await client.start()
            try:
                return await client.positions()
            finally:
                await client.stop()

    return Started()


def test_the_client_needs_a_wallet_and_a_pool_for_its_pair() -> None:
    async def scenario() -> None:
        async with GatewayServer() as server:
            server.double.networks[next(iter(server.double.networks))].wallets.clear()
            with pytest.raises(GatewayRequestError, match="no ethereum wallet"):
                await _client(server.url).start()
            nopool = _client(server.url, "raydium_clmm")
            nopool.quote_token = "USDT"
            with pytest.raises(GatewayRequestError, match="no raydium clmm pool for SOL-USDT"):
                await nopool.start()
            await nopool.stop()

    asyncio.run(scenario())
