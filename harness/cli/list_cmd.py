"""`harness list`: the registered connectors as a table."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.registry import load_registry


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list", help="list the registered connectors",
        description="List every registered connector (built-in folders and entry points), "
                    "with its standard, pairs, order types and capabilities. Manifests that "
                    "fail validation are listed below the table, one line each.")
    parser.add_argument("--json", action="store_true",
                        help="print only the connector names as a JSON list (for CI matrices)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    registry = load_registry()
    if args.json:
        print(json.dumps(sorted(registry.connectors)))
        return 0
    table = Table(title="Registered connectors")
    for column in ("name", "standard", "pairs", "order types", "capabilities", "double",
                   "known failures", "source"):
        table.add_column(column)
    for name in sorted(registry.connectors):
        manifest = registry.connectors[name]
        table.add_row(
            name, manifest.standard.value, " ".join(str(p) for p in manifest.pairs),
            " ".join(sorted(t.value for t in manifest.order_types)),
            " ".join(sorted(manifest.capabilities)), "yes" if manifest.double else "no",
            str(len(manifest.known_failures)), manifest.source)
    console.print(table)
    for error in registry.errors:
        console.print(f"[red]error:[/red] {error}")
    return 1 if registry.errors else 0
