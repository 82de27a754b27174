"""The idle-skipping loop: empty waits vanish, order and I/O are kept, threads are waited for."""

from __future__ import annotations

import asyncio
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


def test_timers_fire_in_order_and_on_time_in_the_loops_clock() -> None:
    """A jump goes to the next timer, never past it: each fires when due (not early, and not
    late by more than a turn of the loop), in order."""
    loop = IdleSkippingLoop(max_jump=0.5)
    fired: list[tuple[int, float]] = []

    async def after(seconds: float, tag: int) -> None:
        due = loop.time() + seconds
        await asyncio.sleep(seconds)
        fired.append((tag, loop.time() - due))

    async def main() -> None:
        await asyncio.gather(after(3.0, 3), after(1.0, 1), after(2.0, 2), after(0.002, 0))

    run(main(), loop)
    assert [tag for tag, _ in fired] == [0, 1, 2, 3]
    assert all(-0.001 <= late < 0.05 for _, late in fired), fired


def test_a_jump_is_never_longer_than_max_jump() -> None:
    """A long wait is many short jumps, each after another poll of the sockets."""
    loop = IdleSkippingLoop(max_jump=0.01)
    jumps: list[float] = []
    jump = loop._selector.on_silence  # type: ignore[attr-defined]

    def recording_jump(wait: float) -> bool:
        before = loop.skipped
        jumped: bool = jump(wait)
        jumps.append(loop.skipped - before)
        return jumped

    loop._selector.on_silence = recording_jump  # type: ignore[attr-defined]
    run(asyncio.sleep(1.0), loop)
    assert len(jumps) >= 90 and max(jumps) <= 0.01 + 1e-9


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
