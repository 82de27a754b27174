"""RestClient against a loopback server: the standard's retry rules, signing, error mapping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web

from harness.base.rest import MAX_RATE_LIMIT_RETRIES, RestClient, RestRequest
from harness.base.throttler import RateLimit, Throttler
from harness.standard.clock import ScaledClock
from harness.standard.errors import (
    ConnectorError,
    ExchangeError,
    OrderRejected,
    RateLimited,
    TimeSyncError,
    UnknownOutcome,
)
from tests.fixtures.aio import run
from tests.fixtures.web import serve

SPEED = 50.0


class Exchange:
    """A toy REST server whose misbehaviour each test sets up."""

    def __init__(self, clock: ScaledClock) -> None:
        self.clock = clock
        self.calls: dict[str, list[float]] = {}
        self.headers: list[Mapping[str, str]] = []
        self.rate_limited = 0
        self.retry_after: str | None = "2"
        self.time_errors = 0
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{name}", self.handle)
        self.app = app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.calls.setdefault(name, []).append(self.clock.time())
        self.headers.append(dict(request.headers))
        if name == "ok":
            return web.json_response({"a": 1})
        if name == "echo":
            form = dict(await request.post())
            return web.json_response({"query": dict(request.query), "form": form,
                                      "method": request.method})
        if name == "raw":
            return web.json_response({"body": await request.text(),
                                      "type": request.headers.get("Content-Type")})
        if name == "text":
            return web.Response(text="pong")
        if name == "garbled":
            return web.Response(text='{"symbol":"BTCUSDT" oops}', content_type="application/json")
        if name == "empty":
            return web.Response(status=200)
        if name in ("limited", "teapot"):
            if self.rate_limited > 0:
                self.rate_limited -= 1
                headers = {"Retry-After": self.retry_after} if self.retry_after else {}
                return web.json_response({"msg": "slow down"},
                                         status=429 if name == "limited" else 418,
                                         headers=headers)
            return web.json_response({"done": True})
        if name == "private":
            if self.time_errors > 0:
                self.time_errors -= 1
                return web.json_response({"code": -1021, "msg": "timestamp outside window"},
                                         status=400)
            return web.json_response({"signed": request.headers.get("X-Sig")})
        if name == "slow":
            try:
                async with asyncio.timeout(5):
                    await self.release.wait()
            except TimeoutError:
                pass
            return web.json_response({})
        if name == "unavailable":
            return web.Response(status=503, text="maintenance")
        if name == "rejected":
            return web.json_response({"code": -2010, "msg": "insufficient balance"}, status=400)
        if name == "odd":
            return web.json_response({"msg": "bad symbol"}, status=400)
        if name == "okay-error":
            return web.json_response({"code": -2010, "msg": "rejected with 200"})
        return web.Response(status=404)


def classify(status: int, headers: Mapping[str, str], body: Any) -> ConnectorError | None:
    if isinstance(body, dict) and body.get("code") == -1021:
        return TimeSyncError(body["msg"])
    if isinstance(body, dict) and body.get("code") == -2010:
        return OrderRejected(body["msg"])
    return None


def sign(request: RestRequest) -> RestRequest:
    return replace(request, headers={**request.headers, "X-Sig": "signed"})


Scenario = Callable[[RestClient, Exchange, str], Awaitable[None]]


def with_client(scenario: Scenario, *, max_retry_after: float = 60.0, timeout: float = 0.3,
                limits: tuple[RateLimit, ...] = ()) -> dict[str, int]:
    counters = {"resyncs": 0}

    async def main() -> None:
        clock = ScaledClock(speed=SPEED)
        exchange = Exchange(clock)

        async def resync() -> None:
            counters["resyncs"] += 1

        client = RestClient(throttler=Throttler(limits, clock.time, clock.sleep), clock=clock,
                            authenticate=sign, classify_error=classify, resync_time=resync,
                            timeout=timeout, max_retry_after=max_retry_after)
        async with serve(exchange.app) as base:
            try:
                await scenario(client, exchange, base)
            finally:
                exchange.release.set()
                await client.close()
                await client.close()

    run(main())
    return counters


def test_json_text_and_empty_bodies_are_decoded() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        assert await client.request(RestRequest("GET", f"{base}/ok")) == {"a": 1}
        assert await client.request(RestRequest("GET", f"{base}/text")) == "pong"
        assert await client.request(RestRequest("GET", f"{base}/empty")) is None

    with_client(scenario)


def test_a_success_that_is_not_valid_json_is_an_unknown_outcome_saying_so() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        with pytest.raises(UnknownOutcome) as caught:
            await client.request(RestRequest("POST", f"{base}/garbled"))
        assert str(caught.value) == (
            "POST /garbled: HTTP 200 response is not valid JSON (Expecting ',' delimiter: "
            "line 1 column 21 (char 20)): '{\"symbol\":\"BTCUSDT\" oops}'")

    with_client(scenario)


def test_a_raw_body_is_sent_byte_for_byte() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        text = '{"category":"spot","qty":"0.01"}'
        echo = await client.request(RestRequest(
            "POST", f"{base}/raw", body=text, headers={"Content-Type": "application/json"}))
        assert echo == {"body": text, "type": "application/json"}

    with_client(scenario)


def test_params_and_form_data_are_sent_and_only_private_requests_are_signed() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        echo = await client.request(RestRequest("POST", f"{base}/echo", params={"q": "1"},
                                                data={"side": "BUY"}))
        assert echo == {"query": {"q": "1"}, "form": {"side": "BUY"}, "method": "POST"}
        assert "X-Sig" not in exchange.headers[-1]
        signed = await client.request(RestRequest("GET", f"{base}/private", is_auth=True))
        assert signed == {"signed": "signed"}

    with_client(scenario)


def test_rate_limited_requests_wait_retry_after_on_the_connector_clock() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.rate_limited = 2
        wall = time.monotonic()
        assert await client.request(RestRequest("GET", f"{base}/limited")) == {"done": True}
        wall_elapsed = time.monotonic() - wall
        stamps = exchange.calls["limited"]
        assert len(stamps) == 3
        # Each retry came at least Retry-After (2 s) later, in the connector's time...
        assert stamps[1] - stamps[0] >= 2.0 and stamps[2] - stamps[1] >= 2.0
        # ...which the scaled clock made take a fraction of that in wall time.
        assert wall_elapsed < 4.0 / SPEED + 1.0

    with_client(scenario)


def test_retry_after_is_capped_at_max_retry_after() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.rate_limited, exchange.retry_after = 1, "3600"
        await client.request(RestRequest("GET", f"{base}/limited"))
        first, second = exchange.calls["limited"]
        assert 1.5 <= second - first < 60  # capped at max_retry_after (1.5 s here)

    with_client(scenario, max_retry_after=1.5)


def test_a_418_ban_is_never_retried_and_blocks_requests_until_it_ends() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.rate_limited, exchange.retry_after = 1, "2"
        with pytest.raises(RateLimited) as caught:
            await client.request(RestRequest("GET", f"{base}/teapot"))
        assert caught.value.banned and caught.value.retry_after == 2.0
        assert len(exchange.calls["teapot"]) == 1
        with pytest.raises(RateLimited, match="not sent: banned"):
            await client.request(RestRequest("GET", f"{base}/ok"))
        assert "ok" not in exchange.calls, "a request during a ban reached the exchange"
        client.banned_until = 0.0  # the ban is over
        assert await client.request(RestRequest("GET", f"{base}/teapot")) == {"done": True}

    with_client(scenario, max_retry_after=1.5)


def test_rate_limiting_that_never_ends_is_raised_after_the_retries() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.rate_limited, exchange.retry_after = 100, "0"
        with pytest.raises(RateLimited) as caught:
            await client.request(RestRequest("GET", f"{base}/limited"))
        assert caught.value.retry_after == 0.0
        assert len(exchange.calls["limited"]) == MAX_RATE_LIMIT_RETRIES + 1

    with_client(scenario)


def test_a_time_error_resyncs_the_clock_and_retries_once() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.time_errors = 1
        result = await client.request(RestRequest("GET", f"{base}/private", is_auth=True))
        assert result == {"signed": "signed"}
        assert len(exchange.calls["private"]) == 2

    assert with_client(scenario) == {"resyncs": 1}


def test_a_second_time_error_is_raised_not_retried_forever() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.time_errors = 5
        with pytest.raises(TimeSyncError):
            await client.request(RestRequest("GET", f"{base}/private", is_auth=True))
        assert len(exchange.calls["private"]) == 2

    assert with_client(scenario) == {"resyncs": 1}


def test_a_time_error_on_a_public_request_is_not_retried() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        exchange.time_errors = 1
        with pytest.raises(TimeSyncError):
            await client.request(RestRequest("GET", f"{base}/private"))

    assert with_client(scenario) == {"resyncs": 0}


def test_timeouts_dropped_connections_and_5xx_are_unknown_outcomes() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        with pytest.raises(UnknownOutcome, match="POST /slow timed out"):
            await client.request(RestRequest("POST", f"{base}/slow"))
        assert len(exchange.calls["slow"]) == 1  # never retried: it could duplicate an order
        with pytest.raises(UnknownOutcome, match="HTTP 503 on GET /unavailable"):
            await client.request(RestRequest("GET", f"{base}/unavailable"))
        with pytest.raises(UnknownOutcome, match="failed in transit: ClientConnectorError"):
            await client.request(RestRequest("GET", "http://127.0.0.1:1/refused"))

    with_client(scenario)


def test_errors_are_classified_by_the_connector_or_reported_as_exchange_errors() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        with pytest.raises(OrderRejected, match="insufficient balance"):
            await client.request(RestRequest("POST", f"{base}/rejected"))
        with pytest.raises(OrderRejected, match="rejected with 200"):
            await client.request(RestRequest("POST", f"{base}/okay-error"))
        with pytest.raises(ExchangeError, match=r"HTTP 400 on GET /odd: \{'msg': 'bad symbol'\}"):
            await client.request(RestRequest("GET", f"{base}/odd"))
        with pytest.raises(ExchangeError, match="HTTP 404"):
            await client.request(RestRequest("GET", f"{base}/missing/path"))

    with_client(scenario)


def test_requests_go_through_the_throttler_by_limit_id_or_path() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        start = exchange.clock.time()
        for _ in range(3):
            await client.request(RestRequest("GET", f"{base}/ok"))
        # 2 per 10 s on the path: the third waited until the first left the window.
        assert exchange.calls["ok"][2] - start >= 10.0
        start = exchange.clock.time()
        await client.request(RestRequest("GET", f"{base}/ok", limit_id="orders"))
        await client.request(RestRequest("GET", f"{base}/text", limit_id="orders"))
        # Two paths, one named limit of 1 per 10 s: the second waited for the first.
        assert exchange.calls["text"][0] - start >= 10.0

    with_client(scenario, limits=(RateLimit("/ok", 2, 10.0), RateLimit("orders", 1, 10.0)))


def test_a_closed_session_is_reopened() -> None:
    async def scenario(client: RestClient, exchange: Exchange, base: str) -> None:
        first = client.session
        await client.close()
        assert await client.request(RestRequest("GET", f"{base}/ok")) == {"a": 1}
        assert client.session is not first

    with_client(scenario)


def test_signed_requests_await_before_signing_and_public_ones_do_not() -> None:
    awaited: list[str] = []

    async def main() -> None:
        clock = ScaledClock(speed=SPEED)
        exchange = Exchange(clock)

        async def resync() -> None:
            pass

        async def before_signing() -> None:
            awaited.append("offset measured")

        client = RestClient(throttler=Throttler((), clock.time, clock.sleep), clock=clock,
                            authenticate=sign, classify_error=classify, resync_time=resync,
                            timeout=0.3, max_retry_after=60.0, before_signing=before_signing)
        async with serve(exchange.app) as base:
            try:
                await client.request(RestRequest("GET", f"{base}/ok"))
                assert awaited == []
                await client.request(RestRequest("GET", f"{base}/ok", is_auth=True))
                assert awaited == ["offset measured"]
            finally:
                await client.close()

    run(main())
