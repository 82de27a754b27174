"""`harness bench {replay,suite,scenarios}`: performance figures (not pass/fail tests)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench", help="measure replay, suite or scenario performance",
        description="Benchmarks, measured side by side with a bare baseline in one run.")
    kinds = parser.add_subparsers(dest="bench_command", metavar="BENCH", required=True)
    replay = kinds.add_parser(
        "replay", help="REST round trip and WS frame rate through the replay servers",
        description="REST median/p99 round trip and WS frames/s through a ReplaySession "
                    "versus a bare aiohttp.web handler / websockets sender, on loopback.")
    replay.add_argument("--requests", type=int, default=2000, help="REST requests (2000)")
    replay.add_argument("--frames", type=int, default=50000, help="WS frames (50000)")
    replay.set_defaults(func=run_replay)
    for name, text in (("suite", "time the conformance suites"),
                       ("scenarios", "time the property-based scenarios")):
        sub = kinds.add_parser(name, help=text, description=text)
        sub.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        sub.set_defaults(func=_delegate(name))


def run_replay(args: argparse.Namespace) -> int:
    from harness.bench.replay import format_replay_bench, run_replay_bench

    result = run_replay_bench(n_requests=args.requests, n_frames=args.frames)
    print(format_replay_bench(result))
    return 0


def _delegate(name: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            module = importlib.import_module(f"harness.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"harness.bench.{name}":
                raise
            print(f"harness bench {name}: not available yet")
            return 2
        code: int = module.main(args)
        return code

    return run
