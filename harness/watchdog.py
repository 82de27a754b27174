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
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import sysconfig
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
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
    target = threading.get_ident()
    lock = threading.Lock()
    armed = True
    finished = threading.Event()
    stacks: list[traceback.StackSummary] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if armed:
            stack = stacks[-1] if stacks else traceback.extract_stack(frame)
            raise CheckBlocked(seconds if deadline is None else deadline, seconds, stack)

    def watch() -> None:
        if finished.wait(seconds):
            return
        for _ in range(ATTEMPTS):
            with lock:
                if not armed:
                    return
                frame = sys._current_frames().get(target)
                stacks.append(traceback.extract_stack(frame))
                signal.pthread_kill(target, SIGNAL)
            if finished.wait(RETRY_SECONDS):
                return
        # Blocked in C code that ignores signals: nothing more can be done in this process.
        print(f"watchdog: the check blocked past {seconds:g} s and ignores signals; every "
              "thread's stack follows, then the worker ends", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(all_threads=True)
        os._exit(EXIT_BLOCKED)

    previous = signal.signal(SIGNAL, on_signal)
    thread = threading.Thread(target=watch, name="check watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        try:
            with lock:
                armed = False
        finally:
            finished.set()
            thread.join()
            signal.signal(SIGNAL, previous)
