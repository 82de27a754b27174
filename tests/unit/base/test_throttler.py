"""Throttler: declared rate limits are never exceeded, on the connector's clock."""

from __future__ import annotations

import pytest

from harness.base.throttler import RateLimit, Throttler
from tests.fixtures.aio import run


class FakeTime:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def acquire_all(throttler: Throttler, limit_ids: list[str]) -> None:
    async def go() -> None:
        for limit_id in limit_ids:
            await throttler.acquire(limit_id)

    run(go())


def test_requests_within_the_limit_do_not_wait() -> None:
    t = FakeTime()
    throttler = Throttler([RateLimit("orders", 3, 1.0)], t.time, t.sleep)
    acquire_all(throttler, ["orders"] * 3)
    assert t.sleeps == []
    assert throttler.used("orders") == 3


def test_the_next_request_waits_until_the_oldest_leaves_the_window() -> None:
    t = FakeTime()
    throttler = Throttler([RateLimit("orders", 2, 10.0)], t.time, t.sleep)
    acquire_all(throttler, ["orders"])
    t.now = 4.0
    acquire_all(throttler, ["orders"])
    t.now = 5.0
    acquire_all(throttler, ["orders"])
    assert sum(t.sleeps) == pytest.approx(5.0, abs=1e-3)
    assert t.now >= 10.0
    assert throttler.used("orders") == 2  # the first left the window, the second did not


def test_weights_and_linked_pools_count_together() -> None:
    t = FakeTime()
    limits = [RateLimit("weight", 10, 60.0),
              RateLimit("depth", 100, 60.0, weight=5, linked=(("weight", 5), ("gone", 1))),
              RateLimit("ticker", 100, 60.0, weight=1, linked=(("weight", 2),))]
    throttler = Throttler(limits, t.time, t.sleep)
    acquire_all(throttler, ["depth", "ticker"])
    assert throttler.used("weight") == 7 and throttler.used("depth") == 5
    assert t.sleeps == []
    acquire_all(throttler, ["depth"])  # 7 + 5 > 10: waits for the first depth request
    assert sum(t.sleeps) == pytest.approx(60.0, abs=1e-3)
    # Nothing was ever over the limit inside a window.
    assert throttler.used("weight") <= 10


def test_unknown_limit_ids_are_not_throttled() -> None:
    t = FakeTime()
    throttler = Throttler([RateLimit("orders", 1, 1.0)], t.time, t.sleep)
    acquire_all(throttler, ["/api/v3/time"] * 20)
    assert t.sleeps == []


def test_a_request_heavier_than_the_limit_does_not_wait_forever_on_an_empty_window() -> None:
    t = FakeTime()
    throttler = Throttler([RateLimit("big", 1, 1.0, weight=5)], t.time, t.sleep)
    acquire_all(throttler, ["big"])
    assert t.sleeps == []
