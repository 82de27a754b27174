"""How much the replay servers cost compared with bare aiohttp.web / websockets servers.

Both sides run in one process, one event loop, on loopback, with the same client and the
same bytes: REST round trips through one keep-alive aiohttp.ClientSession (median, p99),
and WebSocket frames per second received by a websockets client.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import websockets
from aiohttp import web
from websockets.asyncio.server import ServerConnection, serve

from harness.cassette.format import (
    Cassette,
    Direction,
    FrameKind,
    HttpRequest,
    HttpResponse,
    Interaction,
    Meta,
    Source,
    WsConnection,
    WsFrame,
)
from harness.replay.session import ReplaySession

REST_TARGET = 1.5  # replay median may be at most 1.5 x the bare median
WS_TARGET = 0.6  # replay must deliver at least 60 % of the bare frame rate
_WS_ROUNDS = 3  # WS rates are noisy: alternate the sides and keep each side's median
_BASE = "https://api.binance.com"
_PATH = "/api/v3/order"
_QUERY = "symbol=BTCUSDT&orderId=28&recvWindow=5000&timestamp=1700000000000&signature=" + "ab" * 32
_BODY = json.dumps({
    "symbol": "BTCUSDT", "orderId": 28, "orderListId": -1,
    "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP",
    "price": "30000.00000000", "origQty": "0.00100000", "executedQty": "0.00000000",
    "cummulativeQuoteQty": "0.00000000", "status": "NEW", "timeInForce": "GTC", "type": "LIMIT",
    "side": "BUY", "stopPrice": "0.00000000", "icebergQty": "0.00000000", "time": 1700000000000,
    "updateTime": 1700000000000, "isWorking": True, "workingTime": 1700000000000,
    "origQuoteOrderQty": "0.00000000", "selfTradePreventionMode": "NONE",
}, separators=(",", ":")).encode()


@dataclass(frozen=True)
class ReplayBenchResult:
    n_requests: int
    n_frames: int
    bare_rest_median_ms: float
    bare_rest_p99_ms: float
    replay_rest_median_ms: float
    replay_rest_p99_ms: float
    bare_ws_fps: float
    replay_ws_fps: float

    @property
    def rest_ratio(self) -> float:
        return self.replay_rest_median_ms / self.bare_rest_median_ms

    @property
    def ws_ratio(self) -> float:
        return self.replay_ws_fps / self.bare_ws_fps

    @property
    def rest_ok(self) -> bool:
        return self.rest_ratio <= REST_TARGET

    @property
    def ws_ok(self) -> bool:
        return self.ws_ratio >= WS_TARGET


def _frame(i: int) -> dict[str, object]:
    return {"e": "depthUpdate", "E": 1700000000000 + i, "s": "BTCUSDT", "U": 2 * i + 1,
            "u": 2 * i + 2, "b": [["30000.00", f"{i % 7}.500"]], "a": [["30000.10", "0.250"]]}


def bench_cassette(n_frames: int) -> Cassette:
    """A cassette like a real one: a few REST endpoints (the one polled last) and a stream."""
    others = [
        Interaction(HttpRequest("GET", f"{_BASE}/api/v3/{name}"),
                    HttpResponse(200, "OK", {"Content-Type": ("application/json",)}, b"{}"),
                    repeat=True)
        for name in ("ping", "time", "exchangeInfo", "account", "openOrders")
    ]
    polled = Interaction(
        HttpRequest("GET", f"{_BASE}{_PATH}?{_QUERY}", None, {"X-MBX-APIKEY": ("SCRUBBED",)}),
        HttpResponse(200, "OK", {"Content-Type": ("application/json",)}, _BODY), repeat=True)
    frames = tuple(WsFrame(Direction.SERVER, FrameKind.JSON, _frame(i)) for i in range(n_frames))
    stream = WsConnection("wss://stream.binance.com:9443/ws/btcusdt@depth", frames)
    return Cassette(
        meta=Meta("bench", "replay", "1.0.0", Source.GENERATED, "2026-01-01"),
        interactions=(*others, polled),
        ws=(stream,) * _WS_ROUNDS,  # one recorded connection per measured round
    )


async def _round_trips(session: aiohttp.ClientSession, url: str, n: int) -> list[float]:
    times: list[float] = []
    clock = time.perf_counter
    for _ in range(n):
        start = clock()
        async with session.get(url) as response:
            await response.read()
        times.append(clock() - start)
    return times


async def _frames_per_second(url: str, n: int) -> float:
    gc.collect()  # start each measured phase with no garbage pending for either side
    async with websockets.connect(url, compression=None, max_size=None) as ws:
        start = time.perf_counter()
        for _ in range(n):
            await ws.recv()
        return n / (time.perf_counter() - start)


async def _bare_http() -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=_BODY, content_type="application/json")

    app = web.Application()
    app.router.add_get(_PATH, handler)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def _interleaved(runs: list[Callable[[int], Awaitable[list[float]]]], n: int
                       ) -> list[list[float]]:
    """Alternate the sides in blocks so drift (CPU frequency, GC) hits both alike."""
    results: list[list[float]] = [[] for _ in runs]
    block = max(1, min(200, n // 5))
    done = 0
    while done < n:
        size = min(block, n - done)
        for index, run in enumerate(runs):
            results[index] += await run(size)
        done += size
    return results


async def _run(n_requests: int, n_frames: int) -> ReplayBenchResult:
    frames = [json.dumps(_frame(i), separators=(",", ":")) for i in range(n_frames)]

    async def push(ws: ServerConnection) -> None:
        for frame in frames:
            await ws.send(frame)
        await ws.wait_closed()

    bare_runner, bare_base = await _bare_http()
    try:
        async with serve(push, "127.0.0.1", 0, compression=None, ping_interval=None,
                         max_size=None, close_timeout=1) as bare_ws, \
                ReplaySession(bench_cassette(n_frames), strict=False) as replay:
            bare_ws_url = f"ws://127.0.0.1:{bare_ws.sockets[0].getsockname()[1]}/ws/btcusdt@depth"
            replay_url = replay.http_base_for(_BASE) + f"{_PATH}?{_QUERY}"
            async with aiohttp.ClientSession() as session:
                bare_url = f"{bare_base}{_PATH}?{_QUERY}"
                await _round_trips(session, bare_url, 100)  # warm up both paths
                await _round_trips(session, replay_url, 100)
                gc.collect()
                bare, replayed = await _interleaved(
                    [lambda k: _round_trips(session, bare_url, k),
                     lambda k: _round_trips(session, replay_url, k)], n_requests)
            replay_ws_url = replay.ws_base_for("wss://stream.binance.com:9443") + \
                "/ws/btcusdt@depth"
            bare_rates, replay_rates = [], []
            for _ in range(_WS_ROUNDS):
                bare_rates.append(await _frames_per_second(bare_ws_url, n_frames))
                replay_rates.append(await _frames_per_second(replay_ws_url, n_frames))
            bare_fps = statistics.median(bare_rates)
            replay_fps = statistics.median(replay_rates)
    finally:
        await bare_runner.cleanup()
    ms = 1000.0
    return ReplayBenchResult(
        n_requests, n_frames,
        statistics.median(bare) * ms, _p99(bare) * ms,
        statistics.median(replayed) * ms, _p99(replayed) * ms,
        bare_fps, replay_fps,
    )


def run_replay_bench(n_requests: int = 2000, n_frames: int = 50000) -> ReplayBenchResult:
    """Measure the replay servers against bare baselines (a few seconds at the defaults)."""
    return asyncio.run(_run(n_requests, n_frames))


def format_replay_bench(result: ReplayBenchResult) -> str:
    """A small table: both sides, the ratio, the target and PASS/MISS."""
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    rows = [
        ("measure", "bare", "replay", "ratio", "target", ""),
        ("REST median (ms)", f"{result.bare_rest_median_ms:.3f}",
         f"{result.replay_rest_median_ms:.3f}", f"{result.rest_ratio:.2f}x",
         f"<= {REST_TARGET}x", verdict(result.rest_ok)),
        ("REST p99 (ms)", f"{result.bare_rest_p99_ms:.3f}", f"{result.replay_rest_p99_ms:.3f}",
         f"{result.replay_rest_p99_ms / result.bare_rest_p99_ms:.2f}x", "-", ""),
        ("WS frames/s", f"{result.bare_ws_fps:,.0f}", f"{result.replay_ws_fps:,.0f}",
         f"{result.ws_ratio:.0%}", f">= {WS_TARGET:.0%}", verdict(result.ws_ok)),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"replay bench: {result.n_requests} requests, {result.n_frames} frames, loopback"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    return "\n".join(lines)
