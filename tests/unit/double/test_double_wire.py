"""Wire-layer value types: parsed requests, encoded responses, the request log."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from harness.double import (
    BaseWireFormat,
    Channel,
    DoubleRequest,
    DoubleResponse,
    Exchange,
    HttpFault,
    HttpFaultKind,
    RequestLog,
)
from harness.double.wire import dumps, json_command
from harness.standard.enums import TradeSide


def test_request_parses_query_and_form_and_query_wins() -> None:
    request = DoubleRequest(
        "POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&a%20b=c%2Fd",
        b"side=SELL&quantity=1&empty=",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "X-Key": "k"})
    assert request.query == (("symbol", "BTCUSDT"), ("side", "BUY"), ("a b", "c/d"))
    assert request.form == (("side", "SELL"), ("quantity", "1"), ("empty", ""))
    assert request.params == {"side": "BUY", "quantity": "1", "empty": "", "symbol": "BTCUSDT",
                              "a b": "c/d"}
    assert request.param("side") == "BUY" and request.param("nope") is None
    assert request.header("x-key") == "k" and request.header("X-KEY") == "k"
    assert request.json is None and request.invalid_reason is None


def test_request_parses_json_and_flags_broken_json() -> None:
    good = DoubleRequest("POST", "/o", body=b'{"a": 1}',
                         headers={"content-type": "application/json"})
    assert good.json == {"a": 1} and good.form == ()
    bad = DoubleRequest("POST", "/o", body=b"{", headers={"content-type": "application/json"})
    assert bad.json is None and bad.invalid_reason == "body is not valid JSON"
    bad.mark_invalid("bad signature")
    assert bad.invalid_reason == "body is not valid JSON; bad signature"


def test_response_encodes_json_with_decimal_strings_or_text() -> None:
    body, content_type = DoubleResponse.json(
        {"price": Decimal("1.50"), "side": TradeSide.BUY}, 201).encode()
    assert json.loads(body) == {"price": "1.50", "side": "BUY"}
    assert content_type == "application/json"
    assert DoubleResponse.plain("pong").encode() == (b"pong", "text/plain")
    with pytest.raises(TypeError, match="object is not JSON serializable"):
        dumps(object())


def test_base_wire_format_defaults() -> None:
    import asyncio

    wire = BaseWireFormat()
    request = DoubleRequest("GET", "/x")
    assert wire.operation_for(request) == "GET /x" and wire.validate(request) is None
    response = asyncio.run(wire.handle_http(request, Exchange()))
    assert response.status == 404
    fault = wire.render_fault(request, HttpFault(HttpFaultKind.SERVER_ERROR, 503))
    assert (fault.status, fault.body) == (503, {"error": "server_error"})


def test_request_log_keeps_order_verdicts_and_descriptions() -> None:
    log = RequestLog()
    ok = log.add(Channel.HTTP, "GET", "/time", "time", "")
    bad = log.add(Channel.WS, "FRAME", "/ws", "ws_message", "x" * 5000, "not JSON")
    ok.status = 200
    bad.fault = "timeout"
    assert len(log) == 2 and log[0] is ok and list(log) == [ok, bad]
    assert log.invalid() == [bad] and log.for_operation("time") == [ok]
    assert log.operations() == ["time", "ws_message"] and len(bad.detail) == 2000
    text = log.describe()
    assert "#1 http GET /time [time] -> 200: valid" in text
    assert "#2 ws FRAME /ws [ws_message] fault=timeout: INVALID (not JSON) xxx" in text
    log.clear()
    assert len(log) == 0


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"op": 1}', '{"method": "x"}', "{"])
def test_json_command_refuses_what_is_not_an_object_naming_its_command(text: str) -> None:
    assert json_command(text, "op") is None


def test_json_command_gives_the_frame_that_names_its_command() -> None:
    assert json_command('{"op": "subscribe", "args": ["a"]}', "op") == {
        "op": "subscribe", "args": ["a"]}
