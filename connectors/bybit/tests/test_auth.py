"""Bybit signing: known vectors, the signed headers, and the server-side verification."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from connectors.bybit import constants as c
from connectors.bybit.auth import (
    encode_query,
    hmac_sha256_hex,
    json_body,
    sign_rest_request,
    verify_signed_request,
    verify_ws_auth,
    ws_auth_args,
)
from harness.base import RestRequest

KEY, SECRET = "XXXXXXXXXX", "YYYYYYYYYY"


@dataclass
class Received:
    method: str
    query_string: str = ""
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)


def test_signature_is_hex_hmac_sha256_of_timestamp_key_window_and_payload() -> None:
    payload = "category=spot&symbol=BTCUSDT"
    expected = hmac.new(SECRET.encode(), f"1658384314791{KEY}5000{payload}".encode(),
                        hashlib.sha256).hexdigest()
    signed = sign_rest_request(RestRequest("GET", "https://api.bybit.com/v5/order/realtime",
                                           {"category": "spot", "symbol": "BTCUSDT"}),
                               KEY, SECRET, 1658384314791)
    assert signed.headers == {c.API_KEY_HEADER: KEY, c.TIMESTAMP_HEADER: "1658384314791",
                              c.RECV_WINDOW_HEADER: "5000", c.SIGN_HEADER: expected}
    assert signed.params == {"category": "spot", "symbol": "BTCUSDT"}  # nothing added


# bybit-exchange/docs, docs/v5/guide.mdx "Create A Request": the documented plain texts (GET:
# timestamp 1658384314791, api_key XXXXXXXXXX, recv_window 5000, the query string below; POST:
# timestamp 1658385579423 and a {"category": "option"} body). The docs mask every resulting
# signature and name no secret, so the expected values were computed outside Python, with the
# docs' algorithm (hex HMAC-SHA256) and the secret YYYYYYYYYY:
#   printf '%s' "1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C" \
#     | openssl dgst -sha256 -hmac YYYYYYYYYY
GUIDE_GET_SIGNATURE = "37813c67fafb3017e92354eb88f218e7e52a98f9f5eb74cfcf0b21f17edb143b"
GUIDE_POST_SIGNATURE = "83b83af0cf1c2181c7ea8acf8d6cfc276444d27e65685fc1e246105073ca5446"


def test_the_documented_examples_sign_to_the_independently_computed_vectors() -> None:
    get = sign_rest_request(RestRequest("GET", "https://api-testnet.bybit.com/v5/order/realtime",
                                        {"category": "option",
                                         "symbol": "BTC-29JUL22-25000-C"}),
                            KEY, SECRET, 1658384314791)
    assert get.headers[c.SIGN_HEADER] == GUIDE_GET_SIGNATURE
    # The body as this connector sends it (compact JSON; the docs show it pretty-printed).
    post = sign_rest_request(RestRequest("POST", "https://api-testnet.bybit.com/v5/order/create",
                                         body=json_body({"category": "option"})),
                             KEY, SECRET, 1658385579423)
    assert post.headers[c.SIGN_HEADER] == GUIDE_POST_SIGNATURE
    assert verify_signed_request(Received("GET", "category=option&symbol=BTC-29JUL22-25000-C",
                                          headers=dict(get.headers)), SECRET) is None


def test_a_post_is_signed_over_its_json_body_byte_for_byte() -> None:
    body = json_body({"category": "spot", "symbol": "BTCUSDT", "qty": "0.01"})
    assert body == '{"category":"spot","symbol":"BTCUSDT","qty":"0.01"}'
    signed = sign_rest_request(RestRequest("POST", "https://x/v5/order/create", body=body),
                               KEY, SECRET, 1)
    assert signed.headers[c.SIGN_HEADER] == hmac_sha256_hex(SECRET, f"1{KEY}5000{body}")


def test_the_verifier_accepts_what_the_connector_signs_and_nothing_else() -> None:
    query = encode_query({"category": "spot", "orderLinkId": "CH-Bt1"})
    signed = sign_rest_request(RestRequest("GET", "https://x", {"category": "spot",
                                                                "orderLinkId": "CH-Bt1"}),
                               KEY, SECRET, 7)
    good = Received("GET", query, headers=dict(signed.headers))
    assert verify_signed_request(good, SECRET) is None
    assert verify_signed_request(Received("GET", query + "x", headers=dict(signed.headers)),
                                 SECRET) is not None
    assert verify_signed_request(good, "another secret") is not None
    assert "no X-BAPI-SIGN" in str(verify_signed_request(
        Received("GET", query, headers={c.API_KEY_HEADER: KEY, c.TIMESTAMP_HEADER: "7"}),
        SECRET))
    body = json_body({"category": "spot"})
    posted = sign_rest_request(RestRequest("POST", "https://x", body=body), KEY, SECRET, 9)
    assert verify_signed_request(Received("POST", "", body.encode(), dict(posted.headers)),
                                 SECRET) is None


def test_the_private_stream_auth_signs_get_realtime_and_its_expiry() -> None:
    args = ws_auth_args(KEY, SECRET, 1662350400000)
    assert args == [KEY, 1662350400000, hmac_sha256_hex(SECRET, "GET/realtime1662350400000")]
    assert verify_ws_auth(args, KEY, SECRET, now_ms=1662350399000) is None
    assert verify_ws_auth(args, KEY, SECRET, now_ms=1662350400001) == \
        "Params Error: request expired"
    assert verify_ws_auth(args, "other", SECRET, now_ms=0) == "API key is invalid"
    assert verify_ws_auth([KEY, 1662350400000, "0" * 64], KEY, SECRET, now_ms=0) == \
        "Invalid sign"
    assert verify_ws_auth([KEY, "soon", "x"], KEY, SECRET, now_ms=0) is not None
    assert verify_ws_auth("nope", KEY, SECRET, now_ms=0) is not None
