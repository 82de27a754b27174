"""The idle-skipping loop: empty waits vanish, order and I/O are kept, threads are waited for."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web

from harness.idle_time import IdleSkippingLoop
from harness.standard.clock import ScaledClock

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], loop: IdleSkippingLoop | None = None) -> T:
    loop = loop or IdleSkippingLoop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def test_a_long_sleep_takes_no_wall_time_but_reads_as_slept() -> None:
    loop = IdleSkippingLoop(max_jump=0.5)

    async def sleep_a_minute() -> float:
        started = loop.time()
        await asyncio.sleep(60)
        return loop.time() - started

    wall = time.monotonic()
    slept = run(sleep_a_minute(), loop)
    assert time.monotonic() - wall < 2.0
    assert slept >= 60
    assert loop.skipped >= 59


def test_timers_still_fire_in_their_order() -> None:
    order: list[int] = []

    async def after(seconds: float, tag: int) -> None:
        await asyncio.sleep(seconds)
        order.append(tag)

    async def main() -> None:
        await asyncio.gather(after(3.0, 3), after(1.0, 1), after(2.0, 2), after(0.002, 0))

    run(main())
    assert order == [0, 1, 2, 3]


def test_a_jump_is_never_longer_than_max_jump() -> None:
    loop = IdleSkippingLoop(max_jump=0.01)
    seen: list[float] = []

    async def watch() -> None:
        sleeper = asyncio.ensure_future(asyncio.sleep(1.0))
        while not sleeper.done():
            seen.append(loop.time())
            await asyncio.sleep(0)  # a turn of the loop: at most one jump happens between
        await sleeper

    run(watch(), loop)
    steps = [b - a for a, b in itertools.pairwise(seen)]
    assert len(seen) > 50 and max(steps) < 0.05


def test_loopback_io_arrives_before_any_timer_is_skipped_to() -> None:
    """A server answering after 1 s of its own waiting: a 5 s client timeout holds, a 0.5 s
    one fires; neither costs wall time."""

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1.0)
        return web.json_response({"ok": True})

    async def main() -> tuple[object, str]:
        app = web.Application()
        app.router.add_get("/slow", slow)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/slow"
        try:
            async with aiohttp.ClientSession() as client:
                async with client.get(url, timeout=aiohttp.ClientTimeout(total=5)) as reply:
                    body = await reply.json()
                try:
                    await client.get(url, timeout=aiohttp.ClientTimeout(total=0.5))
                    outcome = "answered"
                except TimeoutError:
                    outcome = "timed out"
        finally:
            await runner.cleanup()
        return body, outcome

    wall = time.monotonic()
    assert run(main()) == ({"ok": True}, "timed out")
    assert time.monotonic() - wall < 3.0


def test_work_in_a_thread_is_waited_for_in_real_time() -> None:
    loop = IdleSkippingLoop()

    async def main() -> None:
        # Without the guard the 1 s timeout would be jumped over before the thread is done.
        await asyncio.wait_for(loop.run_in_executor(None, time.sleep, 0.05), timeout=1.0)

    run(main(), loop)
    assert loop.skipped < 0.5


def test_a_scaled_clock_on_the_loop_agrees_with_its_timers() -> None:
    loop = IdleSkippingLoop()
    clock = ScaledClock(speed=100.0, start=1_000.0, monotonic=loop.time)

    async def wait_a_poll_interval() -> None:
        await clock.sleep(500.0)  # 5 s of the loop's time

    run(wait_a_poll_interval(), loop)
    assert clock.time() >= 1_500.0
    assert loop.skipped >= 4.5


def test_max_jump_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_jump must be positive"):
        IdleSkippingLoop(max_jump=0)
