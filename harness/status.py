"""Green, yellow or red: the one verdict per connector, computed once from all its results.

- red: a required check failed unexpectedly (an expired known failure that still fails counts),
  a property invariant was violated, the connector could not load, or its run was incomplete.
- yellow: it works, but with known failures, failing optional checks, flaky checks, unexpected
  passes, unexplained skips, coverage under the threshold (or not measured), or without a
  capability its standard requires (the checks that need it were not judged).
- green: everything else.

Every status carries its reasons in words; the exit code of `harness run` comes from here, not
from a reporter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from harness.coverage_gate import COVERAGE_THRESHOLD, DIFF_COVERAGE_THRESHOLD
from harness.results import CheckResult, ConnectorRun, Outcome
from harness.standard.capabilities import required_capabilities, undeclared_in

# Reasons are one line each; a traceback's tail belongs in the per-check message, not here.
# Long enough for a failure and the root cause the connector logged.
MAX_REASON_MESSAGE = 320
# Said as a reason, but it lowers nothing: a connector without a double cannot run them.
NO_SCENARIOS_REASON = "property scenarios not run: the connector has no exchange double"
PARTIAL_REASON = "partial run: only the selected checks ran; coverage and scenarios not judged"


class Status(str, Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def rank(self) -> int:
        """0 for green, 1 for yellow, 2 for red: `max(..., key=rank)` is the worst."""
        return _RANK[self]


_RANK = {Status.GREEN: 0, Status.YELLOW: 1, Status.RED: 2}


def worst(statuses: Iterable[Status]) -> Status | None:
    """The worst of some statuses, or None when there are none."""
    return max(statuses, key=lambda status: status.rank, default=None)


@dataclass(frozen=True)
class ConnectorStatus:
    connector: str
    status: Status
    reasons: tuple[str, ...]
    total: int = 0
    passed: int = 0
    failed: int = 0  # unexpected failures and errors, required or not
    known: int = 0  # failures a current known failure expects
    skipped: int = 0
    flaky: int = 0
    unexpected_passes: int = 0
    coverage_percent: float | None = None
    # Skipped for lack of a capability the standard requires (also counted in `skipped`).
    not_judged: int = 0

    @property
    def ran(self) -> int:
        """Checks that ran (everything but skips)."""
        return self.total - self.skipped

    @property
    def badge_message(self) -> str:
        """What a badge says, e.g. "green 42/42"."""
        return f"{self.status.value} {self.passed}/{self.ran}"


def first_line(text: str, limit: int = MAX_REASON_MESSAGE) -> str:
    """The first non-empty line of a message, cut to `limit` characters."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def check_status(result: CheckResult) -> Status | None:
    """The status one check result contributes; None for a skip that has a reason."""
    if result.outcome is Outcome.SKIP:
        return Status.YELLOW if result.unexpected else None
    if result.outcome is Outcome.PASS:
        return Status.YELLOW if result.unexpected or result.flaky else Status.GREEN
    if result.unexpected:
        return Status.RED if result.required else Status.YELLOW
    return Status.YELLOW  # failed as a current known failure expects


def _is_known_failure(result: CheckResult) -> bool:
    return result.outcome in (Outcome.FAIL, Outcome.ERROR) and not result.unexpected


def _failure_reason(result: CheckResult) -> str:
    verb = "errored" if result.outcome is Outcome.ERROR else "failed"
    message = first_line(result.message) or "no message"
    known = result.known_failure
    if known is not None and known.expired:
        return (
            f"{result.check_id} still {verb} and its known failure expired {known.expires}: "
            f"{message}"
        )
    if not result.required:
        return f"{result.check_id} (optional) {verb}: {message}"
    return f"{result.check_id} {verb} unexpectedly: {message}"


def _pass_reason(result: CheckResult) -> str:
    if result.known_failure is not None:
        return (
            f"{result.check_id} passed but is listed as a known failure: "
            "remove it from connector.toml"
        )
    return f"{result.check_id} passed but was expected to {result.expected.value}"


