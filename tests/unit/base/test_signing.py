"""HMAC signing shared by exchanges: the digest, aiohttp's query encoding, the server side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from harness.base.signing import body_text, constant_time_equal, encode_query, hmac_sha256_hex


@dataclass
class Received:
    method: str = "POST"
    query_string: str = ""
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)


def test_hmac_sha256_hex_is_the_rfc_4231_style_digest_in_lower_case() -> None:
    # The widely published HMAC-SHA256 vector for this key and message.
    assert hmac_sha256_hex("key", "The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")


def test_encode_query_is_what_an_aiohttp_server_receives() -> None:
    full_width_btc = "\uff22\uff34\uff23"  # percent-encoded as UTF-8
    params = {"symbol": full_width_btc, "note": "a b&c=d", "price": "0.1"}

    async def received_query() -> str:
        seen: list[str] = []

        async def handler(request: web.Request) -> web.Response:
            seen.append(request.raw_path.partition("?")[2])
            return web.Response()

        app = web.Application()
        app.router.add_get("/x", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with (aiohttp.ClientSession() as session,
                        session.get(f"http://127.0.0.1:{port}/x", params=params)):
                pass
        finally:
            await runner.cleanup()
        return seen[0]

    assert encode_query(params) == asyncio.run(received_query())
    assert "a+b%26c%3Dd" in encode_query(params)  # a space as +, & and = escaped


def test_body_text_reads_bytes_and_text_alike() -> None:
    assert body_text(Received(body=b"a=1")) == "a=1"
    assert body_text(Received(body="a=1")) == "a=1"


def test_constant_time_equal_ignores_the_case_of_the_given_signature_only() -> None:
    assert constant_time_equal("ab12", "AB12")
    assert not constant_time_equal("ab12", "ab13")
    assert not constant_time_equal("AB12", "ab12")
