"""Requests compared by meaning: wherever parameters travel, decimals by value, client
choices left out, an order named by either id, what a client may add to a read-only read."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cassette.exchange import load_exchange_profile
from harness.cassette.matchers import RequestView
from harness.cassette.meaning import MeaningMatcher, meaning_params, same_value

ROOT = Path(__file__).resolve().parents[3]
PROFILE = load_exchange_profile(ROOT / "cassettes" / "binance" / "exchange.yaml")


def order_ref(value: str, from_client: bool) -> tuple[str | None, str]:
    recorded = {"mine-1": "CH-Bt1", "mine-2": "CH-Bt2"}.get(value, value) if from_client \
        else value
    return {"CH-Bt1": "28"}.get(recorded), recorded


MATCH = MeaningMatcher(PROFILE, order_ref)


def view(method: str, path: str, query: str = "", body: bytes = b"",
         content_type: str = "") -> RequestView:
    return RequestView(method, path, query_string=query, body=body, content_type=content_type)


def test_decimals_compare_by_value_and_text_exactly() -> None:
    assert same_value("0.01000000", "0.01") and same_value("30000", "30000.00")
    assert not same_value("0.02", "0.01") and not same_value("BTCUSDT", "ETHUSDT")
    assert not same_value("NaN", "nan")  # not a number: never equal by value
    assert not same_value("inf", "Infinity")


def test_parameters_count_wherever_they_travel() -> None:
    recorded = view("POST", "/api/v3/order", "symbol=BTCUSDT&quantity=0.01&timestamp=0")
    as_json = view("POST", "/api/v3/order", body=json.dumps(
        {"symbol": "BTCUSDT", "quantity": 0.01, "timestamp": 5, "extra": {"a": True}}).encode(),
        content_type="application/json")
    params = meaning_params(as_json)
    assert params["quantity"] == ("0.01",) and params["extra"] == ('{"a":true}',)
    assert MATCH(as_json, recorded) == "unexpected extra={\"a\":true}"
    form = view("POST", "/api/v3/order", body=b"symbol=BTCUSDT&quantity=0.010",
                content_type="application/json")
    assert MATCH(form, recorded) is None


def test_an_order_may_be_named_by_either_id() -> None:
    recorded = view("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=CH-Bt1")
    assert MATCH(view("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=28"), recorded) is None
    assert MATCH(view("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=mine-1"),
                 recorded) is None
    assert MATCH(view("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=29"),
                 recorded) == "orderId=29 but the scenario has 28"
    never_acknowledged = view("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=CH-Bt2")
    assert MATCH(view("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=mine-2"),
                 never_acknowledged) is None
    assert MATCH(view("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=mine-3"),
                 never_acknowledged) == \
        "origClientOrderId=mine-3 but the scenario has CH-Bt2"


def test_read_only_requests_may_add_or_drop_what_the_exchange_allows() -> None:
    recorded = view("GET", "/api/v3/myTrades", "symbol=BTCUSDT&orderId=50&timestamp=0")
    assert MATCH(view("GET", "/api/v3/myTrades", "symbol=BTCUSDT&startTime=5&limit=3"),
                 recorded) is None
    assert MATCH(view("GET", "/api/v3/myTrades", "symbol=BTCUSDT&orderId=51"),
                 recorded) == "orderId=51 but the scenario has 50"
    info = view("GET", "/api/v3/exchangeInfo", "permissions=SPOT")
    assert MATCH(info, view("GET", "/api/v3/exchangeInfo")) is None
    assert MATCH(view("GET", "/api/v3/depth", "symbol=BTCUSDT&limit=100"),
                 view("GET", "/api/v3/depth", "symbol=BTCUSDT&limit=1000")) is None
