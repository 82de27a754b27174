"""Clocks the harness controls, and the construction parameters of a connector."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from harness.standard.clock import ScaledClock, SystemClock
from harness.standard.config import ConnectorConfig
from harness.standard.pair import TradingPair
from tests.fixtures.aio import run


def test_scaled_clock_runs_faster_than_the_wall() -> None:
    clock = ScaledClock(speed=50.0, start=1_000.0)

    async def nap() -> tuple[float, float]:
        wall = time.monotonic()
        before = clock.time()
        await clock.sleep(1.0)
        return clock.time() - before, time.monotonic() - wall

    clock_elapsed, wall_elapsed = run(nap())
    assert clock_elapsed >= 1.0 - 1e-6
    assert wall_elapsed < 0.5


def test_scaled_clock_starts_where_told_and_can_jump() -> None:
    clock = ScaledClock(speed=1.0, start=100.0)
    assert 100.0 <= clock.time() < 101.0
    clock.advance(3600)
    assert 3700.0 <= clock.time() < 3701.0
    clock.advance(-7200)
    assert clock.time() < 0


def test_scaled_clock_defaults_to_the_wall_clock() -> None:
    assert abs(ScaledClock().time() - time.time()) < 1.0


def test_scaled_clock_rejects_a_non_positive_speed() -> None:
    with pytest.raises(ValueError, match="speed must be positive"):
        ScaledClock(speed=0)


def test_negative_sleeps_return_at_once() -> None:
    async def both() -> None:
        await ScaledClock(speed=1.0).sleep(-5)
        await SystemClock().sleep(-5)

    run(both(), deadline=1.0)


def test_system_clock_is_wall_time() -> None:
    assert abs(SystemClock().time() - time.time()) < 1.0
    run(SystemClock().sleep(0.001), deadline=1.0)


def test_connector_config_defaults_hide_the_secret_and_are_frozen() -> None:
    config = ConnectorConfig((TradingPair("BTC", "USDT"),), api_key="k", api_secret="s3cr3t")
    assert "s3cr3t" not in repr(config)
    assert isinstance(config.clock, SystemClock)
    assert config.urls == {} and config.lost_order_threshold == 3
    assert not config.exclusive_account and config.session_tag == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.api_key = "other"  # type: ignore[misc]


def test_clock_sleep_is_cancellable() -> None:
    async def cancel_sleep() -> bool:
        task = asyncio.ensure_future(ScaledClock(speed=1.0).sleep(60))
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    assert run(cancel_sleep(), deadline=2.0)
