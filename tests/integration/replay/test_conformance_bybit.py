"""Conformance replay on Bybit v5's declaration (cassettes/bybit/exchange.yaml): answers
wrapped as {retCode, result: {list}} narrowed inside the envelope, subscriptions as
`{op: subscribe, args}` frames, and the application-level ping answered whenever it comes,
as each kind of connection answers it. Plain aiohttp / websockets clients, as a client
other than ours (Hummingbot's Bybit connector) asks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from bybit_client import API, BYBIT, STREAM, answer, bybit_replay, get
from replay_helpers import interaction, make_cassette
from websockets.asyncio.client import connect

from harness.cassette.exchange import load_exchange_profile
from harness.cassette.loader import load_cassette
from harness.replay import CassetteMismatch, ReplaySession
from tests.fixtures.aio import run


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
        with pytest.raises(CassetteMismatch):  # the session reports it on exit
            async with session as replay:
                async with connect(replay.ws_base_for(STREAM) + "/v5/public/spot") as ws:
                    await ws.send(json.dumps({"op": "ping"}))
                    await asyncio.sleep(0.2)
                seen.extend(replay.mismatches)
        assert any("ping" in line for line in seen), seen
    run(scenario())


def test_server_time_shares_the_outcome_recorded_at_system_status() -> None:
    # network_server_error records the 503 at system/status (what our bybit asks); a client
    # that checks the network with market/time (Hummingbot's) gets the same 503, where the
    # declaration's default used to answer 200.
    async def scenario() -> None:
        async with bybit_replay("network_server_error") as replay:
            url = replay.http_base_for(API) + "/v5/market/time"
            async with aiohttp.ClientSession() as http, http.get(url) as response:
                assert response.status == 503
            assert [r.interaction_id for r in replay.requests] == ["ping"]
    run(scenario())


def test_a_shared_success_is_answered_with_the_routes_own_default_and_fires_its_trigger() -> None:
    cassette = make_cassette(
        [interaction("GET", f"{API}/v5/system/status",
                     {"retCode": 0, "retMsg": "OK", "result": {"list": []}}, id="go")],
        [{"url": f"{STREAM}/v5/private", "frames": [
            {"dir": "server", "json": {"topic": "wallet"}, "after": {"http": "go"}}]}])

    async def scenario() -> Any:
        session = ReplaySession(cassette, strict=False,
                                exchange=load_exchange_profile(BYBIT / "exchange.yaml"))
        async with session as replay, \
                connect(replay.ws_base_for(STREAM) + "/v5/private") as ws:
            with pytest.raises(TimeoutError):  # the frame waits for the trigger
                await asyncio.wait_for(ws.recv(), 0.1)
            return await get(replay, "/v5/market/time"), await answer(ws)

    body, frame = run(scenario())
    assert body["result"]["timeNano"] == "1795248000000000000"  # market/time's own answer
    assert frame == {"topic": "wallet"}


def test_the_outcome_is_shared_only_where_the_scenario_recorded_no_server_time() -> None:
    async def scenario() -> None:
        async with bybit_replay("time_resync") as replay:
            body = await get(replay, "/v5/market/time")
            assert body["retCode"] == 0
            assert replay.requests[0].interaction_id != "exchange default"
    run(scenario())


async def post(replay: ReplaySession, path: str, body: dict[str, str]) -> tuple[int, Any]:
    url = replay.http_base_for(API) + path
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as response:
        return response.status, json.loads(await response.text())


ORDER = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "qty": "0.01",
         "orderLinkId": "HB-1"}


def test_what_order_create_ignores_where_it_does_not_apply_may_be_sent() -> None:
    # order/create.mdx: a Market order ignores price; marketUnit selects the unit of a spot
    # Market order's qty. Hummingbot sends marketUnit=baseCoin with every order and a price
    # (NaN) with its Market ones.
    async def scenario() -> list[int]:
        statuses = []
        async with bybit_replay("place_limit_buy") as replay:
            status, body = await post(replay, "/v5/order/create", {
                **ORDER, "orderType": "Limit", "price": "30000.00", "timeInForce": "GTC",
                "marketUnit": "baseCoin"})
            statuses.append(status)
            assert body["result"]["orderLinkId"] == "HB-1"
        async with bybit_replay("place_market_buy") as replay:
            status, _ = await post(replay, "/v5/order/create", {
                **ORDER, "orderType": "Market", "marketUnit": "baseCoin", "price": "NaN"})
            statuses.append(status)
        return statuses

    assert run(scenario()) == [200, 200]


def test_what_order_create_reads_is_still_compared() -> None:
    # A Market buy without marketUnit is an order by value (qty in USDT): another order.
    async def scenario() -> str:
        session = ReplaySession(load_cassette(BYBIT / "place_market_buy.yaml"), strict=False,
                                exchange=load_exchange_profile(BYBIT / "exchange.yaml"))
        with pytest.raises(CassetteMismatch) as caught:
            async with session as replay:
                await post(replay, "/v5/order/create", {**ORDER, "orderType": "Market"})
        return str(caught.value)

    assert "missing marketUnit=baseCoin" in run(scenario())
