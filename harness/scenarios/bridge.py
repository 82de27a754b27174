"""Async bridging: hypothesis calls rules synchronously; the connector and its double are async.

One event loop serves a whole property run (the double's sockets, the connector's background
tasks), driven from the test's own thread with `run_until_complete`. The loop runs only
while a step (or a wait) is in progress, so background work (status polling, stream reads)
interleaves with a step and never with hypothesis' bookkeeping, and invariants read the
connector's state without locks. Time keeps passing between steps (the connector's clock is
wall-based), so overdue timers simply fire when the next step runs.

>>> bridge = LoopBridge()
>>> async def answer() -> int:
...     return 42
>>> bridge.run(answer(), timeout=1.0)
42
>>> bridge.close()
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class StepTimeout(AssertionError):
    """A step or a wait did not finish within its deadline: the connector hangs."""


class LoopBridge:
    """An event loop that sync code drives one coroutine at a time, each under a deadline."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.loop = loop or asyncio.new_event_loop()
        self._closed = False

    def run(self, coro: Coroutine[Any, Any, T], timeout: float, what: str = "") -> T:
        """Run `coro` to completion on the loop; raise StepTimeout after `timeout` seconds."""
        if self._closed:
            coro.close()
            raise RuntimeError("the loop bridge is closed")

        async def bounded() -> T:
            try:
                async with asyncio.timeout(timeout):
                    return await coro
            except TimeoutError:
                label = what or getattr(coro, "__qualname__", "a step")
                raise StepTimeout(f"{label} did not finish within {timeout:g} s") from None

        return self.loop.run_until_complete(bounded())

    def call(self, function: Callable[[], T]) -> T:
        """Run a plain function "inside" the loop (between two turns): for code that must
        see a running loop, such as exchange operations that push WebSocket frames."""

        async def wrapped() -> T:
            return function()

        return self.run(wrapped(), timeout=5.0, what=getattr(function, "__name__", "a call"))

    def spin(self, seconds: float) -> None:
        """Let background work run for `seconds` (used only to let released work settle)."""
        self.run(asyncio.sleep(seconds), timeout=seconds + 1.0, what="spin")

    def close(self) -> None:
        """Cancel whatever is still pending and close the loop."""
        if self._closed:
            return
        self._closed = True
        loop = self.loop
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    def __enter__(self) -> LoopBridge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
