"""Conformance replay on Bybit v5's declaration (cassettes/bybit/exchange.yaml): answers
wrapped as {retCode, result: {list}} narrowed inside the envelope, subscriptions as
`{op: subscribe, args}` frames, and the application-level ping answered whenever it comes,
as each kind of connection answers it. Plain aiohttp / websockets clients, as a client
other than ours (Hummingbot's Bybit connector) asks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from websockets.asyncio.client import ClientConnection, connect

from harness.cassette.exchange import load_exchange_profile
from harness.cassette.loader import load_cassette
from harness.replay import CassetteMismatch, ReplaySession
from tests.fixtures.aio import run

BYBIT = Path(__file__).resolve().parents[3] / "cassettes" / "bybit"
API, STREAM = "https://api.bybit.com", "wss://stream.bybit.com"


@asynccontextmanager
async def bybit_replay(scenario: str) -> AsyncIterator[ReplaySession]:
    session = ReplaySession(load_cassette(BYBIT / f"{scenario}.yaml"), strict=False,
                            exchange=load_exchange_profile(BYBIT / "exchange.yaml"))
    try:
        async with session as replay:
            yield replay
    except CassetteMismatch as exc:  # unplayed parts are not this test's business
        assert "unmatched" not in str(exc) and "refused" not in str(exc), str(exc)


async def get(replay: ReplaySession, path: str, **params: str) -> Any:
    url = replay.http_base_for(API) + path
    async with aiohttp.ClientSession() as http, http.get(url, params=params) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def answer(ws: ClientConnection) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), 2.0))


def test_a_symbol_is_narrowed_inside_the_envelope_and_unrecorded_reads_have_defaults() -> None:
    async def scenario() -> None:
        async with bybit_replay("last_prices") as replay:
            body = await get(replay, "/v5/market/tickers", category="spot", symbol="ETHUSDT")
            assert body["retCode"] == 0 and body["result"]["category"] == "spot"
            assert [t["symbol"] for t in body["result"]["list"]] == ["ETHUSDT"]
            fees = await get(replay, "/v5/account/fee-rate", category="spot", symbol="BTCUSDT")
            assert [f["symbol"] for f in fees["result"]["list"]] == ["BTCUSDT"]
            info = await get(replay, "/v5/account/info")
            assert info["result"]["unifiedMarginStatus"] == 5
            assert not replay.mismatches
    run(scenario())


def test_subscriptions_by_op_and_pings_on_public_and_private_connections() -> None:
    async def scenario() -> None:
        async with bybit_replay("startup") as replay:
            base = replay.ws_base_for(STREAM)
            async with connect(base + "/v5/public/spot") as ws:
                await ws.send(json.dumps({"op": "ping", "req_id": "p1"}))
                assert await answer(ws) == {"success": True, "ret_msg": "pong",
                                            "conn_id": "2324d924-aa4d-45b0-a858-7b8be29ab52b",
                                            "req_id": "p1", "op": "ping"}
                for topic in ("orderbook.50.BTCUSDT", "publicTrade.BTCUSDT",
                              "orderbook.50.ETHUSDT", "publicTrade.ETHUSDT"):
                    await ws.send(json.dumps({"op": "subscribe", "args": [topic]}))
                # The recorded answer carries no req_id: it is played once the scenario's
                # streams are all asked for, then the books follow.
                assert (await answer(ws))["op"] == "subscribe"
                assert (await answer(ws))["topic"] == "orderbook.50.BTCUSDT"
            async with connect(base + "/v5/private") as ws:
                await ws.send(json.dumps({"op": "ping", "args": [1795248000000]}))
                assert (await answer(ws))["op"] == "pong"
            assert not replay.mismatches
    run(scenario())


def test_without_the_declaration_a_ping_is_an_unexpected_frame() -> None:
    async def scenario() -> None:
        session = ReplaySession(load_cassette(BYBIT / "startup.yaml"), strict=True)
        seen: list[str] = []
        try:
            async with session as replay:
                async with connect(replay.ws_base_for(STREAM) + "/v5/public/spot") as ws:
                    await ws.send(json.dumps({"op": "ping"}))
                    await asyncio.sleep(0.2)
                seen.extend(replay.mismatches)
        except CassetteMismatch:
            pass
        assert any("ping" in line for line in seen), seen
    run(scenario())
