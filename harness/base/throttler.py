"""Client-side throttling by the rate limits an exchange declares.

A request names the limits it counts against (with a weight each); it waits until every one
of them has room in its sliding window, so declared limits are never exceeded.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimit:
    """`limit` units per `interval` seconds for `limit_id`; `linked` are (limit_id, weight)
    pairs that a request against this limit also counts against (e.g. a global weight pool)."""

    limit_id: str
    limit: int
    interval: float
    weight: int = 1
    linked: tuple[tuple[str, int], ...] = field(default_factory=tuple)


class Throttler:
    def __init__(self, limits: Sequence[RateLimit], now: Callable[[], float],
                 sleep: Callable[[float], object]) -> None:
        self._limits = {limit.limit_id: limit for limit in limits}
        self._spent: dict[str, deque[tuple[float, int]]] = {key: deque() for key in self._limits}
        # Each window's units, kept as entries come and go: summing the window at every
        # request made a burst of n requests cost n squared.
        self._in_window: dict[str, int] = dict.fromkeys(self._limits, 0)
        self._now = now
        self._sleep = sleep
        self._lock = asyncio.Lock()

    def _costs(self, limit_id: str) -> list[tuple[RateLimit, int]]:
        limit = self._limits.get(limit_id)
        if limit is None:
            return []
        costs = [(limit, limit.weight)]
        costs.extend((self._limits[linked], weight) for linked, weight in limit.linked
                     if linked in self._limits)
        return costs

    def _wait_needed(self, costs: list[tuple[RateLimit, int]], now: float) -> float:
        wait = 0.0
        for limit, weight in costs:
            window = self._spent[limit.limit_id]
            while window and window[0][0] <= now - limit.interval:
                self._in_window[limit.limit_id] -= window.popleft()[1]
            used = self._in_window[limit.limit_id]
            if used + weight > limit.limit and window:
                # Wait until enough of the oldest entries leave the window.
                excess = used + weight - limit.limit
                freed = 0
                for stamp, units in window:
                    freed += units
                    if freed >= excess:
                        wait = max(wait, stamp + limit.interval - now)
                        break
        return wait

    async def acquire(self, limit_id: str) -> None:
        """Wait until a request against `limit_id` fits in every window it counts against."""
        costs = self._costs(limit_id)
        if not costs:
            return
        async with self._lock:
            while True:
                now = self._now()
                wait = self._wait_needed(costs, now)
                if wait <= 0:
                    for limit, weight in costs:
                        self._spent[limit.limit_id].append((now, weight))
                        self._in_window[limit.limit_id] += weight
                    return
                await self._sleep(wait + 1e-6)  # type: ignore[misc]

    def used(self, limit_id: str) -> int:
        """Units currently counted in `limit_id`'s window."""
        now = self._now()
        limit = self._limits[limit_id]
        return sum(units for stamp, units in self._spent[limit_id]
                   if stamp > now - limit.interval)