def _known_reason(known: list[CheckResult]) -> str:
    items = []
    for result in known:
        ref = result.known_failure
        items.append(f"{result.check_id} (expires {ref.expires})" if ref else result.check_id)
    noun = "known failure" if len(known) == 1 else "known failures"
    return f"{len(known)} {noun}: " + ", ".join(_unique(items))


def _interrupted_reason(run: ConnectorRun) -> str:
    if not run.results:
        return "interrupted before any of its checks finished"
    return (f"interrupted: {len(run.not_run)} of {len(run.results) + len(run.not_run)} checks "
            "not run")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _lacking_required(run: ConnectorRun) -> tuple[list[str], list[CheckResult]]:
    """The required capabilities the connector does not declare (as its skipped checks say),
    and the checks skipped for want of them."""
    required = required_capabilities(run.standard)
    lacking: list[str] = []
    not_judged: list[CheckResult] = []
    for result in run.results:
        if result.outcome is not Outcome.SKIP:
            continue
        missing = [name for name in undeclared_in(result.message) if name in required]
        if missing:
            lacking.extend(missing)
            not_judged.append(result)
    return sorted(set(lacking)), not_judged


SCENARIO_CHECK = "PROP-LIFE-1"
"""The check whose run is `ConnectorRun.scenarios`: a known failure of it covers their failure."""


def compute_status(
    run: ConnectorRun,
    *,
    coverage_threshold: float = COVERAGE_THRESHOLD,
    diff_threshold: float = DIFF_COVERAGE_THRESHOLD,
) -> ConnectorStatus:
    """Judge one connector from everything its run learned.

    >>> compute_status(ConnectorRun("x", load_error="ImportError: no module y")).status
    <Status.RED: 'red'>
    """
    red: list[str] = []
    yellow: list[str] = []
    notes: list[str] = []  # said, but lowering nothing
    if run.load_error:
        red.append(f"could not load: {first_line(run.load_error)}")
    red.extend(first_line(problem, 400) for problem in run.problems)
    judged_whole = not run.partial and not run.interrupted
    if run.interrupted:
        yellow.append(_interrupted_reason(run))
    if run.incomplete:
        red.append("run incomplete: not every check ran (interrupted or timed out)")
    results = run.results
    if not results and not run.load_error and not run.incomplete and not run.interrupted:
        red.append("no check ran for it")

    known = [r for r in results if _is_known_failure(r)]
    flaky = [r for r in results if r.outcome is Outcome.PASS and r.flaky and not r.unexpected]
    for result in results:
        status = check_status(result)
        if result.outcome in (Outcome.FAIL, Outcome.ERROR) and result.unexpected:
            (red if status is Status.RED else yellow).append(_failure_reason(result))
        elif result.outcome is Outcome.PASS and result.unexpected:
            yellow.append(_pass_reason(result))
        elif result.outcome is Outcome.SKIP and result.unexpected:
            yellow.append(f"{result.check_id} was skipped without a reason")
    if known:
        yellow.append(_known_reason(known))
    if flaky:
        ids = ", ".join(_unique(r.check_id for r in flaky))
        noun = "flaky check" if len(flaky) == 1 else "flaky checks"
        yellow.append(f"{len(flaky)} {noun} passed only on a rerun: {ids}")
    lacking, not_judged = _lacking_required(run)
    if lacking:
        noun = "check" if len(not_judged) == 1 else "checks"
        yellow.append(f"lacks capabilities the {run.standard} standard requires: "
                      f"{', '.join(lacking)}; {len(not_judged)} {noun} not judged: "
                      f"{', '.join(_unique(r.check_id for r in not_judged))}")
    ran = [r for r in results if r.outcome is not Outcome.SKIP]
    if results and not ran and not run.interrupted:
        yellow.append(f"all {len(results)} checks were skipped")

    scenarios = run.scenarios
    if run.partial:
        notes.append(PARTIAL_REASON)
    if scenarios is None:
        # Say why only when it is known: a connector that did not load, or a partial run,
        # is no evidence that the connector lacks an exchange double.
        property_results = [r for r in results if r.check_id.startswith("PROP-LIFE")]
        if not run.load_error and judged_whole and all(
                r.outcome is Outcome.SKIP for r in property_results):
            notes.append(NO_SCENARIOS_REASON)
    elif not scenarios.passed and SCENARIO_CHECK not in {r.check_id for r in known}:
        detail = first_line(scenarios.failure) or "see the minimal failing sequence"
        red.append(f"property invariant violated (seed {scenarios.seed}): {detail}")

    coverage = run.coverage if judged_whole else None
    if coverage is None:
        if not run.load_error and judged_whole:
            yellow.append("coverage not measured")
    else:
        if not coverage.gated:
            notes.append(f"coverage not gated ({coverage.exemption}); the checks ran "
                         f"{coverage.line_rate * 100:.1f} % of the lines measured instead")
        elif coverage.percent < coverage_threshold:
            yellow.append(f"coverage {coverage.percent:.1f} % < {coverage_threshold:g} %")
        if coverage.diff_percent is not None and coverage.diff_percent < diff_threshold:
            yellow.append(
                f"diff coverage {coverage.diff_percent:.1f} % < {diff_threshold:g} % "
                "of changed lines"
            )

    status = Status.RED if red else Status.YELLOW if yellow else Status.GREEN
    return ConnectorStatus(
        connector=run.connector,
        status=status,
        reasons=tuple(_unique([*red, *yellow, *notes])),
        total=len(results),
        passed=sum(1 for r in results if r.outcome is Outcome.PASS),
        failed=sum(
            1 for r in results if r.outcome in (Outcome.FAIL, Outcome.ERROR) and r.unexpected
        ),
        known=len(known),
        skipped=len(results) - len(ran),
        not_judged=len(not_judged),
        flaky=len(flaky),
        unexpected_passes=sum(1 for r in results if r.outcome is Outcome.PASS and r.unexpected),
        coverage_percent=coverage.percent if coverage else None,
    )


