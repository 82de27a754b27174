"""Server-time synchronisation: the offset between the exchange's clock and ours."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from harness.standard.clock import Clock


class TimeSynchronizer:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.offset_ms = 0.0
        self.synced = False

    def now_ms(self) -> int:
        """The exchange's time as we best know it, in milliseconds."""
        return int(self._clock.time() * 1000 + self.offset_ms)

    async def sync(self, fetch_server_time_ms: Callable[[], Awaitable[float]]) -> None:
        """Measure the offset; the server's reading is taken to be mid-way through the request."""
        before = self._clock.time() * 1000
        server = await fetch_server_time_ms()
        after = self._clock.time() * 1000
        self.offset_ms = server - (before + after) / 2
        self.synced = True
