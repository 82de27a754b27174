"""`harness cassettes lint`: validate cassettes and scan them for secrets."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.cassette.lint import iter_lines, lint_paths
from harness.cassette.recorder import find_root


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cassettes", help="work with cassettes (lint)",
        description="Tools for the recorded REST/WebSocket cassettes under cassettes/.")
    actions = parser.add_subparsers(dest="cassettes_command", metavar="ACTION", required=True)
    lint = actions.add_parser(
        "lint", help="validate cassettes and scan them for secrets",
        description="Validate every cassette against the format (docs/cassettes.md) and scan "
                    "it for secrets that escaped scrubbing. One line per problem "
                    "(file:location: reason); exit 1 if any.")
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="cassette files or folders (default: cassettes/ under the root)")
    lint.add_argument("--root", type=Path, default=None,
                      help="repository root (default: nearest folder with pyproject.toml)")
    lint.set_defaults(func=run_lint)


def run_lint(args: argparse.Namespace) -> int:
    root = args.root if args.root is not None else find_root()
    report = lint_paths(args.paths, root)
    for line in iter_lines(report):
        print(line)
    return 0 if report.ok else 1
