"""An event loop whose time jumps over idle gaps, so waiting on a timer costs no wall time.

A property run spends much of its time with nothing to do: every task waits on a timer (a
status poll, a reconnect delay, a client timeout, a Retry-After) and no socket has data. The
double and the connector share this loop and talk over loopback, where a write is readable
on the other end when the send returns; so when a non-blocking poll of the selector finds
nothing, nothing can happen before the next timer, and the loop moves its clock forward
instead of sleeping. The order in which things happen is unchanged; only the empty waits
vanish (the idea of trio's `MockClock(autojump_threshold=0)`).

A jump is at most `max_jump` seconds; a longer wait is several jumps, each after another
poll of the sockets. Should a loopback write ever take a moment to arrive, timers then fire
at most that much early: a poll made sooner, never a timeout (those are hundreds of jumps).

Everything that measures time in a run reads this loop: asyncio's timers and timeouts,
aiohttp's and websockets' timeouts, and the `ScaledClock` the exchange and the connector
share (`ScaledClock(monotonic=loop.time)`), so signed timestamps stay consistent. While
work runs in a thread (`run_in_executor`), the loop waits in real time: that work's result
arrives as I/O, later.

>>> loop = IdleSkippingLoop()
>>> import asyncio, time
>>> started = time.monotonic()
>>> loop.run_until_complete(asyncio.sleep(30))
>>> time.monotonic() - started < 1.0, loop.skipped >= 29.9
(True, True)
>>> loop.close()
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar, TypeVarTuple

T = TypeVar("T")
Args = TypeVarTuple("Args")


class _SkippingSelector(selectors.DefaultSelector):
    """Polls without blocking when timers are due later; reports the silence to the loop."""

    def __init__(self) -> None:
        super().__init__()
        self.on_silence: Callable[[float], bool] = lambda seconds: False

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= 0:  # no timer (wait for I/O), or a turn is due now
            ready: list[tuple[selectors.SelectorKey, int]] = super().select(timeout)
            return ready
        ready = super().select(0)
        if ready or self.on_silence(timeout):
            return ready
        ready = super().select(timeout)  # a thread is working: its result comes as I/O
        return ready


class IdleSkippingLoop(asyncio.SelectorEventLoop):
    """A selector event loop that skips the time it would spend idle waiting on timers."""

    def __init__(self, max_jump: float = 0.001) -> None:
        selector = _SkippingSelector()
        super().__init__(selector)
        if max_jump <= 0:
            self.close()
            raise ValueError("max_jump must be positive")
        self.max_jump = max_jump
        self.skipped = 0.0
        """Seconds of idle waiting jumped over so far."""
        self._threads_busy = 0
        selector.on_silence = self._jump

    def time(self) -> float:
        return time.monotonic() + self.skipped

    def _jump(self, wait: float) -> bool:
        if self._threads_busy:
            return False
        self.skipped += min(wait, self.max_jump)
        return True

    def run_in_executor(self, executor: Executor | None, func: Callable[[*Args], T],
                        *args: *Args) -> asyncio.Future[T]:
        future = super().run_in_executor(executor, func, *args)
        self._threads_busy += 1
        future.add_done_callback(self._thread_done)
        return future

    def _thread_done(self, _: asyncio.Future[Any]) -> None:
        self._threads_busy -= 1
