"""Scrubbing: secrets by header name, parameter name, JSON field and value; deterministic."""

from __future__ import annotations

import json

from harness.cassette.format import SCRUBBED
from harness.cassette.scrub import SECRET_VALUE, Scrubber

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
