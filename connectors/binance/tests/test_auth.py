"""Signing against the worked examples of Binance's docs, and the server-side verifier."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from connectors.binance.auth import (
    encode_query,
    hmac_sha256_hex,
    sign_rest_request,
    sign_ws_params,
    verify_signed_request,
    verify_ws_params,
    ws_payload,
)
from harness.base import RestRequest

# rest-api.md / web-socket-api.md example key pair: published, not secret.
DOCS_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOCS_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOCS_TIMESTAMP = 1499827319559
ORDER = {"symbol": "LTCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "1", "price": "0.1"}
FULL_WIDTH = "\uff11\uff12\uff13\uff14\uff15\uff16"  # the docs' non-ASCII symbol


def test_hmac_matches_the_rest_docs_example() -> None:
    payload = ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
               "&recvWindow=5000&timestamp=1499827319559")
    assert hmac_sha256_hex(DOCS_SECRET, payload) == (
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")


@pytest.mark.parametrize(("symbol", "signature"), [
    ("LTCBTC", "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
    (FULL_WIDTH, "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"),
])
def test_signed_request_carries_the_docs_signature(symbol: str, signature: str) -> None:
    request = RestRequest("POST", "https://api.binance.com/api/v3/order",
                          {**ORDER, "symbol": symbol}, is_auth=True)
    signed = sign_rest_request(request, DOCS_API_KEY, DOCS_SECRET, DOCS_TIMESTAMP)
    assert list(signed.params) == [*ORDER, "recvWindow", "timestamp", "signature"]
    assert signed.params["signature"] == signature
    assert signed.headers["X-MBX-APIKEY"] == DOCS_API_KEY
    assert signed.data is None


def test_non_ascii_values_are_percent_encoded_before_signing() -> None:
    assert encode_query({"symbol": FULL_WIDTH, "side": "BUY"}) == (
        "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY")


def test_a_body_is_refused_because_parameters_go_in_the_query() -> None:
    request = RestRequest("POST", "https://api.binance.com/api/v3/order", data={"a": "1"})
    with pytest.raises(ValueError, match="query string"):
        sign_rest_request(request, DOCS_API_KEY, DOCS_SECRET, DOCS_TIMESTAMP)


def test_ws_signature_matches_the_ws_api_docs_example() -> None:
    params = {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
              "quantity": "0.01000000", "price": "52000.00", "recvWindow": 100}
    signed = sign_ws_params(params, DOCS_API_KEY, DOCS_SECRET, 1645423376532)
    assert ws_payload(signed).startswith(f"apiKey={DOCS_API_KEY}&price=52000.00&")
    assert signed["signature"] == (
        "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24")
    assert verify_ws_params(signed, DOCS_SECRET) is None
    assert verify_ws_params({**signed, "timestamp": 1645423376533}, DOCS_SECRET) is not None
    assert verify_ws_params({k: v for k, v in signed.items() if k != "apiKey"},
                            DOCS_SECRET) == "no apiKey parameter"


@dataclass
class View:
    method: str
    path: str
    query_string: str
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=lambda: {"x-mbx-apikey": DOCS_API_KEY})


def _signed_query() -> str:
    signed = sign_rest_request(RestRequest("POST", "/api/v3/order", ORDER, is_auth=True),
                               DOCS_API_KEY, DOCS_SECRET, DOCS_TIMESTAMP)
    return encode_query(signed.params)


def test_verifier_accepts_what_the_connector_signs() -> None:
    assert verify_signed_request(View("POST", "/api/v3/order", _signed_query()),
                                 DOCS_SECRET) is None


def test_verifier_accepts_the_docs_curl_request_with_an_upper_case_signature() -> None:
    query = _signed_query().replace("c8db56825ae7", "C8DB56825AE7")
    assert verify_signed_request(View("POST", "/api/v3/order", query), DOCS_SECRET) is None


def test_verifier_accepts_the_docs_mixed_query_and_body_example() -> None:
    # rest-api.md "Example 3" (until commit f83a5bf): payload = query + body, no separator.
    view = View("POST", "/api/v3/order", "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
                body=b"quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature="
                     b"0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77")
    assert verify_signed_request(view, DOCS_SECRET) is None


@pytest.mark.parametrize(("change", "reason"), [
    (lambda q: q.replace("price=0.1", "price=0.2"), "does not match"),
    (lambda q: q.rpartition("&")[0], "found 0"),
    (lambda q: q + "&signature=00", "found 2"),
    (lambda q: q.replace("&timestamp=1499827319559", ""), "no timestamp"),
])
def test_verifier_names_what_is_wrong(change: object, reason: str) -> None:
    query = change(_signed_query())  # type: ignore[operator]
    problem = verify_signed_request(View("POST", "/api/v3/order", query), DOCS_SECRET)
    assert problem is not None and reason in problem


def test_verifier_wants_the_api_key_header_and_the_right_secret() -> None:
    view = View("POST", "/api/v3/order", _signed_query(), headers={})
    assert verify_signed_request(view, DOCS_SECRET) == "no X-MBX-APIKEY header"
    assert verify_signed_request(View("POST", "/api/v3/order", _signed_query()),
                                 "another secret") is not None
