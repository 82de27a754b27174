"""A real headless Chromium driven over the DevTools protocol on loopback (for the tests)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

# Where to look for the browser: HARNESS_CHROMIUM if set, else chromium on PATH, else Debian's.
CHROMIUM_ENV = "HARNESS_CHROMIUM"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
DEADLINE = 20.0


def find_chromium() -> Path | None:
    """The chromium binary to drive, or None when this machine has none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured is not None:
        return Path(configured) if Path(configured).is_file() else None
    on_path = shutil.which("chromium")
    if on_path:
        return Path(on_path)
    return DEBIAN_CHROMIUM if DEBIAN_CHROMIUM.is_file() else None


def under_ci() -> bool:
    """True on a CI machine (CI set, as GitHub Actions and .ci/run do): nothing may skip there."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> Path:
    """Chromium's path. Without one, a browser test skips on a developer's machine (the README's
    test command must pass on a fresh one) and fails under CI, which must run it."""
    found = find_chromium()
    if found is not None:
        return found
    how = "install it with `apt-get install -y chromium` (or point HARNESS_CHROMIUM at one)"
    if under_ci():
        pytest.fail(f"chromium is missing and CI is set, so the browser test cannot skip: {how}",
                    pytrace=False)
    pytest.skip(f"chromium is missing: headless-browser test skipped; {how}")


class Page:
    """One page target: evaluate JavaScript, take screenshots."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._ids = count(1)
        self._events: list[str] = []  # events that arrived while waiting for a reply

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._socket.recv(timeout=DEADLINE))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
            if "method" in reply:
                self._events.append(reply["method"])

    def wait_event(self, method: str) -> None:
        if method in self._events:
            self._events.remove(method)
            return
        while json.loads(self._socket.recv(timeout=DEADLINE)).get("method") != method:
            pass

    def navigate(self, url: str) -> None:
        """Open `url` and wait for its load event (scripts have run by then)."""
        self.call("Page.enable")
        self._events.clear()
        reply = self.call("Page.navigate", url=url)
        if reply.get("errorText"):
            raise RuntimeError(f"cannot open {url}: {reply['errorText']}")
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        reply = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"JavaScript error: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data


def _port(profile: Path, process: subprocess.Popen[bytes], log: Path) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}: {log.read_text()}")
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        time.sleep(0.05)  # polling a file Chromium writes; bounded by the deadline
    raise TimeoutError(f"chromium did not open its DevTools port within {DEADLINE} s")


@contextmanager
def open_page(url: str, workdir: Path, size: tuple[int, int] = (1400, 900)) -> Iterator[Page]:
    """Start Chromium on `url` and yield its page, loaded; Chromium is stopped afterwards."""
    chromium = require_chromium()
    profile = workdir / "chromium-profile"
    profile.mkdir()
    log = workdir / "chromium.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(chromium),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                "about:blank",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        port = _port(profile, process, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=DEADLINE) as r:
            targets = json.load(r)
        target = next(t for t in targets if t.get("type") == "page")
        with connect(
            target["webSocketDebuggerUrl"], open_timeout=DEADLINE, max_size=64 * 2**20
        ) as socket:
            page = Page(socket)
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=size[0],
                height=size[1],
                deviceScaleFactor=1,
                mobile=False,
            )
            page.navigate(url)
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
