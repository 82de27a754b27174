"""Validation: each kind of mistake gives one line naming the location and the fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from cassette_samples import sample_doc

from harness.cassette.format import Direction, Fault, FrameKind, MatchMode, Source, to_document
from harness.cassette.loader import (
    CassetteError,
    CassetteNotFound,
    cassette_from_document,
    dump_cassette,
    load_cassette,
)
from harness.cassette.validate import Problem, format_problem, validate_document


def problems(doc: Any) -> list[str]:
    return [f"{p.location}: {p.message}" for p in validate_document(doc)]


def only_problem(doc: Any) -> str:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


def test_the_sample_is_valid() -> None:
    assert problems(sample_doc()) == []


def test_unknown_version_is_rejected_with_the_fix() -> None:
    doc = sample_doc()
    doc["version"] = 2
    line = only_problem(doc)
    assert line.startswith("version: unsupported cassette format version 2")
    assert "reads version 1" in line


def test_missing_version_and_meta() -> None:
    doc = sample_doc()
    del doc["version"], doc["meta"]
    found = problems(doc)
    assert found[0] == "version: missing; add `version: 1` at the top"
    assert found[1].startswith("meta: missing; add a meta mapping with connector, scenario")


def test_not_a_mapping() -> None:
    assert only_problem(["a"]).startswith("(top): a cassette must be a YAML mapping")


def test_unknown_top_level_and_meta_keys() -> None:
    doc = sample_doc()
    doc["extra"] = 1
    doc["meta"]["colour"] = "red"
    found = problems(doc)
    assert "extra: unknown key; allowed keys here are version, meta, http, ws" in found
    assert any(line.startswith("meta.colour: unknown key") for line in found)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("source", "hearsay", "meta.source: must be one of recorded-live, documented-example,"
                          " generated, got 'hearsay'"),
    ("date", "21/11/2026", "meta.date: must be a date YYYY-MM-DD, got '21/11/2026'"),
    ("standard_version", 1.0, 'meta.standard_version: must be a non-empty string, got float'
                              ' (quote it: "1.0.0")'),
    ("scrubbed", "signature", "meta.scrubbed: must be a list of the field/header names"),
    ("description", "two\nlines", "meta.description: must be one line of text"),
    ("inputs", ["a"], "meta.inputs: must be a mapping of name: value"),
])
def test_meta_fields(key: str, value: Any, expected: str) -> None:
    doc = sample_doc()
    doc["meta"][key] = value
    assert only_problem(doc).startswith(expected)


def test_missing_meta_field() -> None:
    doc = sample_doc()
    del doc["meta"]["scenario"]
    assert only_problem(doc) == "meta.scenario: missing; it is required"


def test_yaml_date_object_is_accepted() -> None:
    doc = sample_doc()
    doc["meta"]["date"] = dt.date(2026, 11, 21)
    assert problems(doc) == []
    assert cassette_from_document(doc).meta.date == "2026-11-21"


def test_status_code_location_is_precise() -> None:
    doc = sample_doc()
    doc["http"]["interactions"][1]["response"]["status"]["code"] = "200"
    assert only_problem(doc) == ("http.interactions[1].response.status.code: must be an HTTP"
                                 " status code 100-599, got '200'")


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda i: i["request"].update(method="get"),
     "http.interactions[0].request.method: must be an upper-case HTTP method"),
    (lambda i: i["request"].update(uri="/api/v3/time"),
     "http.interactions[0].request.uri: must be an absolute URL with scheme http or https"),
    (lambda i: i["request"].update(body=5),
     "http.interactions[0].request.body: must be null, a string, or a mapping"),
    (lambda i: i["request"].update(headers={"X-Count": [5]}),
     "http.interactions[0].request.headers.X-Count: header values must be strings"),
    (lambda i: i["response"].update(body={"string": {"a": 1}}),
     "http.interactions[0].response.body.string: must be a string (quote JSON bodies"),
    (lambda i: i["response"].update(body="{}"),
     "http.interactions[0].response.body: must be a mapping"),
    (lambda i: i["response"]["status"].update(message=200),
     "http.interactions[0].response.status.message: must be a string"),
    (lambda i: i.pop("response"),
     "http.interactions[0].response: missing; every interaction needs a request and a response"),
    (lambda i: i["harness"].update(repeat="yes"),
     "http.interactions[0].harness.repeat: must be true or false, got 'yes'"),
    (lambda i: i["harness"].update(optional=1),
     "http.interactions[0].harness.optional: must be true or false, got 1"),
    (lambda i: i["harness"].update(fault="explode"),
     "http.interactions[0].harness.fault: must be one of timeout, reset, got 'explode'"),
    (lambda i: i["harness"].update(colour=1),
     "http.interactions[0].harness.colour: unknown key; allowed keys here are id, repeat,"
     " optional, fault"),
])
def test_interaction_errors(mutate: Any, expected: str) -> None:
    doc = sample_doc()
    mutate(doc["http"]["interactions"][0])
    assert only_problem(doc).startswith(expected)


def test_duplicate_ids() -> None:
    doc = sample_doc()
    doc["http"]["interactions"][0]["harness"]["id"] = "new-order"
    assert only_problem(doc).startswith(
        "http.interactions[1].harness.id: duplicate id 'new-order'")


def test_http_section_shape() -> None:
    doc = sample_doc()
    doc["http"] = {"version": 3, "interactions": {}}
    found = problems(doc)
    assert found[0] == "http.version: must be 1 (vcrpy's cassette format), got 3"
    assert found[1] == "http.interactions: must be a list of {request, response} mappings"


def frames_doc(*frames: dict[str, Any]) -> dict[str, Any]:
    doc = sample_doc()
    doc["ws"][0]["frames"] = list(frames)
    return doc


CLIENT = {"dir": "client", "json": {"op": "sub"}}


@pytest.mark.parametrize(("frames", "expected"), [
    ([{"dir": "up", "text": "x"}], "ws[0].frames[0].dir: must be client or server, got 'up'"),
    ([{"dir": "server"}], "ws[0].frames[0]: needs exactly one of json, text, close, fault;"
                          " found none"),
    ([{"dir": "server", "text": "a", "json": {}}], "ws[0].frames[0]: needs exactly one of"),
    ([{"dir": "client", "close": {}}], "ws[0].frames[0].close: a client frame carries json"),
    ([{"dir": "server", "text": 5}], "ws[0].frames[0].text: must be a string"),
    ([{"dir": "server", "close": {"code": 1006}}],
     "ws[0].frames[0].close.code: must be a WebSocket close code 1000-4999"),
    ([{"dir": "server", "fault": "timeout"}], "ws[0].frames[0].fault: the only WebSocket fault"),
    ([{"dir": "server", "close": {}}, {"dir": "server", "text": "late"}],
     "ws[0].frames[0]: a close frame ends the connection, so it must be the last frame"),
    ([{"dir": "server", "text": "a", "match": {"mode": "subset"}}],
     "ws[0].frames[0].match: only client frames are matched"),
    ([{"dir": "client", "text": "a", "match": {"mode": "subset"}}],
     "ws[0].frames[0].match: ignore/subset apply to json frames"),
    ([{"dir": "client", "json": {}, "match": {"mode": "fuzzy"}}],
     "ws[0].frames[0].match.mode: must be one of equal, subset, got 'fuzzy'"),
    ([{"dir": "client", "json": {}, "match": {"ignore": "id"}}],
     "ws[0].frames[0].match.ignore: must be a list of JSON key names"),
    ([{"dir": "client", "json": {}, "after": {"delay": 1}}],
     "ws[0].frames[0].after: only server frames have triggers"),
    ([CLIENT, {"dir": "server", "text": "a", "after": {"client": 1}}],
     "ws[0].frames[1].after.client: must be the index of an earlier client frame"),
    ([{"dir": "server", "text": "a"}, {"dir": "server", "text": "b", "after": {"client": 0}}],
     "ws[0].frames[1].after.client: must be the index of an earlier client frame"),
    ([{"dir": "server", "text": "a", "after": {"http": "nope"}}],
     "ws[0].frames[0].after.http: no HTTP interaction has harness.id 'nope' (known ids:"
     " new-order)"),
    ([{"dir": "server", "text": "a", "after": {"delay": -1}}],
     "ws[0].frames[0].after.delay: must be a number of seconds >= 0, got -1"),
    ([CLIENT, {"dir": "server", "text": "a", "after": {"client": 0, "http": "new-order"}}],
     "ws[0].frames[1].after: give either client or http, not both"),
    ([{"dir": "server", "text": "a", "after": {"when": 1}}],
     "ws[0].frames[0].after.when: unknown key; allowed keys here are client, http, delay"),
])
def test_frame_errors(frames: list[dict[str, Any]], expected: str) -> None:
    assert only_problem(frames_doc(*frames)).startswith(expected)


def test_ws_shape_errors() -> None:
    doc = sample_doc()
    doc["ws"] = [{"url": "https://x.com/ws", "frames": "none"}, "conn"]
    found = problems(doc)
    assert found[0].startswith("ws[0].url: must be an absolute URL with scheme ws or wss")
    assert found[1] == "ws[0].frames: must be a list of frames"
    assert found[2] == "ws[1]: must be a mapping (url and frames), got str"
    doc["ws"] = {"url": "x"}
    assert any(p.startswith("ws: must be a list of connections") for p in problems(doc))


def test_a_cassette_without_traffic() -> None:
    doc = sample_doc()
    del doc["http"], doc["ws"]
    assert only_problem(doc).startswith("(top): no traffic")


def test_format_problem_is_one_line() -> None:
    line = format_problem("cassettes/x/y.yaml", Problem("meta.date", "must be a date"))
    assert line == "cassettes/x/y.yaml: meta.date: must be a date"


def test_loader_builds_typed_records() -> None:
    cassette = cassette_from_document(sample_doc())
    assert cassette.meta.source is Source.DOCUMENTED_EXAMPLE
    assert cassette.meta.scrubbed == ("X-MBX-APIKEY", "signature")
    first, order = cassette.interactions
    assert first.repeat and first.id is None and first.fault is None
    assert order.id == "new-order" and order.response.body.startswith(b'{"symbol"')
    assert order.request.headers == {"X-MBX-APIKEY": ("SCRUBBED",)}
    frames = cassette.ws[0].frames
    assert frames[0].dir is Direction.CLIENT and frames[0].match.ignore == {"id"}
    assert frames[0].match.mode is MatchMode.EQUAL
    assert frames[1].after.client == 0
    assert frames[2].kind is FrameKind.TEXT and frames[2].after.delay == 0.01
    assert frames[3].after.http == "new-order"
    assert frames[4].kind is FrameKind.CLOSE and frames[4].value.code == 1001
    assert "'new-order'" in order.label and cassette.name == "binance/place_limit_buy"


def test_invalid_document_raises_one_line_per_problem(tmp_path: Path) -> None:
    doc = sample_doc()
    doc["version"] = 7
    doc["meta"]["source"] = "?"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: version: unsupported cassette format version 7")
    assert lines[1].startswith(f"{path}: meta.source: must be one of")


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(CassetteNotFound, match="cassette not found; record it with"):
        load_cassette(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nmeta: [unclosed\n")
    with pytest.raises(CassetteError) as info:
        load_cassette(bad)
    assert str(info.value).startswith(f"{bad}: line ")
    assert "invalid YAML" in str(info.value) and len(str(info.value).splitlines()) == 1


def test_dump_then_load_round_trips(tmp_path: Path) -> None:
    doc = sample_doc()
    doc["http"]["interactions"][1]["harness"]["fault"] = "reset"
    doc["http"]["interactions"][0]["response"]["body"]["string"] = b"\xff\x00binary"
    doc["ws"][0]["frames"][0]["match"]["mode"] = "subset"
    doc["meta"]["inputs"] = {"price": "30000"}
    cassette = cassette_from_document(doc)
    path = dump_cassette(cassette, tmp_path / "deep" / "x.yaml")
    again = load_cassette(path)
    assert again.interactions == cassette.interactions
    assert again.ws == cassette.ws
    assert again.meta == cassette.meta
    assert again.interactions[1].fault is Fault.RESET
    assert to_document(again) == to_document(cassette)


def test_plain_vcrpy_file_is_wrapped_with_meta_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "acme" / "ping.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump({"version": 1, "interactions": sample_doc()["http"]
                                    ["interactions"][:1]}))
    cassette = load_cassette(path)
    assert (cassette.meta.connector, cassette.meta.scenario) == ("acme", "ping")
    assert cassette.meta.source is Source.RECORDED_LIVE
    assert cassette.interactions[0].request.uri == "https://api.binance.com/api/v3/time"
