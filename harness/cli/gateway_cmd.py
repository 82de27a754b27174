"""`harness gateway check URL --connector uniswap/amm`: judge a running Gateway;
`harness gateway serve`: run the Gateway double (or a broken variant of it) on loopback."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from harness.standard.gateway.model import Chain, DexConnector


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "gateway", help="judge a running Hummingbot Gateway, or serve the Gateway double",
        description="Contract and semantic GW checks against a Gateway base URL, and the "
                    "in-memory Gateway double on 127.0.0.1. Point `check` only at a Gateway "
                    "whose chain is local (a fork or the double): the checks send swaps.")
    commands = parser.add_subparsers(dest="gateway_command", metavar="ACTION", required=True)
    check = commands.add_parser("check", help="run the GW checks against URL")
    check.add_argument("url", help="Gateway base URL, e.g. http://127.0.0.1:15888")
    check.add_argument("--connector", action="append", required=True, metavar="DEX/TYPE",
                       help="Gateway connector to judge, e.g. uniswap/amm (repeatable)")
    check.add_argument("--chain", choices=[c.value for c in Chain], default=None,
                       help="the connector's chain (default: known from the dex)")
    check.add_argument("--network", default="", help="network (default: Gateway's default)")
    check.add_argument("--wallet", default="", help="wallet (default: first of GET /wallet)")
    check.add_argument("--pool", default="", help="pool address (default: first of GET /pools)")
    check.add_argument("--base", default="", help="base token symbol (default: the pool's)")
    check.add_argument("--quote", default="", help="quote token symbol (default: the pool's)")
    check.add_argument("--amount", default="0.1", help="base amount the checks trade (0.1)")
    check.add_argument("--only", action="append", default=[], metavar="GW-ID",
                       help="run only this check (repeatable)")
    check.add_argument("--read-only", action="store_true",
                       help="skip the checks that send transactions")
    check.add_argument("--poll-interval", type=float, default=0.5, metavar="SECONDS")
    check.add_argument("--poll-timeout", type=float, default=60.0, metavar="SECONDS")
    check.add_argument("--json", type=Path, default=None, metavar="PATH",
                       help="also write the results here as JSON")
    check.set_defaults(func=run_check)
    serve = commands.add_parser("serve", help="serve the Gateway double on 127.0.0.1")
    serve.add_argument("--port", type=int, default=15888)
    serve.add_argument("--variant", default="", help="serve a broken variant instead "
                       "(see harness.gateway.double.variants)")
    serve.set_defaults(func=run_serve)


def run_check(args: argparse.Namespace) -> int:
    from harness.gateway.checks.probe import Target
    from harness.gateway.checks.runner import run_checks

    try:
        connectors = [DexConnector.parse(text) for text in args.connector]
        amount = Decimal(args.amount)
    except (ValueError, InvalidOperation) as exc:
        print(f"harness gateway check: {exc}", file=sys.stderr)
        return 2
    failed, report = False, []
    for connector in connectors:
        target = Target(args.url, connector, Chain(args.chain) if args.chain else None,
                        args.network, args.wallet, args.pool, args.base, args.quote, amount,
                        args.poll_interval, args.poll_timeout)
        try:
            target.chain_of  # noqa: B018 - an unknown dex needs --chain: say so at once
            results = asyncio.run(run_checks(target, args.only, args.read_only))
        except ValueError as exc:
            print(f"harness gateway check: {exc}", file=sys.stderr)
            return 2
        print(f"{connector} at {args.url}")
        for result in results:
            line = f"  {result.outcome.upper():7} {result.check_id:10} {result.statement}"
            print(line + (f"\n          {result.message}" if result.message else ""))
            failed = failed or result.outcome in ("failed", "error")
            report.append({"connector": str(connector), **dataclasses.asdict(result)})
        counts = {o: sum(r.outcome == o for r in results) for o in
                  ("passed", "failed", "skipped", "error")}
        print("  " + ", ".join(f"{n} {o}" for o, n in counts.items()))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 1 if failed else 0


def run_serve(args: argparse.Namespace) -> int:  # pragma: no cover - runs until Ctrl-C
    from harness.gateway.double.serve import serve_forever

    try:
        asyncio.run(serve_forever(args.port, args.variant))
    except KeyboardInterrupt:
        pass
    except ValueError as exc:
        print(f"harness gateway serve: {exc}", file=sys.stderr)
        return 2
    return 0
