"""`harness install hummingbot [--version V]`: a library an adapter judges, installed the way
that works (harness.hummingbot_install)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "install", help="install a library an adapter judges (hummingbot)",
        description="Install Hummingbot's connector code into this environment: its build "
                    "tools and runtime requirements, then the release itself without its "
                    "declared dependencies (some have no Python 3.11 release) and without "
                    "build isolation. Does nothing when that release is installed and its "
                    "Binance connector imports. The first build takes minutes (60 Cython "
                    "modules); pip's wheel cache makes later ones take seconds.")
    parser.add_argument("library", choices=["hummingbot"], help="what to install")
    parser.add_argument("--version", default=None,
                        help="the Hummingbot release (a date; default: the tested one)")
    parser.add_argument("--log", type=Path, default=None,
                        help="where pip's output goes (default: in the temp folder)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness import hummingbot_install as hb

    version = args.version or hb.DEFAULT_VERSION
    log_path = args.log or Path(tempfile.gettempdir()) / f"harness-install-hummingbot-{version}.log"
    try:
        hb.check_version(version)
        installed = hb.installed_version()
        if installed == version and hb.probe_imports() is None:
            print(f"hummingbot {version} is installed and imports: nothing to do")
            return 0
        steps = hb.plan(version, python=sys.executable, installed=installed,
                        import_error="not checked", cxx=hb.compiler(),
                        requirements=hb.extra_requirements())
        print(f"installing hummingbot {version} into {sys.prefix} (log: {log_path})")
        started = time.monotonic()
        hb.run_plan(steps, log_path, announce=lambda what: print(f"  {what}", flush=True))
    except hb.InstallError as exc:
        print(f"harness install: {exc}", file=sys.stderr)
        return 1
    print(f"hummingbot {version} installed in {time.monotonic() - started:.0f} s")
    return 0
