"""The `harness` command. Each subcommand lives in its own module with a `register` function."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Subcommand modules, in the order `harness --help` lists them.
SUBCOMMANDS = ("list_cmd", "run_cmd", "report_cmd", "record_cmd", "cassettes_cmd", "bench_cmd",
               "gateway_cmd", "install_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Conformance and QA harness for crypto-exchange connectors.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"harness.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"harness.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Commands that pass options through (bench suite/scenarios) take them as `rest`.
        if not hasattr(args, "rest"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.rest = [*extra, *args.rest]
    from harness.registry import ConnectorLoadError, UnknownConnector

    try:
        code: int = args.func(args)
    except (UnknownConnector, ConnectorLoadError) as exc:
        # Errors a user can cause end in one line, not a traceback.
        print(f"harness: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
