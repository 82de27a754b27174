"""route_hosts: a plain aiohttp client that knows only the real URLs reaches the replay."""

from __future__ import annotations

import json

import aiohttp
import pytest
from replay_helpers import API, STREAM, fetch, interaction, make_cassette
from yarl import URL

from harness.cassette.format import Cassette
from harness.replay.netguard import NetworkBlocked
from harness.replay.routing import _routes, rewrite_url, route_hosts
from harness.replay.session import ReplaySession
from tests.fixtures.aio import run

DATA_API = "https://data-api.binance.vision"


def two_host_cassette() -> Cassette:
    return make_cassette(
        [interaction("GET", f"{API}/api/v3/depth?symbol=BTCUSDT", {"from": "api"}),
         interaction("GET", f"{DATA_API}/api/v3/depth?symbol=BTCUSDT", {"from": "data-api"})],
        [{"url": f"{STREAM}/ws/btcusdt@depth", "frames": [
            {"dir": "client", "text": "ping"}, {"dir": "server", "json": {"U": 1}}]}])


def test_plain_client_with_real_urls_is_routed_by_host() -> None:
    async def scenario() -> None:
        async with ReplaySession(two_host_cassette()) as replay:
            mapping = replay.host_map()
            assert set(mapping) == {API, DATA_API, STREAM}
            with route_hosts(mapping):
                async with aiohttp.ClientSession() as client:
                    # same path on both hosts: the X-Forwarded-Host header tells them apart
                    data = await fetch(client, "GET", f"{DATA_API}/api/v3/depth",
                                       params={"symbol": "BTCUSDT"})
                    api = await fetch(client, "GET", f"{API}/api/v3/depth?symbol=BTCUSDT")
                    assert (data, api) == ((200, {"from": "data-api"}), (200, {"from": "api"}))
                    ws = await client.ws_connect(f"{STREAM}/ws/btcusdt@depth")
                    await ws.send_str("ping")
                    assert json.loads((await ws.receive()).data) == {"U": 1}
                    await ws.close()
                    with pytest.raises(NetworkBlocked):  # unmapped hosts stay unreachable
                        await client.get("https://example.com/")
            assert [r.view.host for r in replay.requests] == ["data-api.binance.vision",
                                                              "api.binance.com"]
            assert replay.ws_connections[0].host == "stream.binance.com:9443"

    run(scenario())


def test_session_base_url_and_original_methods_restored() -> None:
    original = aiohttp.ClientSession._request

    async def scenario() -> None:
        async with ReplaySession(two_host_cassette(), strict=False) as replay:
            with route_hosts(replay.host_map()):
                assert aiohttp.ClientSession._request is not original
                async with aiohttp.ClientSession(base_url=API) as client:
                    assert await fetch(client, "GET", "/api/v3/depth?symbol=BTCUSDT") == (
                        200, {"from": "api"})

    run(scenario())
    assert aiohttp.ClientSession._request is original


def test_rewrite_rules() -> None:
    routes = _routes({"https://api.x.com": "http://127.0.0.1:5",
                      "https://api.x.com/sapi": "http://127.0.0.1:6/v",
                      "wss://s.x.com:9443": "ws://127.0.0.1:7"})
    assert rewrite_url(routes, URL("https://api.x.com/a/b?c=1&d=%2F")) == (
        URL("http://127.0.0.1:5/a/b?c=1&d=%2F"), "api.x.com")
    assert rewrite_url(routes, URL("https://api.x.com/sapi/v1/x")) == (
        URL("http://127.0.0.1:6/v/v1/x"), "api.x.com")
    assert rewrite_url(routes, URL("https://api.x.com/sapix")) == (
        URL("http://127.0.0.1:5/sapix"), "api.x.com")
    assert rewrite_url(routes, URL("wss://s.x.com:9443/ws")) == (
        URL("ws://127.0.0.1:7/ws"), "s.x.com:9443")
    assert rewrite_url(routes, URL("wss://s.x.com/ws")) is None  # other port
    assert rewrite_url(routes, URL("http://api.x.com/a")) is None  # other scheme
    with pytest.raises(ValueError, match="is not an absolute http"):
        _routes({"api.x.com": "http://127.0.0.1:5"})
