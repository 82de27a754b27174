"""Fan-out of connector events to listeners; one failing listener never stops the others."""

from __future__ import annotations

import logging

from harness.standard.api import EventListener, Unsubscribe
from harness.standard.events import Event

log = logging.getLogger(__name__)


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[EventListener] = []

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("event listener %r failed on %s", listener, type(event).__name__)
