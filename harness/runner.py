"""`harness run`: every selected connector's checks, each in its own worker process.

One connector that fails to import, crashes or hangs is reported red with its reason; the
others complete. Ctrl-C stops the workers and still leaves a valid report, marked incomplete.
The exit code comes from the computed statuses, never from a reporter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from harness.identity import identify
from harness.manifest import Manifest
from harness.registry import Registry, load_registry
from harness.results import ConnectorRun, read_raw
from harness.watchdog import EXIT_BLOCKED

DEFAULT_CONNECTOR_TIMEOUT = 900.0
PROGRESS_SECONDS = 0.5  # how often the raw results of running workers are read for progress
PARTIAL_DIR = "partial"
INTERRUPTED_DIR = "interrupted"
# pytest options that run a selection of the checks: such a run judges only what it ran.
_SELECTING = ("-k", "-m", "--scenario", "--deselect", "--lf", "--last-failed", "-x",
              "--exitfirst", "--maxfail", "--sw", "--stepwise")


def is_partial(pytest_args: Sequence[str]) -> bool:
    """True when extra pytest arguments select some checks (`-k SPOT-ORD-3`, a node id).

    >>> is_partial(["-k", "SPOT-ORD-3"]), is_partial(["-p", "no:randomly", "-v"])
    (True, False)
    """
    for arg in pytest_args:
        if arg.startswith(_SELECTING) or "::" in arg or arg.endswith(".py"):
            return True
    return False


@dataclass(frozen=True)
class RunPlan:
    connectors: Sequence[str] = ()
    out: Path = Path("reports")
    jobs: int = 2
    check_timeout: float | None = None
    connector_timeout: float = DEFAULT_CONNECTOR_TIMEOUT
    pytest_args: Sequence[str] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    diff_base: str | None = None


@dataclass
class RunOutcome:
    runs: list[ConnectorRun]
    registry_errors: list[str]
    complete: bool
    started: dt.datetime
    finished: dt.datetime
    registry_warnings: list[str] = field(default_factory=list)


Progress = Callable[[str, str], None]


def run_connectors(plan: RunPlan, progress: Progress = lambda name, state: None,
                   registry: Registry | None = None) -> RunOutcome:
    started = dt.datetime.now(dt.UTC)
    registry = registry or load_registry()
    manifests = registry.select(plan.connectors)
    raw_dir = plan.out / "raw"
    logs_dir = plan.out / "logs"
    for folder in (raw_dir, logs_dir, plan.out / "allure-results"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)

    runs: dict[str, ConnectorRun] = {}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = threading.Event()  # set on Ctrl-C: a worker starting after it is ended at once
    watcher = _ProgressReader()
    complete = True
    with ThreadPoolExecutor(max_workers=max(1, plan.jobs)) as pool:
        pending: dict[Future[ConnectorRun], Manifest] = {}
        queue = list(manifests)
        try:
            while queue or pending:
                while queue and len(pending) < max(1, plan.jobs):
                    manifest = queue.pop(0)
                    progress(manifest.name, "running")
                    pending[pool.submit(_run_one, manifest, plan, raw_dir, logs_dir,
                                        processes, stopping)] = manifest
                done, _ = wait(pending, timeout=PROGRESS_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    manifest = pending.pop(future)
                    runs[manifest.name] = future.result()
                    progress(manifest.name, "done")
                for manifest in pending.values():
                    counts = watcher.counts(raw_dir / f"{manifest.name}.json")
                    if counts:
                        progress(manifest.name, counts)
        except KeyboardInterrupt:
            complete = False
            stopping.set()
            for process in list(processes.values()):
                _kill(process)
            for future in pending:
                future.cancel()
            for manifest in manifests:
                if manifest.name not in runs:
                    runs[manifest.name] = _interrupted(manifest, raw_dir)
    # Runs made here (timeouts, interrupts) lack what the worker records: fill it in.
    ordered = [identify(runs[m.name], m) for m in manifests if m.name in runs]
    return RunOutcome(ordered, list(registry.errors), complete, started,
                      dt.datetime.now(dt.UTC), list(registry.warnings))


def _run_one(manifest: Manifest, plan: RunPlan, raw_dir: Path, logs_dir: Path,
             processes: dict[str, subprocess.Popen[bytes]],
             stopping: threading.Event) -> ConnectorRun:
    raw = raw_dir / f"{manifest.name}.json"
    command = [sys.executable, "-m", "harness.worker", manifest.name, str(raw),
               "--alluredir", str(plan.out / "allure-results")]
    if plan.check_timeout is not None:
        command += ["--check-timeout", str(plan.check_timeout)]
    if plan.diff_base:
        command += ["--diff-base", plan.diff_base]
    if plan.pytest_args:
        command += ["--", *plan.pytest_args]
    log_path = logs_dir / f"{manifest.name}.log"
    env = {**os.environ, **plan.extra_env}
    began = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        processes[manifest.name] = process
        if stopping.is_set():
            _kill(process)
        try:
            code = process.wait(timeout=plan.connector_timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            stopped = (f"its checks did not finish within {plan.connector_timeout:.0f} s "
                       f"and were stopped; see {log_path}")
            return _finished_so_far(manifest, raw, stopped)
        finally:
            processes.pop(manifest.name, None)
    if code == EXIT_BLOCKED:
        return _finished_so_far(manifest, raw, "a check blocked its thread in code that "
                                "ignores signals and the worker was ended; its stack is in "
                                f"{log_path}")
    if not raw.exists():
        return ConnectorRun(manifest.name, manifest.standard.value,
                            load_error=f"the worker exited with code {code} after "
                                       f"{time.monotonic() - began:.1f} s without results; "
                                       f"see {log_path}")
    found = read_raw(raw)
    return found[0] if found else ConnectorRun(manifest.name, manifest.standard.value,
                                               load_error="the worker wrote no results")


class _ProgressReader:
    """"12/63 checks, 1 failed" from a running worker's raw results (written after every
    check), read again only when the file changed."""

    def __init__(self) -> None:
        self._seen: dict[Path, float] = {}

    def counts(self, raw: Path) -> str:
        try:
            changed = raw.stat().st_mtime
        except OSError:
            return ""
        if self._seen.get(raw) == changed:
            return ""
        self._seen[raw] = changed
        try:
            found = read_raw(raw)
        except (OSError, ValueError, KeyError, TypeError):
            return ""  # being replaced: the next poll reads it
        if not found:
            return ""
        run = found[0]
        done = len(run.results)
        if not done + len(run.not_run):
            return ""  # a worker that ran no check (it could not load the connector)
        failed = sum(1 for r in run.results if r.unexpected and r.outcome.value != "pass")
        return f"{done}/{done + len(run.not_run)} checks, {failed} failed"


def _interrupted(manifest: Manifest, raw_dir: Path) -> ConnectorRun:
    """A connector whose worker Ctrl-C stopped: the results it finished (written after every
    check) are kept and the checks it had not finished are listed as not run."""
    raw = raw_dir / f"{manifest.name}.json"
    found = read_raw(raw) if raw.exists() else []
    run = found[0] if found else ConnectorRun(manifest.name)
    run.standard = manifest.standard.value
    run.interrupted = True
    return run


def _finished_so_far(manifest: Manifest, raw: Path, why: str) -> ConnectorRun:
    """A worker that was stopped: the results it wrote so far (the recorder writes after
    every check), marked incomplete; with none, the connector is reported unloaded."""
    found = read_raw(raw) if raw.exists() else []
    if not found:
        return ConnectorRun(manifest.name, manifest.standard.value, incomplete=True,
                            load_error=why)
    run = found[0]
    run.standard = manifest.standard.value
    run.incomplete = True
    run.problems.append(why)
    return run


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
