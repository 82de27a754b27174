"""`harness list`: the registered connectors, one short block each."""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from typing import Any

from harness.manifest import Manifest
from harness.registry import load_registry

LABEL_WIDTH = 15


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list", help="list the registered connectors",
        description="List every registered connector (built-in folders, HARNESS_CONNECTOR_PATH "
                    "and entry points), with its standard, pairs, order types, capabilities "
                    "and where it comes from. Manifests that fail validation are listed "
                    "below, one line each; a connector overriding another is a warning.")
    parser.add_argument("--json", action="store_true",
                        help="print only the connector names as a JSON list (for CI matrices)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    registry = load_registry()
    if args.json:
        print(json.dumps(sorted(registry.connectors)))
        return 0
    # Blocks rather than a table: a table of eight columns cuts every cell to "…" at 80
    # columns, while labelled lines wrap between list items and stay readable at any width.
    width = max(40, shutil.get_terminal_size().columns)
    print(f"{len(registry.connectors)} registered connector(s)")
    for name in sorted(registry.connectors):
        print()
        print("\n".join(describe(registry.connectors[name], width)))
    if registry.warnings or registry.errors:
        print()
    for warning in registry.warnings:
        print(f"warning: {warning}")
    for error in registry.errors:
        print(f"error: {error}")
    return 1 if registry.errors else 0


def describe(manifest: Manifest, width: int) -> list[str]:
    """One connector as labelled lines no wider than `width` (values wrap, never cut)."""
    lines = [f"{manifest.name}  ({manifest.display_name}, {manifest.standard.value})"]
    fields = {
        "pairs": ", ".join(str(p) for p in manifest.pairs),
        "order types": ", ".join(sorted(t.value for t in manifest.order_types)) or "none",
        "capabilities": ", ".join(sorted(manifest.capabilities)) or "none",
        "double": manifest.double or "none (no property scenarios)",
        "known failures": ", ".join(kf.check_id for kf in manifest.known_failures) or "none",
        "source": manifest.source,
    }
    indent = " " * (LABEL_WIDTH + 2)
    for label, value in fields.items():
        lines += textwrap.wrap(value, width=width, initial_indent=f"  {label:<{LABEL_WIDTH}}",
                               subsequent_indent=indent, break_on_hyphens=False)
    return lines
