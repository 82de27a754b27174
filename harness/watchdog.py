"""A watchdog for checks that block their thread: stopped at their own deadline, with a stack.

A check's deadline is an asyncio timeout, which only fires when the event loop gets control
back. A connector that blocks the thread (time.sleep, a blocking socket call, a busy loop)
never gives it back. The watchdog is a thread of its own: at the deadline it takes the stack
of the blocked thread, then interrupts it with a signal whose handler raises CheckBlocked
there (a signal also ends a blocking sleep or socket call). CheckBlocked derives from
BaseException so that a connector's `except Exception` cannot swallow it. If the thread is
stuck in C code that ignores signals, the watchdog writes every thread's stack to stderr and
ends the process: the runner then keeps the results written so far and reports the rest as
not run.

One watchdog thread serves every check of the process: it is started once and armed for each
check (a thread started and joined per check cost about 1.5 ms each, a tenth of a second per
spot suite).
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

SIGNAL = signal.SIGALRM
RETRY_SECONDS = 1.0  # between signals, while the blocked thread has not come back
ATTEMPTS = 3
EXIT_BLOCKED = 70
STACK_FRAMES = 12
_STDLIB = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])


class CheckBlocked(BaseException):
    """Raised in a check's thread when it blocked past its deadline."""

    def __init__(self, deadline: float, waited: float, stack: traceback.StackSummary) -> None:
        self.deadline = deadline
        self.waited = waited
        self.stack = stack
        super().__init__(self.summary())

    def where(self) -> str:
        """The innermost frame outside the standard library: the code that blocked."""
        for frame in reversed(self.stack):
            if not frame.filename.startswith(_STDLIB):
                line = f" ({frame.line})" if frame.line else ""
                return f"{_short(frame.filename)}:{frame.lineno} in {frame.name}{line}"
        return "an unknown place"

    def summary(self) -> str:
        return (f"timed out: blocked its thread past its {self.deadline:g} s deadline and was "
                f"stopped by the watchdog after {self.waited:g} s at {self.where()}")

    def report(self) -> str:
        """The summary line, then the stack of the blocked thread."""
        frames = "".join(self.stack.format()[-STACK_FRAMES:]).rstrip()
        return f"{self.summary()}\nStack of the blocked thread (innermost last):\n{frames}"


def _short(filename: str) -> str:
    try:
        return str(Path(filename).relative_to(Path.cwd()))
    except ValueError:
        return filename


def wall_deadline(check_timeout: float) -> float:
    """Wall-clock seconds before the watchdog fires for a check of `check_timeout` seconds:
    later than the check's own (loop-time) deadline, which catches every hang that lets the
    loop run, so only a blocked thread ever meets the watchdog."""
    return check_timeout * 1.5 + 1.0


@dataclass
class _Watch:
    """One armed watch: the thread to interrupt, when, and the stacks taken when it fired."""

    target: int
    seconds: float
    due: float
    stacks: list[traceback.StackSummary] = field(default_factory=list)
    armed: bool = True


class _Watcher:
    """The process' watchdog thread; `arm` hands it a watch, `disarm` takes it back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watch: _Watch | None = None
        self._thread: threading.Thread | None = None
        self._waiting_until: float | None = None  # the thread's wake-up time; None: no watch
        self._firing: _Watch | None = None

    def arm(self, watch: _Watch) -> None:
        with self._cond:
            self._watch = watch
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="check watchdog",
                                                daemon=True)
                self._thread.start()
            # Woken only when it would otherwise sleep past this watch's due time: checks
            # follow each other, so it mostly wakes at an earlier watch's time and moves on.
            if self._waiting_until is None or self._waiting_until > watch.due:
                self._cond.notify_all()

    def disarm(self, watch: _Watch) -> None:
        """After this returns no signal is sent for `watch` (one already sent finds it
        disarmed)."""
        with self._cond:
            watch.armed = False
            if self._watch is watch:
                self._watch = None
            if self._firing is watch:
                self._cond.notify_all()  # it waits between its signals for this

    def holds(self, watch: _Watch) -> bool:
        return self._watch is watch

    def _run(self) -> None:
        with self._cond:
            while True:
                watch = self._watch
                if watch is None:
                    self._waiting_until = None
                    self._cond.wait()
                    continue
                remaining = watch.due - time.monotonic()
                if remaining > 0:
                    self._waiting_until = watch.due
                    self._cond.wait(remaining)
                    continue
                self._fire(watch)

    def _fire(self, watch: _Watch) -> None:
        """Signal the blocked thread ATTEMPTS times, RETRY_SECONDS apart (the condition's
        lock held, but while waiting); then give up on the process."""
        self._firing = watch
        try:
            for _ in range(ATTEMPTS):
                if not watch.armed:
                    return
                frame = sys._current_frames().get(watch.target)
                watch.stacks.append(traceback.extract_stack(frame))
                signal.pthread_kill(watch.target, SIGNAL)
                self._cond.wait_for(lambda: not watch.armed, RETRY_SECONDS)
        finally:
            self._firing = None
        if not watch.armed:
            return
        # Blocked in C code that ignores signals: nothing more can be done in this process.
        print(f"watchdog: the check blocked past {watch.seconds:g} s and ignores signals; "
              "every thread's stack follows, then the worker ends", file=sys.stderr,
              flush=True)
        faulthandler.dump_traceback(all_threads=True)
        os._exit(EXIT_BLOCKED)


_WATCHER = _Watcher()


@contextmanager
def watchdog(seconds: float, deadline: float | None = None) -> Iterator[None]:
    """Interrupt the calling thread with CheckBlocked if the block takes over `seconds`
    (`deadline`: the check's own deadline, for the message; default `seconds`).

    Only the main thread can receive signals: elsewhere (or without pthread_kill) the
    block runs unwatched.
    """
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "pthread_kill"):
        yield
        return
    watch = _Watch(threading.get_ident(), seconds, time.monotonic() + seconds)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if watch.armed:
            stack = watch.stacks[-1] if watch.stacks else traceback.extract_stack(frame)
            raise CheckBlocked(seconds if deadline is None else deadline, seconds, stack)

    previous = signal.signal(SIGNAL, on_signal)
    _WATCHER.arm(watch)
    try:
        yield
    finally:
        # The watch must end disarmed even if its signal lands during the disarming (the
        # handler raises only while armed): a watch left armed would signal a later check.
        late: CheckBlocked | None = None
        while watch.armed or _WATCHER.holds(watch):
            try:
                _WATCHER.disarm(watch)
            except CheckBlocked as exc:
                late = exc
        signal.signal(SIGNAL, previous)
        if late is not None:
            raise late
