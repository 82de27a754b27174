"""docs/cassettes.md's JSON Schema and the pure-Python validator agree (jsonschema: dev only)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cassette_samples import sample_doc

from harness.cassette.validate import validate_document

jsonschema = pytest.importorskip("jsonschema")
DOC = Path(__file__).parents[3] / "docs" / "cassettes.md"


def documented_schema() -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Schema", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "docs/cassettes.md lost its schema block"
    return json.loads(block.group(1))


def schema_ok(doc: Any) -> bool:
    validator = jsonschema.Draft202012Validator(documented_schema())
    return not list(validator.iter_errors(doc))


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(documented_schema())


def _break(path: str, value: Any) -> dict[str, Any]:
    doc = sample_doc()
    *parents, last = path.split("/")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return doc


BROKEN = [
    ("version", 2), ("meta/source", "hearsay"), ("meta/date", "yesterday"), ("meta/extra", 1),
    ("meta/fault", ["fill_before_ak"]), ("meta/fault", []), ("meta/fault", "overfill"),
    ("meta/connector", KeyError), ("http/version", 3),
    ("http/interactions/0/request/method", "get"),
    ("http/interactions/0/request/uri", "/relative"),
    ("http/interactions/0/response/status/code", 700),
    ("http/interactions/0/harness/fault", "explode"),
    ("http/interactions/0/harness/repeat", "yes"),
    ("ws/0/url", "https://x.com/ws"), ("ws/0/frames/0/dir", "up"),
    ("ws/0/frames/0/close", {"code": 1000}),
    ("ws/0/frames/1/match", {"mode": "subset"}),
    ("ws/0/frames/1/after", {"client": 0, "http": "new-order"}),
    ("ws/0/frames/1/after", {"delay": -1}),
    ("ws/0/frames/4/close", {"code": 999}),
    ("ws/0/frames/4/fault", "reset"),
]


def test_the_sample_passes_both() -> None:
    assert schema_ok(sample_doc()) and validate_document(sample_doc()) == []
    labelled = _break("meta/fault", ["fill_before_ack", "garbage_frame"])
    assert schema_ok(labelled) and validate_document(labelled) == []


@pytest.mark.parametrize(("path", "value"), BROKEN)
def test_both_reject_the_same_mistakes(path: str, value: Any) -> None:
    doc = _break(path, value)
    assert not schema_ok(doc)
    assert validate_document(doc) != []
