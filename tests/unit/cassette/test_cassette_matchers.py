"""Matchers: plain functions, order-insensitive params, volatile keys ignored, clear reasons."""

from __future__ import annotations

import pytest

from harness.cassette.format import HttpRequest
from harness.cassette.matchers import (
    DEFAULT_MATCHERS,
    RequestView,
    body,
    failures,
    host,
    json_frame_matches,
    method,
    normalize_host,
    params,
    path,
    query,
    run_matcher,
    view_of_recorded,
)

VOLATILE = frozenset({"timestamp", "signature"})


def recorded(uri: str, method_: str = "GET", body_: object = None,
             headers: dict[str, tuple[str, ...]] | None = None) -> RequestView:
    return view_of_recorded(HttpRequest(method_, uri, body_, headers or {}), VOLATILE)


def incoming(method_: str, path_: str, query_string: str = "", body_: bytes = b"",
             content_type: str = "", host_: str | None = None) -> RequestView:
    return RequestView(method_, path_, query_string=query_string, body=body_,
                       content_type=content_type, host=host_, volatile=VOLATILE)


def test_query_order_and_volatile_keys_do_not_matter() -> None:
    want = recorded("https://api.x.com/o?b=2&a=1&timestamp=1&signature=SCRUBBED")
    got = incoming("GET", "/o", "a=1&b=2&timestamp=99&signature=f00d")
    assert failures(got, want) == []
    assert query(got, want) is None


def test_param_differences_are_spelled_out() -> None:
    want = recorded("https://api.x.com/o?side=BUY&qty=1")
    got = incoming("GET", "/o", "side=SELL&extra=x")
    assert params(got, want) == "missing qty=1; unexpected extra=x; side=SELL but recorded BUY"
    assert query(got, want) == params(got, want)


def test_form_body_params_match_query_params() -> None:
    want = recorded("https://api.x.com/o?symbol=BTCUSDT&side=BUY&timestamp=1", "POST")
    got = incoming("POST", "/o", "", b"side=BUY&symbol=BTCUSDT&timestamp=5",
                   "application/x-www-form-urlencoded")
    assert got.form == {"side": ("BUY",), "symbol": ("BTCUSDT",), "timestamp": ("5",)}
    assert failures(got, want) == []
    # the query wins when a name is in both
    both = incoming("POST", "/o", "side=SELL", b"side=BUY", "application/x-www-form-urlencoded")
    assert both.params["side"] == ("SELL",) and both.param("side") == "SELL"
    assert both.param("missing") is None


def test_json_bodies_compare_structurally_without_volatile_keys() -> None:
    want = recorded("https://api.x.com/o", "POST", '{"a": 1, "timestamp": 3, "n": {"b": [1]}}')
    same = incoming("POST", "/o", body_=b'{"n":{"b":[1]},"timestamp":9,"a":1}',
                    content_type="application/json")
    assert body(same, want) is None
    other = incoming("POST", "/o", body_=b'{"a":2,"n":{"b":[1]}}', content_type="application/json")
    reason = body(other, want)
    assert reason is not None and reason.startswith('JSON body {"a": 2')
    none = incoming("POST", "/o")
    assert body(none, want) == 'JSON body no JSON body but recorded {"a": 1, "n": {"b": [1]}}'


def test_vcrpy_mapping_bodies() -> None:
    form = recorded("https://api.x.com/o", "POST", {"qty": 1, "side": "BUY"})
    assert form.form == {"qty": ("1",), "side": ("BUY",)}
    as_json = recorded("https://api.x.com/o", "POST", {"qty": 1},
                       {"Content-Type": ("application/json",)})
    assert as_json.has_json and as_json.json == {"qty": 1}
    raw = recorded("https://api.x.com/o", "POST", b"\x00raw")
    assert body(incoming("POST", "/o", body_=b"\x00raw"), raw) is None
    reason = body(incoming("POST", "/o", body_=b"other text"), raw)
    assert reason == "body b'other text' but recorded b'\\x00raw'"


def test_method_path_host() -> None:
    want = recorded("https://API.x.com:443/a")
    assert method(incoming("POST", "/a"), want) == "POST != GET"
    assert path(incoming("GET", "/b"), want) == "/b != /a"
    assert host(incoming("GET", "/a", host_="api.x.com"), want) is None
    assert host(incoming("GET", "/a"), want) is None  # unknown host: not compared
    assert host(incoming("GET", "/a", host_="other.com"), want) == "other.com != api.x.com"
    assert normalize_host("Stream.X.com:9443") == "stream.x.com:9443"
    assert normalize_host(None) is None


def test_failures_name_the_matcher_and_accept_raising_matchers() -> None:
    def header_present(request: RequestView, rec: RequestView) -> None:
        assert "X-Key" in request.headers, "X-Key header missing"

    want = recorded("https://api.x.com/a?x=1")
    got = incoming("DELETE", "/a", "x=2")
    found = failures(got, want, (*DEFAULT_MATCHERS, header_present))
    assert found == [("method", "DELETE != GET"), ("params", "x=2 but recorded 1"),
                     ("header_present", "X-Key header missing")]
    assert run_matcher(lambda r, w: None, got, want) is None


def test_body_heuristics_without_content_type() -> None:
    assert incoming("POST", "/", body_=b'{"a":1}').json == {"a": 1}
    assert incoming("POST", "/", body_=b"a=1&b=2").form == {"a": ("1",), "b": ("2",)}
    plain = incoming("POST", "/", body_=b"hello world")
    assert not plain.has_json and plain.form == {}
    assert incoming("POST", "/", body_=b"{broken").json is not None  # stays "no JSON"
    assert not incoming("POST", "/", body_=b"{broken").has_json


def test_describe_is_one_line() -> None:
    view = incoming("POST", "/o", "a=1", b"x=1\n", host_="api.x.com")
    assert view.describe() == "POST api.x.com/o?a=1 body='x=1\\n'"


@pytest.mark.parametrize(("got", "want", "subset", "ok"), [
    ({"id": 1, "m": "SUB"}, {"id": 7, "m": "SUB"}, False, True),
    ({"m": "SUB", "p": [1]}, {"m": "SUB"}, False, False),
    ({"m": "SUB", "p": [1], "x": {"y": 1, "z": 2}}, {"m": "SUB", "x": {"y": 1}}, True, True),
    ({"m": "SUB"}, {"m": "SUB", "p": [1]}, True, False),
    ([1, 2], [1, 2], True, True),
])
def test_json_frame_matching(got: object, want: object, subset: bool, ok: bool) -> None:
    assert json_frame_matches(got, want, ignore=frozenset({"id"}), subset=subset) is ok
