"""Scrubbing: secrets by header name, parameter name, JSON field and value; deterministic."""

from __future__ import annotations

import hashlib
import json

from harness.cassette.format import SCRUBBED
from harness.cassette.scrub import SECRET_VALUE, SHAPED_VALUE, Scrubber

KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def test_headers_by_name_and_explicit_names() -> None:
    scrub = Scrubber(headers=["X-Custom"])
    out = scrub.headers({"X-MBX-APIKEY": [KEY], "Authorization": "Bearer abc",
                         "X-Custom": ["v"], "Content-Type": ["application/json"],
                         "Set-Cookie": ["sid=1"]})
    assert out == {"X-MBX-APIKEY": (SCRUBBED,), "Authorization": (SCRUBBED,),
                   "X-Custom": (SCRUBBED,), "Content-Type": ("application/json",),
                   "Set-Cookie": (SCRUBBED,)}
    assert scrub.names() == ["Authorization", "Set-Cookie", "X-Custom", "X-MBX-APIKEY"]


def test_query_params_by_name_and_unchanged_urls_stay_identical() -> None:
    scrub = Scrubber()
    url = "https://api.x.com/o?symbol=BTC&signature=ab12&apiKey=k&recvWindow=5000"
    assert scrub.url(url) == ("https://api.x.com/o?symbol=BTC&signature=SCRUBBED&apiKey=SCRUBBED"
                              "&recvWindow=5000")
    clean = "https://api.x.com/o?a=%2C&b=1"
    assert scrub.url(clean) == clean


def test_secret_values_anywhere() -> None:
    scrub = Scrubber(secrets=[KEY, SECRET, "short"])
    assert scrub.text(f"key={KEY};x") == "key=SCRUBBED;x"
    assert scrub.headers({"X-Note": [f"Bearer {SECRET}"]}) == {"X-Note": ("Bearer SCRUBBED",)}
    assert scrub.text("short stays") == "short stays"  # too short to be a secret
    assert SECRET_VALUE in scrub.scrubbed


def test_json_fields_at_any_depth_and_learned_values() -> None:
    scrub = Scrubber(fields=["orderSecret"])
    body = json.dumps({"listenKey": "pqia91ma19a5s61cv6a81va65sdf19v8a65a1", "data": [
        {"accountId": 12345678, "orderSecret": "s3cr3t-value", "price": "1.0"}]}).encode()
    out = json.loads(scrub.body(body, "application/json"))
    assert out == {"listenKey": SCRUBBED, "data": [
        {"accountId": SCRUBBED, "orderSecret": SCRUBBED, "price": "1.0"}]}
    # the listen key learned from the response is scrubbed from a later stream URL
    assert scrub.url("wss://s.x.com:9443/ws/pqia91ma19a5s61cv6a81va65sdf19v8a65a1") == \
        "wss://s.x.com:9443/ws/SCRUBBED"
    assert scrub.names() == ["accountId", "listenKey", "orderSecret", SECRET_VALUE]


def test_bodies_form_text_and_clean_ones_untouched() -> None:
    scrub = Scrubber(secrets=[SECRET])
    assert scrub.body(b"symbol=BTC&signature=ff", "application/x-www-form-urlencoded") == \
        b"symbol=BTC&signature=SCRUBBED"
    assert scrub.body(b"a=1&signature=ff") == b"a=1&signature=SCRUBBED"
    assert scrub.body(f"plain {SECRET} text".encode()) == b"plain SCRUBBED text"
    clean = b'{"price": "1.0",  "qty": "2"}'
    assert scrub.body(clean, "application/json") is clean
    assert scrub.body(b"") == b""
    assert scrub.body(b"\xff\xfe") == b"\xff\xfe"
    assert scrub.body(b"{not json") == b"{not json"


def test_deterministic() -> None:
    def run() -> tuple[str, bytes, list[str]]:
        scrub = Scrubber(secrets=[KEY])
        url = scrub.url(f"https://x.com/a?token=t0k&k={KEY}")
        body = scrub.body(b'{"token":"abcdefgh","x":[1,2]}')
        return url, body, scrub.names()

    assert run() == run()
    assert run()[0] == "https://x.com/a?token=SCRUBBED&k=SCRUBBED"


