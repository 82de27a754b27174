"""A client of Bybit v5 conformance replays (cassettes/bybit/ with its exchange.yaml) as a
client other than ours asks: plain aiohttp and websockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from websockets.asyncio.client import ClientConnection

from harness.cassette.exchange import load_exchange_profile
from harness.cassette.loader import load_cassette
from harness.replay import CassetteMismatch, ReplaySession

BYBIT = Path(__file__).resolve().parents[3] / "cassettes" / "bybit"
API, STREAM = "https://api.bybit.com", "wss://stream.bybit.com"


@asynccontextmanager
async def bybit_replay(scenario: str) -> AsyncIterator[ReplaySession]:
    """A conformance replay of a Bybit scenario whose unplayed parts are not the test's
    business (a request it refused still is)."""
    session = ReplaySession(load_cassette(BYBIT / f"{scenario}.yaml"), strict=False,
                            exchange=load_exchange_profile(BYBIT / "exchange.yaml"))
    try:
        async with session as replay:
            yield replay
    except CassetteMismatch as exc:
        assert "unmatched" not in str(exc) and "refused" not in str(exc), str(exc)


async def get(replay: ReplaySession, path: str, **params: str) -> Any:
    url = replay.http_base_for(API) + path
    async with aiohttp.ClientSession() as http, http.get(url, params=params) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def answer(ws: ClientConnection) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), 2.0))
