"""WebSocket replay: triggers (client frame, HTTP interaction, delay), closes, faults, misses."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
import websockets
from replay_helpers import API, STREAM, fetch, interaction, make_cassette
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from harness.cassette.format import Cassette
from harness.replay.session import ReplaySession
from harness.replay.verdict import CassetteMismatch
from tests.fixtures.aio import eventually, run

SUBSCRIBE = {"method": "SUBSCRIBE", "params": ["btcusdt@depth"], "id": 1}


def full_cassette() -> Cassette:
    return make_cassette(
        [interaction("POST", f"{API}/api/v3/order?symbol=BTCUSDT", {"orderId": 28},
                     id="new-order")],
        [{"url": f"{STREAM}/ws", "frames": [
            {"dir": "client", "json": SUBSCRIBE, "match": {"ignore": ["id"]}},
            {"dir": "server", "json": {"result": None, "id": 1}, "after": {"client": 0}},
            {"dir": "server", "text": "not json", "after": {"delay": 0.05}},
            {"dir": "server", "json": {"e": "executionReport", "i": 28},
             "after": {"http": "new-order"}},
            {"dir": "server", "close": {"code": 1001, "reason": "server going away"}},
        ]}])


async def nothing_within(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> bool:
    try:
        await asyncio.wait_for(ws.receive(), seconds)
    except TimeoutError:
        return True
    return False


def test_triggers_play_in_order_and_close_really_closes() -> None:
    async def scenario() -> None:
        async with ReplaySession(full_cassette()) as replay, aiohttp.ClientSession() as client:
            ws = await client.ws_connect(replay.ws_base_for(STREAM) + "/ws")
            assert await nothing_within(ws, 0.05)  # the ack waits for the client frame
            await ws.send_str(json.dumps({**SUBSCRIBE, "id": 77}))  # id is ignored
            assert json.loads((await ws.receive()).data) == {"result": None, "id": 1}
            started = time.monotonic()
            assert (await ws.receive()).data == "not json"
            assert time.monotonic() - started >= 0.04
            assert await nothing_within(ws, 0.05)  # the report waits for the order
            await fetch(client, "POST", replay.http_base_for(API) + "/api/v3/order?symbol=BTCUSDT")
            assert json.loads((await ws.receive()).data) == {"e": "executionReport", "i": 28}
            closing = await ws.receive()
            assert closing.type is aiohttp.WSMsgType.CLOSE
            assert (closing.data, closing.extra) == (1001, "server going away")
            await ws.close()
            log = replay.ws_connections[0]
            assert log.entry_index == 0 and log.path == "/ws" and log.progress == 5
            assert log.client_messages() == [{**SUBSCRIBE, "id": 77}]
            assert log.received[0].matched == 0

    run(scenario())


def test_reset_fault_drops_the_socket() -> None:
    cassette = make_cassette(ws=[{"url": f"{STREAM}/ws/btcusdt@trade", "frames": [
        {"dir": "server", "text": "one"}, {"dir": "server", "fault": "reset"}]}])

    async def scenario() -> None:
        async with ReplaySession(cassette) as replay, \
                websockets.connect(replay.ws_base_for(STREAM) + "/ws/btcusdt@trade") as ws:
            assert await ws.recv() == "one"
            with pytest.raises(ConnectionClosedError) as info:
                await ws.recv()
            assert info.value.rcvd is None  # no close frame: an abnormal closure

    run(scenario())


def test_unexpected_client_frame_is_a_mismatch_but_the_server_keeps_going() -> None:
    cassette = make_cassette(ws=[{"url": f"{STREAM}/ws", "frames": [
        {"dir": "client", "json": {"op": "subscribe", "args": ["a"]}, "match": {"mode": "subset"}},
        {"dir": "server", "text": "subscribed"},
        {"dir": "server", "text": "tick"}]}])

    async def scenario(strict: bool) -> ReplaySession:
        async with ReplaySession(cassette, strict=strict) as replay, \
                websockets.connect(replay.ws_base_for(STREAM) + "/ws") as ws:
            await ws.send(json.dumps({"op": "hello"}))
            await ws.send("plain text")
            await ws.send(json.dumps({"op": "subscribe", "args": ["a"], "req": 5}))
            assert [await ws.recv(), await ws.recv()] == ["subscribed", "tick"]
            await ws.send(json.dumps({"op": "ping"}))
            await eventually(lambda: len(replay.ws_connections[0].received) == 4)
        return replay

    with pytest.raises(CassetteMismatch) as info:
        run(scenario(True))
    lines = str(info.value).splitlines()
    assert lines[0].endswith("3 problem(s)")
    assert lines[1] == ("- ws[0] wss://stream.binance.com:9443/ws: client frame '{\"op\": "
                        "\"hello\"}' does not match frames[0] (client json {\"args\": [\"a\"],"
                        " \"op\": \"subscribe\"}): JSON differs (recorded keys must all be"
                        " present)")
    assert lines[2].endswith("client frame 'plain text' does not match frames[0] (client json"
                             " {\"args\": [\"a\"], \"op\": \"subscribe\"}): expected a JSON frame")
    assert lines[3].endswith("unexpected client frame '{\"op\": \"ping\"}' (the cassette"
                             " expects no more client frames)")
    lax = run(scenario(False))  # not strict: no failure on exit, but check() still sees it
    with pytest.raises(CassetteMismatch):
        lax.check()


def test_connections_on_a_path_get_the_recorded_connections_in_order() -> None:
    cassette = make_cassette(ws=[
        {"url": f"{STREAM}/ws", "frames": [{"dir": "server", "text": "first"}]},
        {"url": f"{STREAM}/stream?streams=a/b", "frames": [{"dir": "server", "text": "multi"}]},
        {"url": f"{STREAM}/ws", "frames": [{"dir": "client", "text": "hi"},
                                           {"dir": "server", "text": "second"}]},
    ])

    async def scenario() -> None:
        async with ReplaySession(cassette) as replay:
            base = replay.ws_base_for(STREAM)
            async with websockets.connect(base + "/ws") as one:
                assert await one.recv() == "first"
            async with websockets.connect(base + "/ws") as two:
                await two.send("hi")
                assert await two.recv() == "second"
            async with websockets.connect(base + "/stream?streams=a/b") as three:
                assert await three.recv() == "multi"
            with pytest.raises(InvalidStatus) as info:
                async with websockets.connect(base + "/ws"):
                    pass
            assert info.value.response.status_code == 500
            assert b"harness_unmatched" in info.value.response.body

    with pytest.raises(CassetteMismatch) as info:
        run(scenario())
    assert "unmatched WebSocket connection to /ws: no unused cassette connection has that path" \
        in str(info.value)


def test_strict_mode_reports_what_was_never_played() -> None:
    cassette = make_cassette(ws=[
        {"url": f"{STREAM}/ws/a", "frames": [{"dir": "server", "text": "x"},
                                              {"dir": "client", "text": "never sent"}]},
        {"url": f"{STREAM}/ws/b", "frames": [{"dir": "server", "text": "y"}]},
    ])

    async def scenario() -> None:
        async with ReplaySession(cassette) as replay, \
                websockets.connect(replay.ws_base_for(STREAM) + "/ws/a") as ws:
            assert await ws.recv() == "x"

    with pytest.raises(CassetteMismatch) as info:
        run(scenario())
    assert str(info.value).splitlines()[1:] == [
        "- ws[0] wss://stream.binance.com:9443/ws/a: frames[1..1] never played (next: client"
        " text never sent)",
        "- ws[1] wss://stream.binance.com:9443/ws/b: never connected"]


def test_http_trigger_already_served_before_the_connection() -> None:
    cassette = make_cassette(
        [interaction("GET", f"{API}/api/v3/userDataStream", {"listenKey": "SCRUBBED"},
                     id="listen-key")],
        [{"url": f"{STREAM}/ws/SCRUBBED", "frames": [
            {"dir": "server", "json": {"e": "outboundAccountPosition"},
             "after": {"http": "listen-key"}}]}])

    async def scenario() -> Any:
        async with ReplaySession(cassette) as replay, aiohttp.ClientSession() as client:
            _, answer = await fetch(client, "GET",
                                    replay.http_base_for(API) + "/api/v3/userDataStream")
            ws = await client.ws_connect(f"{replay.ws_base_for(STREAM)}/ws/{answer['listenKey']}")
            message = json.loads((await ws.receive()).data)
            await ws.close()
            return message

    assert run(scenario()) == {"e": "outboundAccountPosition"}


def test_a_check_releases_frames_waiting_for_an_interaction_nobody_asked() -> None:
    # The frames wait for the check's go-ahead; a client that asks another endpoint than the
    # recorded one must not keep them waiting (suites/spot/_support.py go).
    cassette = make_cassette(
        [interaction("GET", f"{API}/api/v3/ping", {}, id="go")],
        [{"url": f"{STREAM}/ws", "frames": [
            {"dir": "server", "json": {"e": "outboundAccountPosition"},
             "after": {"http": "go"}}]}])

    async def scenario() -> Any:
        async with ReplaySession(cassette, strict=False) as replay, \
                aiohttp.ClientSession() as client:
            ws = await client.ws_connect(replay.ws_base_for(STREAM) + "/ws")
            assert await nothing_within(ws, 0.05)
            replay.release("go")
            message = json.loads((await ws.receive()).data)
            await ws.close()
            assert replay.requests == []
            return message

    assert run(scenario()) == {"e": "outboundAccountPosition"}
