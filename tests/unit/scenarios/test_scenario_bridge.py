"""One loop, driven step by step from sync code, under deadlines."""

from __future__ import annotations

import asyncio

import pytest

from harness.scenarios.bridge import LoopBridge, StepTimeout


def test_background_tasks_run_only_while_a_step_runs() -> None:
    ticks: list[int] = []

    async def ticker() -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0.001)

    with LoopBridge() as bridge:
        bridge.call(lambda: bridge.loop.create_task(ticker()))
        bridge.spin(0.02)
        during = len(ticks)
        assert during > 3
        asyncio.run(asyncio.sleep(0.02))  # elsewhere, the bridge's loop does not turn
        assert len(ticks) == during


def test_a_step_past_its_deadline_fails_and_the_loop_goes_on() -> None:
    with LoopBridge() as bridge:
        with pytest.raises(StepTimeout, match=r"the slow step did not finish within 0\.05 s"):
            bridge.run(asyncio.sleep(5), timeout=0.05, what="the slow step")

        async def answer() -> int:
            return 7

        assert bridge.run(answer(), timeout=1.0) == 7


def test_closing_cancels_what_is_still_pending() -> None:
    bridge = LoopBridge()
    task = bridge.call(lambda: bridge.loop.create_task(asyncio.sleep(60)))
    bridge.close()
    assert task.cancelled()
    with pytest.raises(RuntimeError, match="closed"):
        bridge.run(asyncio.sleep(0), timeout=1.0)
