"""Conformance replay (WebSocket): subscriptions as a set of streams, any request id, the
connection paths Binance accepts, the client's own order ids in the user stream; and the
illegal variants refused. Plain `websockets` clients against cassettes/binance/fills_by_stream.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from binance_client import STREAM, WS_API, binance_replay, order, refusal, signed_ws_params
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.fixtures.aio import eventually, run

STREAMS = ["btcusdt@depth@100ms", "btcusdt@trade", "ethusdt@depth@100ms", "ethusdt@trade"]
USER_STREAM = "userDataStream.subscribe.signature"


async def answer(ws: ClientConnection, seconds: float = 2.0) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), seconds))


def market_played(replay: Any) -> bool:
    """The scenario's market connection (ws[0]) has nothing left to play."""
    return not any(line.startswith("ws[0]") for line in replay.unused())


def test_two_subscribe_frames_are_one_subscription_each_answered_with_its_id() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(STREAM, "/ws")) as ws:
                await ws.send(json.dumps({"method": "SUBSCRIBE", "params": STREAMS[:2],
                                          "id": 7}))
                assert await answer(ws) == {"result": None, "id": 7}
                await ws.send(json.dumps({"method": "SUBSCRIBE", "params": STREAMS[2:],
                                          "id": "second"}))
                assert await answer(ws) == {"result": None, "id": "second"}
                await eventually(lambda: market_played(client.replay), what="the subscription")
            assert not client.replay.mismatches
    run(scenario())


def test_one_subscribe_per_stream_on_a_ws_name_path_is_served() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(STREAM, "/ws/0")) as ws:
                for number, stream in enumerate(STREAMS, start=1):
                    await ws.send(json.dumps({"method": "SUBSCRIBE", "params": [stream],
                                              "id": number}))
                    assert (await answer(ws))["id"] == number
                await eventually(lambda: market_played(client.replay), what="the subscription")
            assert not client.replay.mismatches
    run(scenario())


def test_a_stream_the_scenario_never_subscribed_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(STREAM, "/ws")) as ws:
                await ws.send(json.dumps({"method": "SUBSCRIBE",
                                          "params": ["solusdt@depth@100ms"], "id": 1}))
                with pytest.raises(TimeoutError):
                    await answer(ws, 0.2)
            assert "solusdt@depth@100ms are not part of this scenario" in refusal(client.replay)
            assert not market_played(client.replay)
    run(scenario())


def test_a_path_binance_does_not_serve_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            with pytest.raises(InvalidStatus):
                async with connect(client.ws_url(STREAM, "/ws/0/extra")):
                    pass
            assert "unmatched WebSocket connection" in refusal(client.replay)
    run(scenario())


def user_stream_request(request_id: Any, **extra: Any) -> dict[str, Any]:
    return {"id": request_id, "method": USER_STREAM, "params": signed_ws_params(**extra)}


def test_a_uuid_request_id_is_echoed_and_stream_events_carry_the_clients_order_id() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                request_id = str(uuid.uuid4())
                await ws.send(json.dumps(user_stream_request(request_id)))
                reply = await answer(ws)
                assert reply["id"] == request_id and reply["status"] == 200
                status, _ = await client.call("POST", "/api/v3/order",
                                              order(newClientOrderId="x-HBOT-B1"), signed=True)
                assert status == 200
                report = await answer(ws)
                assert report["event"]["e"] == "executionReport"
                assert report["event"]["c"] == "x-HBOT-B1"
            assert not client.replay.mismatches
    run(scenario())


def test_a_string_id_and_recv_window_on_the_user_stream_subscription_are_accepted() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await ws.send(json.dumps(user_stream_request("1", recvWindow=10000)))
                assert (await answer(ws))["id"] == "1"
            assert not client.replay.mismatches
    run(scenario())


def test_a_request_the_scenario_never_had_on_the_user_stream_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                await ws.send(json.dumps({"id": 1, "method": "userDataStream.unsubscribe"}))
                with pytest.raises(TimeoutError):
                    await answer(ws, 0.2)
            assert "does not match frames[0]" in refusal(client.replay)
    run(scenario())


def test_a_badly_signed_user_stream_subscription_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            async with connect(client.ws_url(WS_API, "/ws-api/v3")) as ws:
                unsigned = {**user_stream_request(1)}
                unsigned["params"] = {**unsigned["params"], "signature": "0" * 64}
                await ws.send(json.dumps(unsigned))
                with pytest.raises(TimeoutError):
                    await answer(ws, 0.2)
            assert "ws_verifier rejected it (signature does not match" in refusal(client.replay)
    run(scenario())


def test_a_combined_stream_url_is_served_with_each_frame_wrapped_in_its_stream() -> None:
    async def scenario() -> None:
        async with binance_replay("order_book") as client:
            url = client.ws_url(STREAM, "/stream?streams=" + "/".join(STREAMS))
            async with connect(url) as ws:
                first = await answer(ws)  # no subscription request: no answer to one
                assert first["stream"] == "btcusdt@depth@100ms"
                assert first["data"]["e"] == "depthUpdate" and first["data"]["s"] == "BTCUSDT"
                status, _ = await client.call("GET", "/api/v3/depth",
                                              [("symbol", "BTCUSDT"), ("limit", "1000")])
                assert status == 200
                seen = {first["stream"]}
                while len(seen) < 3:
                    seen.add((await answer(ws))["stream"])
                assert seen <= set(STREAMS)
            assert not client.replay.mismatches
    run(scenario())


def test_a_combined_stream_url_naming_a_stream_the_scenario_lacks_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("order_book") as client:
            with pytest.raises(InvalidStatus):
                async with connect(client.ws_url(STREAM, "/stream?streams=solusdt@trade")):
                    pass
            assert "solusdt@trade are not part of this scenario" in refusal(client.replay)
    run(scenario())
