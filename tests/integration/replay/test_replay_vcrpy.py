"""vcrpy interop: vcrpy reads our `http` section, and we read (and replay) what vcrpy wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import vcr
import yaml
from aiohttp import web
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cassette.loader import cassette_from_document, load_cassette
from harness.replay.session import ReplaySession
from tests.fixtures.aio import run
from tests.unit.cassette.cassette_samples import sample_doc


def test_vcrpy_deserializes_our_http_section_to_the_same_traffic() -> None:
    doc = sample_doc()
    requests, responses = deserialize(yaml.safe_dump(doc["http"]), yamlserializer)[:2]
    ours = cassette_from_document(doc).interactions
    assert len(requests) == len(ours) == 2
    for request, response, mine in zip(requests, responses, ours, strict=True):
        assert (request.method, request.uri) == (mine.request.method, mine.request.uri)
        assert request.body == mine.request.body
        for name, values in mine.request.headers.items():
            assert request.headers[name] == values[0]
        assert response["status"]["code"] == mine.response.status
        assert response["body"]["string"] == mine.response.body
        assert response["headers"] == {k: list(v) for k, v in mine.response.headers.items()}


async def _app_base() -> tuple[web.AppRunner, str]:
    async def time(request: web.Request) -> web.Response:
        return web.json_response({"serverTime": 42})

    async def order(request: web.Request) -> web.Response:
        form = await request.post()
        return web.json_response({"orderId": 7, "side": form["side"]}, status=201)

    app = web.Application()
    app.router.add_get("/api/v3/time", time)
    app.router.add_post("/api/v3/order", order)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def _client(base: str) -> list[Any]:
    seen: list[Any] = []
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{base}/api/v3/time", params={"x": "1"}) as response:
            seen.append((response.status, await response.json()))
        async with client.post(f"{base}/api/v3/order",
                               data={"symbol": "BTCUSDT", "side": "BUY"}) as response:
            seen.append((response.status, await response.json()))
    return seen


def test_we_read_and_replay_a_cassette_vcrpy_recorded(tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "acme" / "two_calls.yaml"

    async def record() -> tuple[list[Any], str]:
        runner, base = await _app_base()
        try:
            with vcr.use_cassette(str(path), record_mode="all"):
                return await _client(base), base
        finally:
            await runner.cleanup()

    recorded, base = run(record())
    assert recorded == [(200, {"serverTime": 42}), (201, {"orderId": 7, "side": "BUY"})]
    assert "interactions" in yaml.safe_load(path.read_text())  # a plain vcrpy file
    cassette = load_cassette(path)
    assert (cassette.meta.connector, cassette.meta.scenario) == ("acme", "two_calls")
    assert [(i.request.method, i.request.uri) for i in cassette.interactions] == [
        ("GET", f"{base}/api/v3/time?x=1"), ("POST", f"{base}/api/v3/order")]
    assert cassette.interactions[1].request.body == {"symbol": "BTCUSDT", "side": "BUY"}

    async def replay() -> list[Any]:
        async with ReplaySession(cassette) as session:
            return await _client(session.http_base_for(base))

    assert run(replay()) == recorded
