"""CassetteMock, WebSocket half: a fake ws_connect plays the cassette's frames in order,
answering client frames and HTTP interactions as its triggers say; no socket is opened."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from harness.cassette.format import Cassette
from harness.mocks import CassetteMock, FakeWebSocket, UnmatchedConnection
from harness.replay import CassetteMismatch
from harness.replay.netguard import block_network
from tests.fixtures.aio import run
from tests.integration.replay.replay_helpers import API, STREAM, interaction, make_cassette

SUBSCRIBE = {"method": "SUBSCRIBE", "params": ["btcusdt@depth"], "id": 1}


def stream_cassette(*last: dict[str, Any]) -> Cassette:
    return make_cassette(
        [interaction("POST", f"{API}/api/v3/order?symbol=BTCUSDT", {"orderId": 28},
                     id="new-order")],
        [{"url": f"{STREAM}/ws", "frames": [
            {"dir": "client", "json": SUBSCRIBE, "match": {"ignore": ["id"]}},
            {"dir": "server", "json": {"result": None, "id": 1}, "after": {"client": 0}},
            {"dir": "server", "text": "not json", "after": {"delay": 0.01}},
            {"dir": "server", "json": {"e": "executionReport", "i": 28},
             "after": {"http": "new-order"}},
            *last,
        ]}])


async def nothing_within(ws: Any, seconds: float) -> bool:
    try:
        await asyncio.wait_for(ws.receive(), seconds)
    except TimeoutError:
        return True
    return False


def test_frames_play_in_order_on_their_triggers_then_the_close_ends_the_stream() -> None:
    async def scenario() -> None:
        close = {"dir": "server", "close": {"code": 1001, "reason": "going away"}}
        with block_network(), CassetteMock(stream_cassette(close), strict=True) as mock:
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect(f"{STREAM}/ws") as ws:
                assert isinstance(ws, FakeWebSocket)
                assert await nothing_within(ws, 0.02)  # the ack waits for the client frame
                await ws.send_json({**SUBSCRIBE, "id": 77})  # id is ignored
                assert await ws.receive_json() == {"result": None, "id": 1}
                assert await ws.receive_str() == "not json"
                assert await nothing_within(ws, 0.02)  # the report waits for the order
                async with session.post(f"{API}/api/v3/order",
                                        params={"symbol": "BTCUSDT"}) as placed:
                    assert await placed.json() == {"orderId": 28}
                assert [json.loads(m.data) async for m in ws] == [
                    {"e": "executionReport", "i": 28}]
                assert (ws.closed, ws.close_code) == (True, 1001)
                assert await ws.receive() == (aiohttp.WSMsgType.CLOSED, None, None)
                with pytest.raises(aiohttp.ClientConnectionResetError):
                    await ws.send_str("late")
            assert [json.loads(text) for text in mock.sockets[0].sent] == [
                {**SUBSCRIBE, "id": 77}]

    run(scenario())
    assert aiohttp.ClientSession.ws_connect.__module__ == "aiohttp.client"  # restored


def test_a_dropped_connection_is_an_error_then_closed() -> None:
    async def scenario() -> None:
        with CassetteMock(stream_cassette({"dir": "server", "fault": "reset"})):
            async with aiohttp.ClientSession() as session:
                ws = await session.ws_connect(f"{STREAM}/ws")
                await ws.send_json(SUBSCRIBE)
                await session.post(f"{API}/api/v3/order?symbol=BTCUSDT")
                kinds = [message.type async for message in ws]
                assert kinds == [aiohttp.WSMsgType.TEXT] * 3 + [aiohttp.WSMsgType.ERROR]
                assert ws.close_code == 1006
                assert isinstance(ws.exception(), aiohttp.ServerDisconnectedError)

    run(scenario())


def test_an_unexpected_client_frame_fails_a_strict_mock() -> None:
    async def scenario(strict: bool) -> None:
        with CassetteMock(stream_cassette(), strict=strict):
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect(f"{STREAM}/ws") as ws:
                await ws.send_json({**SUBSCRIBE, "params": ["ethusdt@depth"]})
                assert await nothing_within(ws, 0.02)  # not the subscription it expects
                await ws.send_str("ping")

    run(scenario(strict=False))
    with pytest.raises(CassetteMismatch) as raised:
        run(scenario(strict=True))
    message = str(raised.value)
    assert "frames[0] (client json" in message and "JSON differs" in message
    assert "never used: #0 'new-order'" in message
    assert "frames[0..3] never played" in message


def test_a_connection_the_cassette_does_not_hold_is_refused_naming_what_it_has() -> None:
    async def scenario() -> None:
        with pytest.raises(CassetteMismatch, match="2 problem"), \
                CassetteMock(stream_cassette()):
            async with aiohttp.ClientSession() as session:
                await session.ws_connect(f"{STREAM}/ws")
                with pytest.raises(UnmatchedConnection, match=r"ws\[0\] wss://.*/ws \(used\)"):
                    await session.ws_connect(f"{STREAM}/ws")  # only one was recorded
                with pytest.raises(UnmatchedConnection, match=r"stream\.binance\.com:9443/other"):
                    await session.ws_connect(f"{STREAM}/other")

    run(scenario())


def test_a_recorded_query_routes_connections() -> None:
    cassette = make_cassette(ws=[
        {"url": f"{STREAM}/stream?streams=a", "frames": [{"dir": "server", "json": "A"}]},
        {"url": f"{STREAM}/stream?streams=b", "frames": [{"dir": "server", "json": "B"}]}])

    async def scenario() -> None:
        with CassetteMock(cassette, strict=True):
            async with aiohttp.ClientSession() as session:
                b = await session.ws_connect(f"{STREAM}/stream", params={"streams": "b"})
                a = await session.ws_connect(f"{STREAM}/stream?streams=a")
                assert (await b.receive_json(), await a.receive_json()) == ("B", "A")
                assert await b.close() and not await b.close()

    run(scenario())


def test_the_rest_of_the_socket_api_behaves_as_aiohttp_s() -> None:
    cassette = make_cassette(ws=[
        {"url": f"{STREAM}/ws", "frames": [
            {"dir": "client", "text": "hello"},
            {"dir": "server", "json": {"ok": True}},
            {"dir": "server", "close": {"code": 1000}}]},
        {"url": f"{STREAM}/never", "frames": [{"dir": "server", "json": 1}]}])

    async def scenario() -> None:
        with pytest.raises(CassetteMismatch) as raised:
            async with CassetteMock(cassette, strict=True) as mock:
                async with aiohttp.ClientSession() as session, \
                        session.ws_connect(f"{STREAM}/ws") as ws:
                    assert ws.get_extra_info("peername", "none") == "none"
                    await ws.ping()
                    await ws.pong()
                    await ws.send_bytes(b"hello")
                    assert await ws.receive_json() == {"ok": True}
                    with pytest.raises(TypeError, match="is not str"):
                        await ws.receive_str()  # the close
                    assert ws.exception() is None
                assert mock.sockets[0].sent == ["hello"]
        message = str(raised.value)
        assert "ws[1] wss://stream.binance.com:9443/never: never connected" in message

    run(scenario())


def test_text_frames_compare_exactly_and_extra_client_frames_are_reported() -> None:
    cassette = make_cassette(ws=[{"url": f"{STREAM}/ws", "frames": [
        {"dir": "client", "text": "hello"}]}])

    async def scenario() -> None:
        with pytest.raises(CassetteMismatch) as raised, CassetteMock(cassette, strict=True):
            async with aiohttp.ClientSession() as session, \
                    session.ws_connect(f"{STREAM}/ws") as ws:
                await ws.send_str("Hello")
                await ws.send_str("hello")
                await ws.send_str("more")
        message = str(raised.value)
        assert "text differs" in message
        assert "unexpected client frame 'more' (the cassette expects no more" in message

    run(scenario())
