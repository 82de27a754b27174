"""Scenario results of this process, for the result stream.

The PROP check records the ScenarioResult of each connector here; `harness.recording`
attaches it to that connector's ConnectorRun (run.scenarios), which the raw results, the
status and every reporter read. One pytest process, one dict: xdist workers each write
their own raw file, and the check of a connector runs in one of them.
"""

from __future__ import annotations

from harness.results import ScenarioResult

_RECORDED: dict[str, ScenarioResult] = {}


def record(result: ScenarioResult) -> None:
    """Keep `result` for its connector (a later run of the same connector replaces it)."""
    _RECORDED[result.connector] = result


def recorded(connector: str) -> ScenarioResult | None:
    return _RECORDED.get(connector)


def clear() -> None:
    _RECORDED.clear()
