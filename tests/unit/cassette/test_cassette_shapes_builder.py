"""Shape comparison (fidelity tests) and the cassette builder (cassette generators)."""

from __future__ import annotations

from pathlib import Path

from harness.cassette.builder import Cassette, client, close, flow, server
from harness.cassette.format import SCRUBBED
from harness.cassette.loader import load_cassette
from harness.cassette.matchers import RequestView
from harness.cassette.shapes import json_type, shape_diff
from harness.double.clock import ms_clock
from harness.scenarios.regression import _scrubbed_keys


def test_shape_diff_finds_missing_keys_wrong_types_and_undeclared_keys() -> None:
    recorded = {"a": "1.00000000", "b": 3, "c": [{"t": "X", "v": "1"}], "d": None}
    assert shape_diff(recorded, recorded) == []
    rendered = {"a": 1.0, "b": 3, "c": [{"t": "X", "v": 1}], "e": True}
    assert sorted(shape_diff(recorded, rendered)) == [
        "$.a: recorded decimal string '1.00000000', double number 1.0",
        "$.c[0].v: recorded string '1', double number 1",
        "$: the double adds key 'e'", "$: the double lacks key 'd'"]
    assert shape_diff({"d": 1}, {}, tolerated=frozenset({"d"})) == []


def test_list_elements_pair_by_discriminator_and_dotless_decimals_are_an_option() -> None:
    recorded = [{"kind": "A", "v": "1"}, {"kind": "B", "v": 2}]
    rendered = [{"kind": "B", "v": 3}, {"kind": "A", "v": "7"}]
    assert shape_diff(recorded, rendered, discriminators=("kind",)) == []
    assert shape_diff(recorded, rendered) != []
    assert shape_diff(["30000"], ["0.5"]) != []
    assert shape_diff(["30000"], ["0.5"], dotless_decimals=True) == []
    assert json_type([]) == "array" and json_type(True) == "bool"
    assert json_type("1.2.3") == "string"


def test_the_builder_writes_a_cassette_the_loader_reads(tmp_path: Path) -> None:
    c = Cassette("bybit", "demo", "a demo", inputs={"n": 1}, expect={"m": 2}, api_version="v5")
    c.http("POST", "https://api.bybit.com", "/v5/order/create",
           json_body={"category": "spot", "qty": "0.01"},
           request_headers={"X-BAPI-API-KEY": SCRUBBED}, body={"retCode": 0, "list": ["x"] * 40},
           id="place", repeat=True)
    c.http("GET", "https://api.bybit.com", "/v5/market/time", {"a": "1"},
           signed_params={"signature": SCRUBBED}, fault="timeout")
    c.ws("wss://stream.bybit.com/v5/private", [
        client(flow({"op": "auth", "args": [SCRUBBED, 1, SCRUBBED]}), ignore=["args"]),
        server(flow({"success": True}), after_client=0, delay=0.1),
        server(text="not json", after_http="place"),
        close(1000, "bye", after_http="place", delay=0.2)])
    cassette = load_cassette(c.dump(tmp_path))
    assert cassette.meta.scrubbed == ("args", "signature", "X-BAPI-API-KEY")
    view = RequestView("POST", "/v5/order/create", body=b'{"category":"spot","qty":"0.01"}',
                       content_type="application/json")
    assert view.param("qty") == "0.01" and view.fields["category"] == ("spot",)
    assert RequestView("GET", "/x", query_string="a=1").fields == {"a": ("1",)}


def test_json_body_members_are_request_fields_as_json_writes_them() -> None:
    view = RequestView("POST", "/p", body=b'{"reduceOnly":true,"qty":"1","nested":{"a":1}}',
                       content_type="application/json")
    assert view.param("reduceOnly") == "true" and view.param("nested") is None


def test_the_double_clock_takes_harness_clocks_and_ms_functions() -> None:
    class Clock:
        def time(self) -> float:
            return 1.5

    clock = ms_clock(Clock())
    assert clock is not None and clock() == 1500
    assert ms_clock(None) is None


def test_a_list_holding_a_scrubbed_credential_is_ignored_in_regression_replays() -> None:
    frame = {"op": "auth", "args": [SCRUBBED, 123, SCRUBBED], "x": {"apiKey": SCRUBBED}}
    assert _scrubbed_keys(frame) == {"args", "apiKey"}
    assert _scrubbed_keys([]) == set()


def test_a_flaky_failure_still_names_the_invariants_its_first_run_broke() -> None:
    from harness.scenarios.runner import _first_with_problems

    class Broke(Exception):
        problems = ("invariant 3: an order ended twice",)

    group = ExceptionGroup("flaky", [ValueError("noise"), ExceptionGroup("inner", [Broke()])])
    found = _first_with_problems(group)
    assert found is not None and found.problems == Broke.problems  # type: ignore[attr-defined]
    assert _first_with_problems(ValueError("plain")) is None


def test_the_suite_benchmark_runs_the_perp_suite_for_perpetual_connectors() -> None:
    import importlib
    import sys

    # Another test swaps harness.bench's modules for stand-ins: import the real one afresh.
    sys.modules.pop("harness.bench.suite", None)
    suite = importlib.import_module("harness.bench.suite")
    default_suites, parse_options = suite.default_suites, suite.parse_options

    assert default_suites("bybit_perpetual") == "suites.spot,suites.perp"
    assert default_suites("binance") == "suites.spot"
    assert default_suites("no_such_connector") == "suites.spot"
    assert parse_options(["--suite", "suites.perp"]).suite == "suites.perp"
