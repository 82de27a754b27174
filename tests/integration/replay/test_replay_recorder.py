"""Recording against a local upstream, then replaying what was written: same answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from replay_helpers import API, STREAM, fetch, interaction, make_cassette
from websockets.asyncio.server import ServerConnection, serve

from harness.cassette.format import Direction, FrameKind, Source
from harness.cassette.loader import dump_cassette, load_cassette
from harness.cassette.recorder import RecordingProxy
from harness.cassette.scrub import Scrubber
from harness.replay.relay import Capture
from harness.replay.routing import route_hosts
from harness.replay.session import ReplaySession
from tests.fixtures.aio import run

API_KEY = "Xk2" + secrets.token_hex(30)
API_SECRET = "Sq9" + secrets.token_hex(30)


class Upstream:
    """A tiny exchange: REST on aiohttp.web, a user stream on websockets."""

    def __init__(self) -> None:
        self.listen_key = "Lk7" + secrets.token_hex(28)
        self.order_placed = asyncio.Event()
        self.hits: list[str] = []
        self.http = ""
        self.ws = ""

    async def time(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        return web.json_response({"serverTime": 1700000000000})

    async def ping(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        return web.json_response({})

    async def listen(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        if request.headers.get("X-MBX-APIKEY") != API_KEY:
            return web.json_response({"code": -2015}, status=401)
        return web.json_response({"listenKey": self.listen_key})

    async def order(self, request: web.Request) -> web.Response:
        self.hits.append(request.path)
        body = (await request.read()).decode()
        payload, _, signature = body.rpartition("&signature=")
        expected = hmac.new(API_SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if request.headers.get("X-MBX-APIKEY") != API_KEY or signature != expected:
            return web.json_response({"code": -1022}, status=400)
        self.order_placed.set()
        return web.json_response({"orderId": 28, "status": "NEW"},
                                 headers={"X-MBX-USED-WEIGHT-1M": "3"})

    async def stream(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        if ws.request.path != f"/ws/{self.listen_key}":
            await ws.close(4004, "unknown listen key")
            return
        request = json.loads(await ws.recv())
        await ws.send(json.dumps({"result": None, "id": request["id"]}))
        for n in range(3):
            await ws.send(json.dumps({"e": "depthUpdate", "u": n}))
        await self.order_placed.wait()
        await ws.send(json.dumps({"e": "executionReport", "i": 28, "x": "NEW"}))
        await ws.close(1001, "going away")

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Upstream]:
        app = web.Application()
        app.router.add_get("/api/v3/time", self.time)
        app.router.add_get("/api/v3/ping", self.ping)
        app.router.add_post("/api/v3/userDataStream", self.listen)
        app.router.add_post("/api/v3/order", self.order)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.http = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with serve(self.stream, "127.0.0.1", 0) as server:
            self.ws = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            try:
                yield self
            finally:
                await runner.cleanup()


def signed(params: str) -> str:
    return f"{params}&signature=" + hmac.new(API_SECRET.encode(), params.encode(),
                                             hashlib.sha256).hexdigest()


async def client_script(rest: str, stream: str) -> list[Any]:
    """What a connector would do; returns everything it observed."""
    seen: list[Any] = []
    headers = {"X-MBX-APIKEY": API_KEY}
    async with aiohttp.ClientSession() as client:
        seen.append(await fetch(client, "GET", f"{rest}/api/v3/time"))
        status, answer = await fetch(client, "POST", f"{rest}/api/v3/userDataStream",
                                     headers=headers)
        seen.append(status)
        ws = await client.ws_connect(f"{stream}/ws/{answer['listenKey']}")
        await ws.send_str(json.dumps({"method": "SUBSCRIBE", "params": ["x"], "id": 1}))
        for _ in range(4):
            seen.append(json.loads((await ws.receive()).data))
        body = signed("symbol=BTCUSDT&side=BUY&quantity=1&timestamp=1700000000123")
        seen.append(await fetch(client, "POST", f"{rest}/api/v3/order", data=body,
                                headers={**headers,
                                         "Content-Type": "application/x-www-form-urlencoded"}))
        seen.append(json.loads((await ws.receive()).data))
        closing = await ws.receive()
        seen.append((closing.type.name, closing.data, closing.extra))
        await ws.close()
    return seen


def test_record_then_replay_gives_the_same_answers(tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "binance" / "user_stream.yaml"

    upstream = Upstream()

    async def record() -> list[Any]:
        async with upstream.running():
            proxy = RecordingProxy({API: upstream.http, STREAM: upstream.ws}, path=path,
                                   connector="binance", scenario="user_stream",
                                   scrubber=Scrubber([API_KEY, API_SECRET]),
                                   description="listen key, stream, one order")
            async with proxy:
                return await client_script(proxy.http_base_for(API), proxy.ws_base_for(STREAM))

    recorded = run(record())
    assert recorded[1] == 200 and recorded[-1] == ("CLOSE", 1001, "going away")
    text = path.read_text()
    for secret in (API_KEY, API_SECRET, upstream.listen_key):
        assert secret not in text
    cassette = load_cassette(path)
    meta = cassette.meta
    assert meta.source is Source.RECORDED_LIVE and meta.date == dt.date.today().isoformat()
    assert set(meta.scrubbed) >= {"X-MBX-APIKEY", "listenKey", "signature"}
    order = next(i for i in cassette.interactions if i.request.uri.endswith("/api/v3/order"))
    assert order.id is not None and "signature=SCRUBBED" in str(order.request.body)
    assert order.response.headers["X-MBX-USED-WEIGHT-1M"] == ("3",)
    frames = cassette.ws[0].frames
    assert cassette.ws[0].url == "wss://stream.binance.com:9443/ws/SCRUBBED"
    assert [f.dir for f in frames[:2]] == [Direction.CLIENT, Direction.SERVER]
    assert frames[1].kind is FrameKind.JSON and frames[1].value == {"result": None, "id": 1}
    assert frames[-2].after.http == order.id  # the report came after the order request
    assert frames[-1].kind is FrameKind.CLOSE and frames[-1].value.code == 1001

    async def replay() -> list[Any]:
        async with ReplaySession(load_cassette(path)) as session:
            return await client_script(session.http_base_for(API), session.ws_base_for(STREAM))

    replayed = run(replay())
    assert replayed == recorded


def test_recording_through_route_hosts(tmp_path: Path) -> None:
    path = tmp_path / "ping.yaml"

    async def record() -> Any:
        async with Upstream().running() as upstream, \
                RecordingProxy({API: upstream.http}, path=path, connector="binance",
                               scenario="ping") as proxy:
            with route_hosts(proxy.host_map()):
                async with aiohttp.ClientSession() as client:
                    return await fetch(client, "GET", f"{API}/api/v3/ping")

    assert run(record()) == (200, {})
    cassette = load_cassette(path)
    assert cassette.interactions[0].request.uri == f"{API}/api/v3/ping"
    assert "X-Forwarded-Host" not in cassette.interactions[0].request.headers


def test_a_failed_recording_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"

    async def record() -> None:
        async with Upstream().running() as upstream, \
                RecordingProxy({API: upstream.http}, path=path, connector="b",
                               scenario="x") as proxy:
            async with aiohttp.ClientSession() as client:
                await fetch(client, "GET", proxy.http_base_for(API) + "/api/v3/ping")
            raise RuntimeError("scenario failed")

    with pytest.raises(RuntimeError):
        run(record())
    assert not path.exists()


def test_unknown_base_and_unreachable_upstream(tmp_path: Path) -> None:
    async def scenario() -> Any:
        async with RecordingProxy({API: "http://127.0.0.1:9"}, path=tmp_path / "y.yaml",
                                  connector="b", scenario="y") as proxy:
            with pytest.raises(KeyError, match="has no upstream; proxied bases"):
                proxy.ws_base_for(STREAM)
            async with aiohttp.ClientSession() as client:
                return await fetch(client, "GET", proxy.http_base_for(API) + "/x")

    status, answer = run(scenario())
    assert status == 502 and "harness_upstream_error" in answer


def test_new_episodes_forwards_what_the_cassette_lacks(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    path = tmp_path / "cassette.yaml"
    dump_cassette(make_cassette([interaction("GET", f"{API}/api/v3/time",
                                             {"serverTime": 1})]), path)

    async def scenario() -> tuple[list[Any], list[str]]:
        async with Upstream().running() as upstream:
            session = ReplaySession(load_cassette(path), record_mode="new_episodes",
                                    upstreams={API: upstream.http, STREAM: upstream.ws})
            async with session, aiohttp.ClientSession() as client:
                base = session.http_base_for(API)
                answers = [await fetch(client, "GET", f"{base}/api/v3/time"),
                           await fetch(client, "GET", f"{base}/api/v3/ping")]
            return answers, upstream.hits

    answers, hits = run(scenario())
    assert answers == [(200, {"serverTime": 1}), (200, {})]
    assert hits == ["/api/v3/ping"]  # the recorded one was replayed, not forwarded
    cassette = load_cassette(path)
    assert [i.request.uri for i in cassette.interactions] == [f"{API}/api/v3/time",
                                                             f"{API}/api/v3/ping"]


def test_new_episodes_relays_new_websocket_connections(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    path = tmp_path / "cassette.yaml"
    dump_cassette(make_cassette([interaction("GET", f"{API}/api/v3/time", {})]), path)

    async def scenario() -> list[Any]:
        async with Upstream().running() as upstream:
            upstream.order_placed.set()
            session = ReplaySession(load_cassette(path), record_mode="new_episodes",
                                    upstreams={API: upstream.http, STREAM: upstream.ws})
            async with session, aiohttp.ClientSession() as client:
                await fetch(client, "GET", session.http_base_for(API) + "/api/v3/time")
                ws = await client.ws_connect(
                    f"{session.ws_base_for(STREAM)}/ws/{upstream.listen_key}")
                await ws.send_str(json.dumps({"id": 4}))
                got = [json.loads((await ws.receive()).data) for _ in range(5)]
                await ws.receive()
                await ws.close()
            return got

    got = run(scenario())
    assert got[0] == {"result": None, "id": 4}
    cassette = load_cassette(path)
    assert len(cassette.ws) == 1 and cassette.ws[0].frames[-1].kind is FrameKind.CLOSE


def test_capture_ties_server_frames_to_state_changing_requests() -> None:
    from harness.cassette.format import HttpRequest, HttpResponse, Interaction, WsFrame
    from harness.replay.relay import CapturedConnection

    capture = Capture(Scrubber())
    assert capture.build() == ([], [])
    conn = CapturedConnection("wss://x.com/ws", capture.tick())
    capture.ws.append(conn)
    capture.http.append((capture.tick(), Interaction(HttpRequest("GET", "https://x.com/a"),
                                                     HttpResponse(200))))
    conn.frames.append((capture.tick(), WsFrame(Direction.SERVER, FrameKind.TEXT, "after-get")))
    capture.http.append((capture.tick(), Interaction(HttpRequest("POST", "https://x.com/o"),
                                                     HttpResponse(200))))
    conn.frames.append((capture.tick(), WsFrame(Direction.SERVER, FrameKind.TEXT, "after-post")))
    conn.frames.append((capture.tick(), WsFrame(Direction.SERVER, FrameKind.TEXT, "later")))
    interactions, connections = capture.build(first_index=5)
    assert [i.id for i in interactions] == [None, "http-6"]
    assert [f.after.http for f in connections[0].frames] == [None, "http-6", None]


def test_frames_keep_their_exact_text_when_json_would_change_it() -> None:
    from harness.replay.relay import _frame

    scrub = Scrubber()
    assert _frame(scrub, Direction.SERVER, '{"p": 1.10}').kind is FrameKind.TEXT
    assert _frame(scrub, Direction.SERVER, b'{"p":1.1}').kind is FrameKind.JSON
    assert _frame(scrub, Direction.SERVER, "pong").kind is FrameKind.TEXT
    assert _frame(scrub, Direction.CLIENT, '{"p": 1.10}').kind is FrameKind.JSON
    leaky = _frame(scrub, Direction.SERVER, '{"listenKey": "abcdefgh", "p": 1.10}')
    assert (leaky.kind, leaky.value) == (FrameKind.JSON, {"listenKey": "SCRUBBED", "p": 1.1})


def test_open_cassette_picks_replay_or_recording(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.cassette.loader import CassetteNotFound
    from harness.cassette.recorder import open_cassette, upstream_map

    monkeypatch.delenv("CI", raising=False)
    urls = {"production": {"rest": API, "ws_public": STREAM},
            "testnet": {"rest": "https://testnet.binance.vision"}}
    upstreams = upstream_map(urls, "testnet")
    assert upstreams == {API: "https://testnet.binance.vision"}
    assert upstream_map(urls, "production") == {API: API, STREAM: STREAM}
    path = tmp_path / "c.yaml"
    names = dict(connector="binance", scenario="c")
    with pytest.raises(CassetteNotFound):
        open_cassette(path, None, **names)
    assert isinstance(open_cassette(path, "once", upstreams=upstreams, **names), RecordingProxy)
    with pytest.raises(ValueError, match="recording needs upstreams"):
        open_cassette(path, "all", **names)
    dump_cassette(make_cassette([interaction("GET", f"{API}/a", {})]), path)
    replay = open_cassette(path, "once", strict=False, **names)
    assert isinstance(replay, ReplaySession) and not replay.strict
    episodes = open_cassette(path, "new_episodes", upstreams=upstreams, **names)
    assert isinstance(episodes, ReplaySession) and episodes.record_mode.value == "new_episodes"
    assert isinstance(open_cassette(path, "all", upstreams=upstreams, **names), RecordingProxy)
    monkeypatch.setenv("CI", "1")
    assert isinstance(open_cassette(path, "all", upstreams=upstreams, **names), ReplaySession)
