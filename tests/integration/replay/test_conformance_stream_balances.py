"""Conformance replay brings a recorded account up to the balances the user stream reported
since (exchange.yaml `stream_balances`), and answers no read before the change that made it.

cassettes/binance/user_stream_terminated.yaml records one account answer, at the start; the
stream later reports BTC 1.51 free. Hummingbot polls the account on its own timer and, served
the start's balances after the stream's update, would go back to them.
"""

from __future__ import annotations

import asyncio

from binance_client import WS_API, PlainClient, binance_replay, order
from test_conformance_order_state import next_event, subscribe
from websockets.asyncio.client import connect

from tests.fixtures.aio import run


async def btc(client: PlainClient, *extra: tuple[str, str]) -> tuple[str, str] | None:
    status, body = await client.call("GET", "/api/v3/account", list(extra), signed=True)
    assert status == 200, body
    found = [(b["free"], b["locked"]) for b in body["balances"] if b["asset"] == "BTC"]
    return found[0] if found else None


def test_the_account_shows_the_balances_the_stream_reported_since_it_was_recorded() -> None:
    async def scenario() -> None:
        async with binance_replay("user_stream_terminated") as client:
            assert await btc(client) == ("1.50000000", "0.50000000")
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await subscribe(ws, 1)
                status, _ = await client.call("POST", "/api/v3/order", order(), signed=True)
                assert status == 200
                await next_event(ws, "executionReport")
                assert await btc(client) == ("1.50000000", "0.50000000")  # nothing new yet
                await client.call("GET", "/api/v3/ping")  # the server ends this stream
                await asyncio.wait_for(ws.wait_closed(), 3.0)
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await subscribe(ws, 2)
                await next_event(ws, "outboundAccountPosition")
                assert await btc(client) == ("1.51000000", "0.50000000")
                assert await btc(client, ("omitZeroBalances", "true")) == (
                    "1.51000000", "0.50000000")
    run(scenario())