def compute_statuses(runs: Iterable[ConnectorRun]) -> list[ConnectorStatus]:
    """One status per connector, in connector-name order."""
    return [compute_status(run) for run in sorted(runs, key=lambda run: run.connector)]


def exit_code(statuses: Sequence[ConnectorStatus], gates_failed: bool | Sequence[str]) -> int:
    """The exit code of a run: 1 if any connector is red or a gate failed, else 0.

    `gates_failed` is either a flag or the list of gate failure messages.
    """
    if bool(gates_failed) or any(status.status is Status.RED for status in statuses):
        return 1
    return 0


def one_line_per_connector(statuses: Sequence[ConnectorStatus]) -> list[str]:
    """Terminal summary lines, e.g. `binance  RED     40/42 passed  1 failed  ...`."""
    width = max((len(status.connector) for status in statuses), default=0)
    lines = []
    for status in statuses:
        coverage = (
            f"coverage {status.coverage_percent:.1f} %"
            if status.coverage_percent is not None
            else "coverage n/a"
        )
        counts = (
            f"{status.passed}/{status.ran} passed, {status.failed} failed, {status.known} known"
        )
        label = status.status.value.upper()
        line = f"{status.connector:<{width}}  {label:<6}  {counts}, {coverage}"
        problems = [r for r in status.reasons if r not in (NO_SCENARIOS_REASON, PARTIAL_REASON)]
        if status.status is not Status.GREEN and problems:
            line += f" - {problems[0]}"
            if len(problems) > 1:
                line += f" (+{len(problems) - 1} more)"
        lines.append(line)
    return lines


__all__ = [
    "NO_SCENARIOS_REASON",
    "PARTIAL_REASON",
    "ConnectorStatus",
    "Status",
    "check_status",
    "compute_status",
    "compute_statuses",
    "exit_code",
    "first_line",
    "one_line_per_connector",
    "worst",
]
