"""For the end-to-end tests: an event recorder, and a connector started until it is ready."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from harness.standard.api import SpotConnector
from harness.standard.events import Event


class Recorder:
    """Collects connector events; `wait` blocks until a condition holds, with a deadline."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, client_order_id: str) -> list[type[Event]]:
        return [type(e) for e in self.events
                if getattr(e, "client_order_id", None) == client_order_id]

    async def wait(self, condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
        try:
            async with asyncio.timeout(timeout):
                while not condition():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; events: {self.events}") from None


@asynccontextmanager
async def ready(connector: SpotConnector, diagnose: Callable[[], str],
                timeout: float = 5.0) -> AsyncIterator[Recorder]:
    """Start `connector` with a Recorder subscribed, wait until it is ready (else fail with
    `diagnose()`, what the server saw), and stop it on the way out."""
    recorder = Recorder()
    connector.subscribe(recorder)
    await connector.start()
    try:
        try:
            async with asyncio.timeout(timeout):
                await connector.wait_ready()
        except TimeoutError:
            raise AssertionError(f"not ready: {dict(connector.status)}; {diagnose()}") from None
        yield recorder
    finally:
        await connector.stop()
