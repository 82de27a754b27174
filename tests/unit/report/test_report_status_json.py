"""status.json: content, and validation against the schema shipped in the package."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from report_factory import COMMIT, run_info, three_runs

from harness.report.status_json import SCHEMA_VERSION, build_status, load_schema, render_status
from harness.status import compute_statuses


def document(gates: tuple[str, ...] = ()) -> dict[str, Any]:
    runs = three_runs()
    return build_status(runs, compute_statuses(runs), run_info(), gates)


def test_status_json_validates_against_the_packaged_schema() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads(render_status(document(("gamma: diff coverage 10.0 % < 80 %",))))
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_status_json_content() -> None:
    doc = document()
    assert doc["schema_version"] == SCHEMA_VERSION == 1
    run = doc["run"]
    assert (
        run["started"] == "2026-11-05T10:00:00Z" and run["finished"] == "2026-11-05T10:00:42.500Z"
    )
    assert run["commit"] == COMMIT and run["complete"] is True and run["duration"] == 42.5
    assert run["standard_version"] == "1.0.0" and run["seed"] == "12345"
    assert doc["summary"] == {"connectors": 3, "green": 1, "yellow": 1, "red": 1, "exit_code": 1}
    gamma = doc["connectors"]["gamma"]
    assert gamma["status"] == "red"
    assert gamma["reasons"][0].startswith("SPOT-ORD-3 failed unexpectedly")
    failing = next(c for c in gamma["checks"] if c["check_id"] == "SPOT-ORD-3")
    assert failing["outcome"] == "fail" and failing["expected"] == "pass"
    assert failing["unexpected"] is True and failing["status"] == "red"
    assert failing["reproduce"] == "harness run gamma -k SPOT-ORD-3"
    assert gamma["scenarios"]["seed"] == "12345" and gamma["scenarios"]["examples"] == 200
    assert gamma["scenarios"]["minimal_steps"] == ["place_limit(BUY, 1)", "cancel(#1)"]
    beta = doc["connectors"]["beta"]
    assert beta["scenarios"] is None
    assert beta["coverage"]["percent"] == 74.25 and beta["coverage"]["threshold"] == 80.0
    known = next(c for c in beta["checks"] if c["check_id"] == "SPOT-OB-4")
    assert known["status"] == "yellow" and known["unexpected"] is False
    assert known["known_failure"]["expires"] == "2027-01-31"
    skipped = next(c for c in beta["checks"] if c["check_id"] == "SPOT-ORD-9")
    assert skipped["status"] == "skip"
    assert beta["counts"] == {
        "total": 4,
        "passed": 2,
        "failed": 0,
        "known": 1,
        "skipped": 1,
        "not_judged": 0,
        "flaky": 1,
        "unexpected_passes": 0,
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), 2),
        (("run", "started"), "2026-11-05 10:00"),
        (("run", "commit"), "not-a-sha"),
        (("connectors", "gamma", "status"), "orange"),
        (("connectors", "gamma", "checks", 0, "outcome"), "passed"),
        (("connectors", "beta", "coverage", "percent"), 101),
    ],
)
def test_schema_rejects_a_broken_document(path: tuple[Any, ...], value: Any) -> None:
    doc = copy.deepcopy(document())
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, load_schema(), cls=jsonschema.Draft202012Validator)


def test_schema_rejects_an_unknown_field() -> None:
    doc = document()
    doc["connectors"]["alpha"]["colour"] = "green"
    with pytest.raises(jsonschema.ValidationError, match="colour"):
        jsonschema.validate(doc, load_schema())
