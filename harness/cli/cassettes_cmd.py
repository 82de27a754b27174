"""`harness cassettes lint`: validate cassettes, scan them for secrets, and check them for
impossible market behaviour with each exchange's market reader (named in its manifests)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.cassette.lint import iter_lines, lint_paths
from harness.cassette.market_rules import MarketReader, market_rule
from harness.cassette.recorder import find_root
from harness.registry import ConnectorLoadError, load_object, load_registry


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cassettes", help="work with cassettes (lint)",
        description="Tools for the recorded REST/WebSocket cassettes under cassettes/.")
    actions = parser.add_subparsers(dest="cassettes_command", metavar="ACTION", required=True)
    lint = actions.add_parser(
        "lint", help="validate cassettes and scan them for secrets",
        description="Validate every cassette against the format (docs/cassettes.md), scan "
                    "it for secrets that escaped scrubbing, and check that it shows nothing "
                    "a matching engine cannot do (unless meta.fault declares it). One line "
                    "per problem (file:location: reason); exit 1 if any.")
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="cassette files or folders (default: cassettes/ under the root)")
    lint.add_argument("--root", type=Path, default=None,
                      help="repository root (default: nearest folder with pyproject.toml)")
    lint.set_defaults(func=run_lint)


def market_readers() -> tuple[dict[str, MarketReader], list[str]]:
    """Each exchange's market reader (`[cassettes] market_reader` of its first connector that
    names one), and one line per manifest problem."""
    registry = load_registry()
    readers: dict[str, MarketReader] = {}
    problems: list[str] = []
    for manifest in registry.select():
        target = manifest.cassette_options.get("market_reader")
        if not target or manifest.exchange_name in readers:
            continue
        try:
            readers[manifest.exchange_name] = load_object(str(target), manifest,
                                                          "cassettes.market_reader")
        except ConnectorLoadError as exc:
            problems.append(str(exc))
    return readers, problems


def run_lint(args: argparse.Namespace) -> int:
    root = args.root if args.root is not None else find_root()
    readers, problems = market_readers()
    report = lint_paths(args.paths, root, rules=[market_rule(readers)])
    for line in [*problems, *iter_lines(report)]:
        print(line)
    return 0 if report.ok and not problems else 1
