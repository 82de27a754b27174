"""`harness install hummingbot`: Hummingbot's connector code in the running environment.

Hummingbot is on PyPI as an sdist only: installing it builds its 60 Cython extension modules
(C++, about 4.5 minutes on 2 cores). Its declared requirements cannot all be met on Python
3.11 (pandas-ta has no release for it) and most serve its strategies and DEX connectors, so
the way that works is three steps, planned here and run by `run_plan`:

1. its build tools (cython, numpy, setuptools, wheel) and the runtime requirements its
   exchange connectors import: connector-harness's own `[hummingbot]` extra, read from the
   installed metadata so that the list lives in pyproject.toml only;
2. `pip install --no-deps --no-build-isolation hummingbot==V` (the build uses the tools of
   step 1; pip keeps the built wheel in its cache, so a second install, in a new venv, takes
   seconds);
3. a probe: the Binance connector and the application its logger imports must import, or
   the install did not work.

Idempotent: nothing is run when version V is installed and the probe imports.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "hummingbot"
DEFAULT_VERSION = "20260922"
# Releases up to 20251215 open Binance's user stream with a listen key, which the cassettes
# (recorded on Binance's WebSocket API subscription) cannot replay.
MIN_VERSION = "20260201"
# What must import: the Binance connector, and the application its logger imports to show a
# network warning (a missing dependency there breaks every order failure's handling).
PROBE_MODULE = ("hummingbot.connector.exchange.binance.binance_exchange, "
                "hummingbot.client.hummingbot_application")
BUILD_TOOLS = ("cython", "numpy", "setuptools", "wheel")
EXTRA = "hummingbot"
HARNESS_DISTRIBUTION = "connector-harness"
INSTALL_COMMAND = "harness install hummingbot"

# What a failed pip run's log says, read as the one cause a user can act on.
_NETWORK = re.compile(r"Could not find a version|No matching distribution|NewConnectionError|"
                      r"Temporary failure in name resolution|Network is unreachable|"
                      r"ConnectTimeout|ReadTimeout", re.IGNORECASE)
_BUILD = re.compile(r"error: command '[^']*' failed|gcc|g\+\+|Cython|\.pyx", re.IGNORECASE)


class InstallError(Exception):
    """Hummingbot cannot be installed; the message is one line saying why and what to do."""


@dataclass(frozen=True)
class Step:
    """One command of the plan, with what it does in words."""

    what: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def check_version(version: str) -> None:
    """Refuse a version that is not a Hummingbot release date or is too old to replay.

    >>> check_version("20250101")
    Traceback (most recent call last):
    ...
    harness.hummingbot_install.InstallError: --version 20250101: ...
    """
    if not re.fullmatch(r"\d{8}", version):
        raise InstallError(f"--version {version}: not a Hummingbot release (they are dates, "
                           f"e.g. {DEFAULT_VERSION})")
    if version < MIN_VERSION:
        raise InstallError(f"--version {version}: Hummingbot before {MIN_VERSION} opens "
                           f"Binance's user stream with a listen key, which the cassettes "
                           f"cannot replay; use {MIN_VERSION} or later")


def extra_requirements(extra: str = EXTRA) -> list[str]:
    """The requirements of connector-harness's `[extra]`, from its installed metadata."""
    try:
        declared = importlib.metadata.requires(HARNESS_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise InstallError(f"{HARNESS_DISTRIBUTION} is not installed, so its [{extra}] extra "
                           f"cannot be read: pip install -e . first") from None
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    return [req.split(";", 1)[0].strip() for req in declared
            if ";" in req and marker.search(req.split(";", 1)[1])]


def installed_version(package: str = PACKAGE) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def probe_imports(python: str = sys.executable, module: str = PROBE_MODULE) -> str | None:
    """None when `module` imports in a fresh `python`, else the error's last line."""
    done = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True,
                          check=False, timeout=120)
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit code {done.returncode}"


def compiler() -> str | None:
    """The C++ compiler the build will use (Hummingbot's extensions are C++)."""
    for name in (os.environ.get("CXX", ""), "g++", "c++"):
        if name and shutil.which(name.split()[0]):
            return name
    return None


def plan(version: str, *, python: str, installed: str | None, import_error: str | None,
         cxx: str | None, requirements: Sequence[str]) -> list[Step]:
    """The steps that bring `version` into the environment of `python`; [] if it is there.

    >>> plan("20260922", python="py", installed="20260922", import_error=None, cxx=None,
    ...      requirements=[])
    []
    """
    check_version(version)
    if installed == version and import_error is None:
        return []
    if cxx is None:
        raise InstallError("no C++ compiler found (g++ or c++ on PATH, or CXX): Hummingbot "
                           "builds 60 Cython modules; install one (Debian: apt-get install "
                           "g++) and run again")
    pip = (python, "-m", "pip", "install", "--disable-pip-version-check")
    return [
        Step("Hummingbot's build tools and runtime requirements",
             (*pip, *BUILD_TOOLS, *requirements)),
        # --no-deps: Hummingbot declares requirements Python 3.11 cannot meet (pandas-ta) and
        # dozens its exchange connectors never import; step 1 installed those they do.
        Step(f"Hummingbot {version} (builds its Cython modules: minutes)",
             (*pip, "--no-deps", "--no-build-isolation", f"{PACKAGE}=={version}")),
    ]


def diagnose(log_text: str) -> str:
    """The likely cause of a failed step, from its log."""
    if _NETWORK.search(log_text):
        return "PyPI could not be reached or has no such release (network?)"
    if _BUILD.search(log_text):
        return "the build of Hummingbot's Cython modules failed"
    return "pip failed"


def run_plan(steps: Sequence[Step], log_path: Path, *, python: str = sys.executable,
             announce: Callable[[str], None] = lambda what: None,
             probe: str = PROBE_MODULE) -> None:
    """Run each step with its output appended to `log_path`; InstallError on the first
    failure, and if the probe module does not import afterwards."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for step in steps:
        announce(step.what)
        with log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(step.argv)}\n")
            log.flush()
            done = subprocess.run(step.argv, stdout=log, stderr=subprocess.STDOUT, check=False,
                                  env={**os.environ, **step.env})
        if done.returncode != 0:
            text = log_path.read_text(encoding="utf-8", errors="replace")
            raise InstallError(f"{step.what}: {diagnose(text[-20000:])} "
                               f"(exit {done.returncode}); log: {log_path}")
    error = probe_imports(python, probe)
    if error is not None:
        raise InstallError(f"Hummingbot is installed but {probe} does not import "
                           f"({error}); log: {log_path}")
