"""`harness record <connector> <scenario>`: re-record a scenario's cassette from an exchange."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cassette.record_mode import RecordMode


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "record", help="record a scenario's cassette from production or testnet",
        description="Run the suite checks that use SCENARIO against the real exchange "
                    "(credentials from the environment variables the manifest's [secrets] "
                    "names), scrub the traffic and write cassettes/<connector>/<scenario>.yaml. "
                    "Never runs in CI.")
    parser.add_argument("connector", help="connector name, as `harness list` shows it")
    parser.add_argument("scenario", help="scenario (cassette) name, e.g. place_limit_buy")
    parser.add_argument("--upstream", choices=("production", "testnet"), default="production",
                        help="which URL set of the manifest to record from (default production)")
    parser.add_argument("--mode", default=RecordMode.ALL.value,
                        choices=[m.value for m in RecordMode if m is not RecordMode.NONE],
                        help="record mode (default all: record the scenario afresh)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.cassette.recorder import record_scenario

    return record_scenario(args.connector, args.scenario, args.upstream, args.mode)
