"""Clocks a connector takes its time from, so the harness can control time.

Every wait a connector makes on purpose (poll intervals, back-off, Retry-After) goes through
`Clock.sleep`, and every timestamp it signs or stamps comes from `Clock.time`. The harness passes
a `ScaledClock` so a 1 s Retry-After takes 20 ms of wall time while still reading as 1 s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch, as this connector sees them."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""


class SystemClock:
    """Wall-clock time: what a connector uses in production."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


class ScaledClock:
    """Time that runs `speed` times faster than the wall clock, plus an adjustable offset.

    >>> clock = ScaledClock(speed=50.0)
    >>> clock.speed
    50.0
    """

    def __init__(self, speed: float = 1.0, start: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """`monotonic` is the wall time the clock scales: an event loop's `time` when that
        loop skips idle waits (harness.idle_time), so both agree."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._monotonic = monotonic
        self._origin_wall = monotonic()
        self._origin = time.time() if start is None else start
        self.offset = 0.0

    def time(self) -> float:
        return self._origin + (self._monotonic() - self._origin_wall) * self.speed + self.offset

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0) / self.speed)

    def advance(self, seconds: float) -> None:
        """Jump forward (or back, with a negative value) without waiting."""
        self.offset += seconds
