"""The one stream of results: what the plugin records per check, what every reporter reads.

A result is judged by what was unexpected (as web-platform-tests does): each carries the
outcome that was expected of it, so a known failure does not hide a new one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


class Expectation(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class KnownFailureRef:
    check_id: str
    reason: str
    link: str
    expires: str
    expired: bool


@dataclass(frozen=True)
class CheckResult:
    connector: str
    check_id: str
    title: str
    area: str
    required: bool
    outcome: Outcome
    expected: Expectation
    duration: float
    nodeid: str
    message: str = ""
    reproduce: str = ""
    known_failure: KnownFailureRef | None = None
    flaky: bool = False

    @property
    def unexpected(self) -> bool:
        if self.outcome is Outcome.SKIP:
            return self.expected is not Expectation.SKIP and not self.message
        if self.known_failure is not None and self.known_failure.expired:
            return True
        actual = Expectation.PASS if self.outcome is Outcome.PASS else Expectation.FAIL
        return actual is not self.expected

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["expected"] = self.expected.value
        data["unexpected"] = self.unexpected
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        known = data.get("known_failure")
        return cls(
            connector=data["connector"],
            check_id=data["check_id"],
            title=data["title"],
            area=data["area"],
            required=data["required"],
            outcome=Outcome(data["outcome"]),
            expected=Expectation(data["expected"]),
            duration=float(data["duration"]),
            nodeid=data["nodeid"],
            message=data.get("message", ""),
            reproduce=data.get("reproduce", ""),
            known_failure=KnownFailureRef(**known) if known else None,
            flaky=bool(data.get("flaky", False)),
        )


@dataclass(frozen=True)
class ScenarioResult:
    """Outcome of the property-based lifecycle scenarios for one connector."""

    connector: str
    passed: bool
    examples: int
    seed: str
    failure: str = ""
    minimal_steps: tuple[str, ...] = ()
    regression_cassette: str = ""


@dataclass(frozen=True)
class CoverageResult:
    connector: str
    line_rate: float
    branch_rate: float
    percent: float
    diff_percent: float | None = None
    missing: dict[str, list[int]] = field(default_factory=dict)
    # False when the manifest exempts the connector from the gate ([coverage] gate = false):
    # `percent` then measures the library code the manifest names, reported but not gated.
    gated: bool = True
    exemption: str = ""


@dataclass
class ConnectorRun:
    """Everything one run learned about one connector."""

    connector: str
    standard: str = "spot"
    load_error: str = ""
    results: list[CheckResult] = field(default_factory=list)
    coverage: CoverageResult | None = None
    scenarios: ScenarioResult | None = None
    incomplete: bool = False
    exchange: str = ""  # which exchange it implements (manifest); "" = its own name
    version: str = ""  # the connector's version: a digest of its folder (harness.identity)

    @property
    def exchange_name(self) -> str:
        return self.exchange or self.connector
    # Problems of its configuration or data found while running it (a known failure naming no
    # check, a secret in a cassette): each one line naming the file and place, each red.
    problems: list[str] = field(default_factory=list)
    # Only a selection of its checks ran (`-k`, a node id, --scenario): coverage and the
    # property scenarios are not judged.
    partial: bool = False
    # The run was interrupted (Ctrl-C): what finished is kept, `not_run` lists the check ids
    # that were selected but had not finished. Not red: nothing failed.
    interrupted: bool = False
    not_run: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "standard": self.standard,
            "load_error": self.load_error,
            "results": [result.to_json() for result in self.results],
            "coverage": asdict(self.coverage) if self.coverage else None,
            "scenarios": asdict(self.scenarios) if self.scenarios else None,
            "incomplete": self.incomplete,
            "exchange": self.exchange,
            "version": self.version,
            "problems": list(self.problems),
            "partial": self.partial,
            "interrupted": self.interrupted,
            "not_run": list(self.not_run),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectorRun:
        coverage = data.get("coverage")
        scenarios = data.get("scenarios")
        if scenarios:
            scenarios = dict(scenarios, minimal_steps=tuple(scenarios.get("minimal_steps", ())))
        return cls(
            connector=data["connector"],
            standard=data.get("standard", "spot"),
            load_error=data.get("load_error", ""),
            results=[CheckResult.from_json(item) for item in data.get("results", [])],
            coverage=CoverageResult(**coverage) if coverage else None,
            scenarios=ScenarioResult(**scenarios) if scenarios else None,
            incomplete=bool(data.get("incomplete", False)),
            exchange=str(data.get("exchange", "")),
            version=str(data.get("version", "")),
            problems=[str(problem) for problem in data.get("problems", [])],
            partial=bool(data.get("partial", False)),
            interrupted=bool(data.get("interrupted", False)),
            not_run=[str(check_id) for check_id in data.get("not_run", [])],
        )


def write_raw(path: Path, runs: list[ConnectorRun]) -> None:
    """Write raw results atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps([run.to_json() for run in runs], indent=1, sort_keys=True))
    tmp.replace(path)


def read_raw(path: Path) -> list[ConnectorRun]:
    return [ConnectorRun.from_json(item) for item in json.loads(path.read_text())]
