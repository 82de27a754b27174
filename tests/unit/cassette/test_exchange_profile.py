"""exchange.yaml: Binance's loads; every problem of a bad one is one line (file, field, fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cassette.exchange import (
    ExchangeProfileError,
    load_exchange_profile,
    profile_from_document,
)
from harness.cassette.lint import lint_paths
from harness.cassette.loader import cassette_files

ROOT = Path(__file__).resolve().parents[3]
BINANCE = ROOT / "cassettes" / "binance" / "exchange.yaml"


def test_binance_declares_its_client_choices_and_read_only_endpoints() -> None:
    profile = load_exchange_profile(BINANCE)
    assert profile.exchange == "binance"
    assert {"recvWindow", "newClientOrderId", "newOrderRespType"} <= profile.client_chosen
    assert profile.is_client_chosen("signature") and not profile.is_client_chosen("quantity")
    assert profile.read_only_route("GET", "/api/v3/myTrades") is not None
    assert profile.read_only_route("POST", "/api/v3/order") is None
    assert profile.response_type("POST", "/api/v3/order") is not None
    assert profile.response_type("GET", "/api/v3/order") is None
    assert profile.ws_path_accepts("/ws", "/ws/0")
    assert not profile.ws_path_accepts("/ws", "/ws/0/1")
    assert not profile.ws_path_accepts("/ws", "/ws/")
    assert not profile.ws_path_accepts("/ws-api/v3", "/ws")


def test_exact_aliases_are_accepted() -> None:
    profile = profile_from_document(
        {"version": 1, "exchange": "x", "ws": {"paths": {"/ws": ["/stream"]}}}, Path("e.yaml"))
    assert profile.ws_path_accepts("/ws", "/stream") and not profile.ws_path_accepts("/ws", "/x")


def test_every_problem_is_one_line_naming_the_field() -> None:
    doc = {"version": 2, "http": {
        "client_chosen": "timestamp",
        "client_order_id": ["not", "a", "mapping"],
        "read_only": [{"path": "api/v3/time"},
                      {"path": "/a", "filters": [{"param": "limit", "keep": "most"},
                                                 {"param": "startTime", "keep": ">="},
                                                 {"param": "n", "keep": "last",
                                                  "overlay": True}]}],
        "response_types": [{"path": "/api/v3/order"},
                           {"path": "/o", "param": "t", "shapes": {"ACK": {"keep": "x"}}}]}}
    with pytest.raises(ExchangeProfileError) as caught:
        profile_from_document(doc, Path("cassettes/x/exchange.yaml"))
    lines = str(caught.value).splitlines()
    assert all(line.startswith("cassettes/x/exchange.yaml: ") for line in lines)
    text = "\n".join(lines)
    for needle in ("version: must be 1, got 2", "exchange: missing",
                   "http.client_chosen: must be a list of names",
                   "http.client_order_id: must be a mapping",
                   "http.read_only[0].path: must be the endpoint's URL path",
                   "http.read_only[1].filters[0]: needs param: <name> and keep: one of",
                   "http.read_only[1].filters[1]: keep >= needs field",
                   "http.read_only[1].filters[2].overlay: needs keep: \"==\"",
                   "http.response_types[0]: needs path: <URL path> and param",
                   "http.response_types[1].shapes.ACK.keep: must be a list of names"):
        assert needle in text, text


def test_a_missing_or_broken_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExchangeProfileError, match="not found; declare"):
        load_exchange_profile(tmp_path / "exchange.yaml")
    broken = tmp_path / "exchange.yaml"
    broken.write_text("version: [1\n")
    with pytest.raises(ExchangeProfileError, match="invalid YAML"):
        load_exchange_profile(broken)


def test_lint_validates_exchange_yaml_instead_of_reading_it_as_a_cassette(
        tmp_path: Path) -> None:
    good = tmp_path / "good" / "exchange.yaml"
    good.parent.mkdir()
    good.write_text(BINANCE.read_text())
    assert lint_paths([good]).problems == []
    bad = tmp_path / "bad" / "exchange.yaml"
    bad.parent.mkdir()
    bad.write_text("version: 1\nexchange: x\nhttp: {client_chosen: 3}\n")
    assert lint_paths([bad]).problems == [
        f"{bad}: http.client_chosen: must be a list of names, e.g. [timestamp, signature]"]


def test_combined_streams_name_each_frames_stream() -> None:
    combined = load_exchange_profile(BINANCE).ws_combined
    assert combined is not None and combined.path == "/stream" and combined.serves == "/ws"
    asked = frozenset({"btcusdt@depth@100ms", "btcusdt@trade"})
    assert combined.stream_for({"e": "depthUpdate", "s": "BTCUSDT"}, asked) == \
        "btcusdt@depth@100ms"
    assert combined.stream_for({"e": "trade", "s": "ETHUSDT"}, asked) is None
    assert combined.stream_for({"e": "trade"}, asked) is None  # no symbol to name it by
    assert combined.stream_for({"result": None, "id": 1}, asked) is None
    assert combined.stream_for("text", asked) is None


def test_a_bad_combined_declaration_is_one_line_per_problem() -> None:
    doc = {"version": 1, "exchange": "x", "ws": {
        "combined": {"path": "/stream", "stream_of": [{"field": "e"}]}}}
    with pytest.raises(ExchangeProfileError) as caught:
        profile_from_document(doc, Path("e.yaml"))
    assert str(caught.value) == ("e.yaml: ws.combined: needs path: <the combined path> and"
                                 " serves: <a recorded path>")
    doc["ws"]["combined"]["serves"] = "/ws"
    with pytest.raises(ExchangeProfileError, match=r"ws.combined.stream_of\[0\]: needs field"):
        profile_from_document(doc, Path("e.yaml"))


def test_the_declaration_is_not_one_of_the_scenarios() -> None:
    files = cassette_files(BINANCE.parent)
    assert BINANCE not in files and BINANCE.parent / "place_limit_buy.yaml" in files


def test_a_view_of_another_route_names_a_read_only_route_and_has_a_template() -> None:
    profile = load_exchange_profile(BINANCE)
    route = profile.read_only_route("GET", "/api/v3/ticker/24hr")
    assert route is not None and route.view_of is not None
    assert route.view_of.path == "/api/v3/ticker/price"
    assert route.view_of.fields == {"lastPrice": "price"}
    doc = {"version": 1, "exchange": "x", "http": {"read_only": [
        {"path": "/a", "view_of": {"path": "/order", "key": "s", "fields": {"x": "y"}},
         "default": []},
        {"path": "/b", "view_of": {"path": "/a", "key": "s", "fields": {"x": "y"}}},
        {"path": "/c", "view_of": {"path": "/a", "fields": {"x": 1}}, "default": []}]}}
    with pytest.raises(ExchangeProfileError) as caught:
        profile_from_document(doc, Path("e.yaml"))
    text = str(caught.value)
    assert "http.read_only[1].view_of: needs the route's default" in text
    assert "http.read_only[2].view_of: needs path: <the other route>, key:" in text
    assert "http.read_only (/a).view_of.path: GET /order is not a read_only route" in text
    assert len(text.splitlines()) == 3


def test_bybit_declares_its_heartbeats_and_a_bad_one_is_one_line() -> None:
    profile = load_exchange_profile(ROOT / "cassettes" / "bybit" / "exchange.yaml")
    assert profile.ws_subscribe_key == "op" and profile.ws_request_id == "req_id"
    public, private = profile.ws_heartbeats
    assert public.answers("/v5/public/spot", {"op": "ping", "req_id": "1"})
    assert not public.answers("/v5/private", {"op": "ping"})
    assert private.answers("/v5/private", {"op": "ping", "args": [1]})
    assert not private.answers("/v5/private", {"op": "subscribe"})
    with pytest.raises(ExchangeProfileError, match=r"ws.heartbeat\[0\]: needs request"):
        profile_from_document({"version": 1, "exchange": "x",
                               "ws": {"heartbeat": [{"request": {}, "reply": {}}]}},
                              Path("e.yaml"))


def test_a_shared_outcome_names_a_read_only_route_and_has_a_default() -> None:
    profile = load_exchange_profile(ROOT / "cassettes" / "bybit" / "exchange.yaml")
    route = profile.read_only_route("GET", "/v5/market/time")
    assert route is not None and route.outcome_of == "/v5/system/status"
    doc = {"version": 1, "exchange": "x", "http": {"read_only": [
        {"path": "/a", "outcome_of": "/order", "default": {}},
        {"path": "/b", "outcome_of": "/a"},
        {"path": "/c", "outcome_of": 3, "default": {}}]}}
    with pytest.raises(ExchangeProfileError) as caught:
        profile_from_document(doc, Path("e.yaml"))
    text = str(caught.value)
    assert "http.read_only[1].outcome_of: needs the other route's URL path" in text
    assert "http.read_only[2].outcome_of: needs the other route's URL path" in text
    assert "http.read_only (/a).outcome_of: GET /order is not a read_only route" in text
    assert len(text.splitlines()) == 3


def test_what_the_exchange_ignores_is_declared_by_condition_and_a_bad_one_is_one_line() -> None:
    profile = load_exchange_profile(ROOT / "cassettes" / "bybit" / "exchange.yaml")
    limit = {"orderType": ("Limit",), "marketUnit": ("baseCoin",)}
    market = {"orderType": ("Market",), "price": ("NaN",)}
    assert profile.ignored_in("POST", "/v5/order/create", limit) == {"marketUnit"}
    assert profile.ignored_in("POST", "/v5/order/create", market) == {"price"}
    assert profile.ignored_in("POST", "/v5/order/cancel", market) == frozenset()
    with pytest.raises(ExchangeProfileError, match=r"http.ignored\[0\]: needs path"):
        profile_from_document({"version": 1, "exchange": "x", "http": {"ignored": [
            {"path": "/o", "param": "price"}]}}, Path("e.yaml"))
