"""The exchange double's millisecond clock, from whatever clock the harness has at hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class _SecondsClock(Protocol):
    def time(self) -> float: ...


ClockLike = _SecondsClock | Callable[[], int] | None
"""A harness clock (``.time()`` in seconds, e.g. ScaledClock), a function giving ms, or None
for the wall clock."""


def ms_clock(clock: ClockLike) -> Callable[[], int] | None:
    """The exchange's ms clock for any `ClockLike` (None stays None: the wall clock).

    >>> ms_clock(lambda: 5)()
    5
    """
    if clock is None:
        return None
    time = getattr(clock, "time", None)
    if callable(time):
        return lambda: int(time() * 1000)
    assert callable(clock)
    return clock
