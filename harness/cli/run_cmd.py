"""`harness run`: the conformance suites over every registered connector, reports written."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from harness.plugin import positive_seconds
from harness.runner import (
    DEFAULT_CONNECTOR_TIMEOUT,
    INTERRUPTED_DIR,
    PARTIAL_DIR,
    RunPlan,
    is_partial,
    run_connectors,
)

PLAIN_EVERY = 10.0  # seconds between progress lines when the output is not a terminal


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="run the conformance suites over the registered connectors",
        description="Run every check of each connector's standard (spot or perpetual) over "
                    "the selected connectors, each in its own process, replaying its "
                    "cassettes and driving its exchange double on loopback. Writes "
                    "status.json, junit.xml, allure-results/, summary.md, badges/ and site/ "
                    "to the output folder. Exits non-zero when a connector is red or a gate "
                    "fails, with one line per connector saying why.")
    parser.add_argument("--connector", action="append", default=[], metavar="NAME",
                        help="run only this connector (repeatable); default: all")
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="where reports go (default: reports/)")
    parser.add_argument("--jobs", "-j", type=int, default=2,
                        help="connectors run in parallel (default 2)")
    parser.add_argument("--check-timeout", type=positive_seconds, default=None,
                        metavar="SECONDS",
                        help="deadline of each check (default 10)")
    parser.add_argument("--connector-timeout", type=positive_seconds,
                        default=DEFAULT_CONNECTOR_TIMEOUT,
                        metavar="SECONDS",
                        help="a connector whose checks take longer is stopped and reported red")
    parser.add_argument("--changed-since", metavar="REF", default=None,
                        help="run only the connectors the change since REF touches (all of "
                             "them when harness/ or suites/ change) and gate each one's "
                             "changed lines at 80 %% coverage")
    parser.add_argument("pytest_args", nargs="*", metavar="PYTEST_ARG",
                        help="after --: extra pytest arguments (e.g. -- -k SPOT-ORD)")
    parser.set_defaults(func=run)


def _progress_reporter(console: Console, progress: Progress) -> Any:
    """Live lines per connector on a terminal; elsewhere (CI logs) a plain line when a
    connector starts, every PLAIN_EVERY seconds while it runs, and when it is done."""
    tasks: dict[str, Any] = {}
    printed: dict[str, float] = {}

    def report(name: str, state: str) -> None:
        if console.is_terminal:
            if name not in tasks:
                tasks[name] = progress.add_task(f"{name}: {state}")
            progress.update(tasks[name], description=f"{name}: {state}")
            return
        now = time.monotonic()
        if state in ("running", "done") or now - printed.get(name, 0.0) >= PLAIN_EVERY:
            printed[name] = now
            console.print(f"{name}: {state}")

    return report


def run(args: argparse.Namespace) -> int:
    from harness.report.writer import write_reports
    from harness.status import exit_code, one_line_per_connector

    console = Console(highlight=False, soft_wrap=True)
    connectors = list(args.connector)
    if args.changed_since:
        from harness.changes import changed_files, touched_connectors
        from harness.registry import load_registry

        connectors = touched_connectors(changed_files(args.changed_since),
                                        load_registry().connectors)
        console.print(f"connectors touched since {args.changed_since}: "
                      f"{', '.join(connectors) or 'none'}")
        if not connectors:
            return 0
    # A selection of checks (`-- -k SPOT-ORD-3`) is a partial run: its reports go to
    # <out>/partial/, with no coverage gate, and the published reports stay as they were.
    partial = is_partial(args.pytest_args)
    out = args.out / PARTIAL_DIR if partial else args.out
    plan = RunPlan(connectors=connectors, out=out, jobs=args.jobs,
                   check_timeout=args.check_timeout, connector_timeout=args.connector_timeout,
                   pytest_args=args.pytest_args, diff_base=args.changed_since)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        outcome = run_connectors(plan, _progress_reporter(console, progress))
    for warning in outcome.registry_warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    for error in outcome.registry_errors:
        console.print(f"[red]manifest error:[/red] {error}")
    from harness.coverage_gate import gate_failures

    coverage_gates = [] if partial else gate_failures(outcome.runs)
    gates = [*outcome.registry_errors, *coverage_gates]
    if not outcome.complete:
        # Ctrl-C: the interrupted run's reports go beside the last complete ones, never over
        # them (badges and history are only ever written by a complete run).
        out = out / INTERRUPTED_DIR
    statuses = write_reports(outcome.runs, out, started=outcome.started,
                             finished=outcome.finished, complete=outcome.complete and not partial,
                             gate_failures=gates)
    for line in one_line_per_connector(statuses):
        console.print(line)
    if partial:
        console.print(f"[yellow]partial run[/yellow] ({' '.join(args.pytest_args)}): only the "
                      "selected checks ran; no coverage gate; badges and history untouched")
    if not outcome.complete:
        console.print("[yellow]interrupted[/yellow]: finished checks kept, the others marked "
                      f"not run; the last complete report in {args.out}/ is untouched")
    console.print(f"reports written to {out}/ (open {out}/site/index.html)")
    for line in coverage_gates:
        console.print(f"[red]gate:[/red] {line}")
    code = exit_code(statuses, gates)
    return code if outcome.complete else max(code, 130)
