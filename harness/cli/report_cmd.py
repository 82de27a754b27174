"""`harness report`: rebuild the reports from raw results, or merge CI shards.

    harness report [--from reports/raw] [--out reports]
    harness report merge SHARD_DIR... --out DIR

Both print one line per connector and exit 1 if a connector is red or a gate failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness import coverage_gate
from harness.report.atomic import write_text
from harness.report.merge import (
    MERGED_NAME,
    RAW_DIR_NAME,
    RawError,
    load_shard,
    merge_shards,
    merged_info,
    merged_raw,
)
from harness.report.writer import write_reports_for
from harness.status import exit_code, one_line_per_connector

DEFAULT_OUT = Path("reports")


def register(subparsers: Any) -> None:
    """Add `report` (and `report merge`) to the `harness` command."""
    parser = subparsers.add_parser(
        "report",
        help="rebuild status.json, junit.xml, summary.md, badges and the site from raw results",
        description="Rebuild every report from raw results (reports/raw/*.json), or merge "
        "the raw results of several CI shards into one set of reports.",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=DEFAULT_OUT / RAW_DIR_NAME,
        help="folder of raw results (default: reports/raw)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="reports folder (default: reports)"
    )
    parser.set_defaults(func=_rebuild)
    actions = parser.add_subparsers(dest="report_command", metavar="ACTION")
    merge = actions.add_parser(
        "merge",
        help="merge raw results of CI shards and rebuild every report",
        description="Merge raw results of several shards (each a reports folder or its raw/ "
        "folder). A connector found in two shards: the later shard wins, with a warning.",
    )
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR")
    merge.add_argument("--out", type=Path, required=True, help="reports folder to write")
    merge.set_defaults(func=_merge)


def _build(shard_dirs: list[Path], out: Path, *, keep_raw: bool) -> int:
    try:
        shards = [load_shard(folder) for folder in shard_dirs]
    except RawError as exc:
        print(f"harness report: {exc}", file=sys.stderr)
        return 2
    runs = merge_shards(shards, warn=sys.stderr)
    info = merged_info(shards, runs)
    if keep_raw:
        write_text(out / RAW_DIR_NAME / MERGED_NAME, merged_raw(runs))
    statuses = write_reports_for(runs, out, info)
    gates = coverage_gate.gate_failures(runs)
    for line in one_line_per_connector(statuses):
        print(line)
    for gate in gates:
        print(f"gate failed: {gate}")
    print(f"reports written to {out}/ (open {out / 'site' / 'index.html'})")
    return exit_code(statuses, gates)


def _rebuild(args: argparse.Namespace) -> int:
    return _build([args.source], args.out, keep_raw=False)


def _merge(args: argparse.Namespace) -> int:
    return _build(list(args.shards), args.out, keep_raw=True)
