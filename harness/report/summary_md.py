"""summary.md: a Markdown summary for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from harness.report.not_judged import not_judged
from harness.report.run_info import RunInfo, iso
from harness.results import CheckResult, ConnectorRun, Outcome
from harness.status import ConnectorStatus, Status, check_status, first_line

EMOJI = {Status.GREEN: "🟢", Status.YELLOW: "🟡", Status.RED: "🔴"}
# GitHub caps a step summary at 1 MiB: list this many problem checks per connector at most.
MAX_LISTED = 25


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _coverage(run: ConnectorRun) -> str:
    if run.coverage is None:
        return "n/a"
    text = f"{run.coverage.percent:.1f} %"
    if run.coverage.diff_percent is not None:
        text += f" (diff {run.coverage.diff_percent:.1f} %)"
    return text


def _problem_rank(result: CheckResult) -> int:
    status = check_status(result)
    return 2 - status.rank if status is not None and status is not Status.GREEN else 3


def _problem_line(result: CheckResult) -> str:
    status = check_status(result)
    emoji = EMOJI[status] if status else "⚪"
    if result.outcome is Outcome.PASS:
        what = "flaky (passed on a rerun)" if not result.unexpected else "unexpected pass"
    elif result.outcome is Outcome.SKIP:
        what = "skipped without a reason"
    elif result.unexpected:
        what = f"{result.outcome.value}, unexpected"
    else:
        expires = result.known_failure.expires if result.known_failure else "?"
        what = f"known failure, expires {expires}"
    line = f"- {emoji} **{result.check_id}** {result.title} ({what})"
    message = first_line(result.message)
    if message:
        line += f": {message}"
    return line


def _details(run: ConnectorRun, status: ConnectorStatus) -> list[str]:
    lines = [f"### {EMOJI[status.status]} {run.connector}", ""]
    lines += [f"- {reason}" for reason in status.reasons]
    problems = sorted(
        (r for r in run.results if check_status(r) not in (None, Status.GREEN)),
        key=_problem_rank,
    )
    if problems:
        lines += ["", "Checks to look at:", ""]
    for result in problems[:MAX_LISTED]:
        lines.append(_problem_line(result))
        if result.reproduce:
            lines += ["", "  ```bash", f"  {result.reproduce}", "  ```"]
    if len(problems) > MAX_LISTED:
        lines.append(f"- … and {len(problems) - MAX_LISTED} more: see status.json")
    if run.scenarios is not None and not run.scenarios.passed and run.scenarios.minimal_steps:
        lines += ["", f"Minimal failing sequence (seed {run.scenarios.seed}):", "", "```text"]
        lines += list(run.scenarios.minimal_steps)
        lines.append("```")
    lines.append("")
    return lines


def _not_judged(runs: Sequence[ConnectorRun]) -> list[str]:
    """What each connector's run did not judge (green ones too: a badge does not say)."""
    lines = []
    for run in runs:
        found = not_judged(run.results, run.standard)
        if found:
            lines.append(f"- **{run.connector}**: " + " · ".join(u.describe() for u in found))
    if not lines:
        return []
    return ["Not judged (checks skipped because the connector declares no capability they "
            "need):", "", *lines, ""]


def render_summary(
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
    info: RunInfo,
    gate_failures: Sequence[str] = (),
) -> str:
    """The whole summary.md text."""
    by_name = {run.connector: run for run in runs}
    lines = [
        "## Connector harness",
        "",
        f"Standard {info.standard_version} · harness {info.harness_version} · "
        f"commit `{info.commit[:12]}` · {iso(info.started)} · {info.duration:.1f} s",
        "",
    ]
    if not info.complete:
        lines += ["> ⚠️ **Run incomplete**: it was interrupted; some checks did not run.", ""]
    for failure in gate_failures:
        lines += [f"> ❌ Gate failed: {failure}", ""]
    lines += [
        "| Connector | Status | Checks passed/failed/known | Coverage | Reasons |",
        "|---|:---:|---:|---:|---|",
    ]
    for status in statuses:
        run = by_name[status.connector]
        reasons = "<br>".join(cell(reason) for reason in status.reasons) or "—"
        lines.append(
            f"| {cell(status.connector)} | {EMOJI[status.status]} {status.status.value} "
            f"| {status.passed}/{status.failed}/{status.known} of {status.ran} "
            f"| {_coverage(run)} | {reasons} |"
        )
    lines.append("")
    lines += _not_judged(runs)
    for status in statuses:
        if status.status is not Status.GREEN:
            lines += _details(by_name[status.connector], status)
    return "\n".join(lines).rstrip("\n") + "\n"
