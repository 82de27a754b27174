"""Turns pytest's reports into CheckResult records: the one stream every reporter reads."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from harness.checks import spec_of
from harness.expectations import manifest_of
from harness.failure_message import logged_problems, with_root_cause
from harness.results import (
    CheckResult,
    ConnectorRun,
    Expectation,
    KnownFailureRef,
    Outcome,
    read_raw,
    write_raw,
)


class ResultRecorder:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[CheckResult] = []
        self._durations: dict[str, float] = {}
        self.problems: dict[str, list[str]] = {}
        self.selected: dict[str, list[str]] = {}  # check ids per connector, as collected

    def add_problems(self, connector: str, problems: list[str]) -> None:
        """Record problems of a connector's configuration or data: each makes it red."""
        self.problems.setdefault(connector, []).extend(problems)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        # What the connector logged while the check ran: the root cause of most failures.
        with logged_problems() as problems:
            yield
        item.stash[LOGGED_KEY] = problems

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]
                                  ) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        spec = spec_of(item)
        manifest = manifest_of(item)
        if spec is None or manifest is None:
            return
        self._durations[item.nodeid] = self._durations.get(item.nodeid, 0.0) + report.duration
        finished = report.when == "call" or (report.when == "setup" and not report.passed)
        if not finished and not (report.when == "teardown" and report.failed):
            return
        from harness.plugin import FLAKY_KEY

        known = manifest.known_failure(spec.check_id)
        # A strict xfail that passed is reported "failed" with no `wasxfail`: it is still a
        # known failure that passed, not a new failure.
        strict_xpass = report.failed and str(report.longrepr).startswith("[XPASS(strict)]")
        xfail_expected = hasattr(report, "wasxfail") or strict_xpass
        if report.skipped and not xfail_expected:
            result_outcome, expected = Outcome.SKIP, Expectation.SKIP
        elif xfail_expected:
            # pytest turns an expected failure into "skipped", an unexpected pass into "failed".
            result_outcome = Outcome.FAIL if report.skipped else Outcome.PASS
            expected = Expectation.FAIL
        else:
            result_outcome = Outcome.PASS if report.passed else (
                Outcome.FAIL if report.when == "call" else Outcome.ERROR)
            expected = Expectation.PASS
        message = _message(report, item.stash.get(LOGGED_KEY, []))
        if known is not None and known.expired() and result_outcome is not Outcome.PASS:
            message = f"known failure expired on {known.expires}: {known.reason}\n{message}"
        record = CheckResult(
            connector=manifest.name, check_id=spec.check_id, title=spec.title, area=spec.area,
            required=spec.required, outcome=result_outcome, expected=expected,
            duration=round(self._durations.get(item.nodeid, report.duration), 4),
            nodeid=item.nodeid, message=message, reproduce=reproduce_command(item, manifest.name),
            known_failure=(KnownFailureRef(known.check_id, known.reason, known.link,
                                           known.expires.isoformat(), known.expired())
                           if known else None),
            flaky=bool(item.stash.get(FLAKY_KEY, False)))
        # A teardown failure after a passing call replaces that call's result.
        self.results = [r for r in self.results if r.nodeid != item.nodeid]
        self.results.append(record)
        self._write_so_far()

    def _own_raw_path(self) -> Path | None:
        """Where this process writes its results: the --harness-raw file, or its xdist
        worker's part of it."""
        target = self.config.getoption("harness_raw")
        if not target:
            return None
        path = Path(target)
        worker = getattr(self.config, "workerinput", {}).get("workerid")
        return path.with_name(f"{path.stem}-{worker}{path.suffix}") if worker else path

    def _write_so_far(self) -> None:
        # After every check: a worker killed later (Ctrl-C, a check that blocks in C code,
        # the connector timeout) still leaves every result it finished.
        path = self._own_raw_path()
        if path is not None:
            write_raw(path, self.runs())

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            spec, manifest = spec_of(item), manifest_of(item)
            if spec is not None and manifest is not None:
                self.selected.setdefault(manifest.name, []).append(spec.check_id)

    def runs(self) -> list[ConnectorRun]:
        from harness.scenarios.record import recorded

        by_connector: dict[str, ConnectorRun] = {}
        for result in self.results:
            run = by_connector.setdefault(result.connector, ConnectorRun(result.connector))
            run.results.append(result)
        for name, check_ids in self.selected.items():
            run = by_connector.setdefault(name, ConnectorRun(name))
            finished = {result.check_id for result in run.results}
            run.not_run = [check_id for check_id in check_ids if check_id not in finished]
        for name, problems in self.problems.items():
            by_connector.setdefault(name, ConnectorRun(name)).problems.extend(problems)
        for name, run in by_connector.items():
            run.scenarios = recorded(name)  # set by the PROP check (harness.scenarios.api)
        return [by_connector[name] for name in sorted(by_connector)]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for problems in self.problems.values():
            for problem in problems:
                terminalreporter.write_line(f"harness: {problem}", red=True)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if any(self.problems.values()) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        target = self.config.getoption("harness_raw")
        if not target:
            return
        path = Path(target)
        # Only `workerinput` tells an xdist worker: PYTEST_XDIST_WORKER is also inherited by a
        # session started from inside one (a worker process, a test of the harness), which
        # must still write its results.
        worker = getattr(self.config, "workerinput", {}).get("workerid")
        if worker:
            path = path.with_name(f"{path.stem}-{worker}{path.suffix}")
            write_raw(path, self.runs())
            return
        # The xdist controller runs no check itself; it finishes after its workers, so it
        # folds their files into the one the caller asked for.
        runs = self.runs()
        parts = sorted(path.parent.glob(f"{path.stem}-gw*{path.suffix}"))
        for part in parts:
            runs.extend(read_raw(part))
        write_raw(path, merge_runs(runs))
        for part in parts:
            part.unlink()


def merge_runs(runs: list[ConnectorRun]) -> list[ConnectorRun]:
    """One run per connector: results of the same connector from several workers joined."""
    merged: dict[str, ConnectorRun] = {}
    for run in runs:
        into = merged.get(run.connector)
        if into is None:
            merged[run.connector] = run
            continue
        into.results.extend(run.results)
        into.scenarios = into.scenarios or run.scenarios
        into.problems = list(dict.fromkeys([*into.problems, *run.problems]))
    return [merged[name] for name in sorted(merged)]


LOGGED_KEY = pytest.StashKey[list[str]]()


def _message(report: pytest.TestReport, logged: list[str]) -> str:
    """One readable first line (what failed and its logged root cause), then pytest's whole
    crash message for whoever wants the details."""
    if report.passed:
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    reason = getattr(report, "wasxfail", "") or ""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        detail = str(crash.message).strip()
    else:
        lines = str(report.longrepr or "").strip().splitlines()
        detail = lines[-1] if lines else ""
    line = with_root_cause(detail, logged if report.when == "call" else [])
    if reason:
        line = f"{reason}: {line}"
    text = line if detail in ("", line) else f"{line}\n{detail}"
    return text[:4000]


def reproduce_command(item: pytest.Item, connector: str) -> str:
    """The command that runs this one check again, for reports and failure messages."""
    return f"pytest {shlex.quote(item.nodeid)} --connector {connector}"
