"""status.json: the machine-readable report (schema in status.schema.json, shipped with it).

Readers should check `schema_version`; fields are only ever added within one version.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from harness.coverage_gate import COVERAGE_THRESHOLD, DIFF_COVERAGE_THRESHOLD
from harness.report.run_info import RunInfo
from harness.results import CheckResult, ConnectorRun
from harness.status import ConnectorStatus, Status, check_status, exit_code

SCHEMA_VERSION = 1
SCHEMA_NAME = "status.schema.json"
SKIP = "skip"  # the status of a check skipped with a reason: it says nothing either way


def load_schema() -> dict[str, Any]:
    """The JSON schema of status.json, from the package data."""
    text = resources.files("harness.report").joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def check_status_value(result: CheckResult) -> str:
    """green, yellow, red, or skip: the colour one check shows on the dashboard."""
    status = check_status(result)
    return status.value if status is not None else SKIP


def check_json(result: CheckResult) -> dict[str, Any]:
    known = result.known_failure
    return {
        "check_id": result.check_id,
        "title": result.title,
        "area": result.area,
        "required": result.required,
        "status": check_status_value(result),
        "outcome": result.outcome.value,
        "expected": result.expected.value,
        "unexpected": result.unexpected,
        "flaky": result.flaky,
        "duration": round(result.duration, 4),
        "message": result.message,
        "reproduce": result.reproduce,
        "nodeid": result.nodeid,
        "known_failure": None
        if known is None
        else {
            "reason": known.reason,
            "link": known.link,
            "expires": known.expires,
            "expired": known.expired,
        },
    }


def connector_json(run: ConnectorRun, status: ConnectorStatus) -> dict[str, Any]:
    coverage = None
    if run.coverage is not None:
        coverage = {
            "line_rate": run.coverage.line_rate,
            "branch_rate": run.coverage.branch_rate,
            "percent": run.coverage.percent,
            "diff_percent": run.coverage.diff_percent,
            "threshold": COVERAGE_THRESHOLD,
            "diff_threshold": DIFF_COVERAGE_THRESHOLD,
            "missing": {name: list(lines) for name, lines in sorted(run.coverage.missing.items())},
            # false: the manifest turned the gate off; `exemption` says why ([coverage])
            "gated": run.coverage.gated,
            "exemption": run.coverage.exemption,
        }
    scenarios = None
    if run.scenarios is not None:
        scenarios = {  # field by field: a field added to ScenarioResult is a schema change
            "passed": run.scenarios.passed,
            "examples": run.scenarios.examples,
            "seed": run.scenarios.seed,
            "failure": run.scenarios.failure,
            "minimal_steps": list(run.scenarios.minimal_steps),
            "regression_cassette": run.scenarios.regression_cassette,
        }
    return {
        "status": status.status.value,
        "reasons": list(status.reasons),
        "standard": run.standard,
        "exchange": run.exchange_name,
        "version": run.version,
        "load_error": run.load_error,
        "incomplete": run.incomplete,
        "counts": {
            "total": status.total,
            "passed": status.passed,
            "failed": status.failed,
            "known": status.known,
            "skipped": status.skipped,
            "not_judged": status.not_judged,
            "flaky": status.flaky,
            "unexpected_passes": status.unexpected_passes,
        },
        "checks": [check_json(result) for result in run.results],
        "coverage": coverage,
        "scenarios": scenarios,
    }


def build_status(
    runs: Sequence[ConnectorRun],
    statuses: Sequence[ConnectorStatus],
    info: RunInfo,
    gate_failures: Sequence[str] = (),
) -> dict[str, Any]:
    """The status.json document (a dict ready for json.dumps)."""
    by_name = {status.connector: status for status in statuses}
    counts = {status.value: 0 for status in Status}
    for status in statuses:
        counts[status.status.value] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "run": info.to_json(),
        "summary": {
            "connectors": len(statuses),
            **counts,
            "exit_code": exit_code(statuses, gate_failures),
        },
        "gate_failures": list(gate_failures),
        "connectors": {
            run.connector: connector_json(run, by_name[run.connector])
            for run in sorted(runs, key=lambda run: run.connector)
        },
    }


def render_status(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