# An HMAC-SHA256 in hex (Bybit, Binance) and in base64 (OKX, Coinbase): what signers send.
HEX_SIGNATURE = "1f29c1ab8e4d0c3f5a7b9e2d4c6f8a0b1c3e5f7a9b2d4c6e8f0a1b3c5d7e9f0a"
BASE64_SIGNATURE = "Jr0rWq5nE1cQ7Vx8kP2sYtZ4mB6dF9gH3jL0nR5uA8w="


def test_a_scrub_field_name_also_scrubs_a_header_of_that_name() -> None:
    # Bybit's manifest names its signature header in scrub_fields; no default word covers it.
    scrub = Scrubber(fields=["X-BAPI-SIGN"])
    out = scrub.headers({"X-BAPI-SIGN": ["c0ffee"], "X-BAPI-RECV-WINDOW": ["5000"]})
    assert out == {"X-BAPI-SIGN": (SCRUBBED,), "X-BAPI-RECV-WINDOW": ("5000",)}
    assert scrub.names() == ["X-BAPI-SIGN"]


def test_a_signature_in_a_client_frame_is_scrubbed_whatever_its_name() -> None:
    # Bybit's private stream: {"op": "auth", "args": [api key, expires, signature]}.
    scrub = Scrubber(secrets=[KEY])
    auth = {"op": "auth", "args": [KEY, 1795248010000, HEX_SIGNATURE]}
    assert scrub.json_value(auth, sent=True) == {
        "op": "auth", "args": [SCRUBBED, 1795248010000, SCRUBBED]}
    assert "args" in scrub.scrubbed
    subscribe = {"op": "subscribe", "args": ["order", "execution", "wallet"]}
    assert scrub.json_value(subscribe, sent=True) == subscribe
    # Once seen, the signature is scrubbed wherever it turns up (an exchange echoing it).
    assert scrub.text(f"bad sign {HEX_SIGNATURE}") == "bad sign SCRUBBED"


def test_what_the_server_sends_keeps_its_hashes() -> None:
    # A hex run in a response is a hash (transaction id, order hash), not a credential.
    scrub = Scrubber()
    answer = {"txHash": HEX_SIGNATURE, "args": [HEX_SIGNATURE]}
    assert scrub.json_value(answer) == answer
    assert scrub.names() == []


def test_signature_shaped_values_sent_in_headers_urls_and_bodies() -> None:
    scrub = Scrubber()
    headers = scrub.headers({"OK-ACCESS-SIGN": [BASE64_SIGNATURE], "X-Nonce": ["17"]},
                            sent=True)
    assert headers == {"OK-ACCESS-SIGN": (SCRUBBED,), "X-Nonce": ("17",)}
    signatures = [hashlib.sha256(bytes([n])).hexdigest() for n in range(3)]
    assert scrub.url(f"https://x.com/a?s={signatures[0]}&n=1", sent=True) == \
        "https://x.com/a?s=SCRUBBED&n=1"
    assert scrub.body(f'{{"authSig":"{signatures[1]}","n":1}}'.encode(), sent=True) == \
        b'{"authSig":"SCRUBBED","n":1}'
    assert scrub.text(f"x{signatures[2]}", sent=True) == "xSCRUBBED"
    assert scrub.names() == ["authSig", "OK-ACCESS-SIGN", "s", SHAPED_VALUE]
    # one seen before is a known secret by then
    assert scrub.body(f"again {BASE64_SIGNATURE}".encode(), "text/plain") == b"again SCRUBBED"


def test_public_values_the_client_sends_are_kept() -> None:
    # An EVM address (Gateway's wallets), a client order id, a uuid request id: public.
    scrub = Scrubber()
    body = {"address": "0x" + "ab" * 20, "orderLinkId": "CH-Bt1",
            "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097", "qty": "0.01"}
    assert scrub.json_value(body, sent=True) == body
    assert scrub.names() == []
