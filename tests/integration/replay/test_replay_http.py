"""REST replay on a real loopback server: matching, repeat, strict mode, misses, faults."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import aiohttp
import pytest
from replay_helpers import API, fetch, interaction, make_cassette

from harness.cassette.format import Cassette
from harness.cassette.matchers import RequestView
from harness.replay.session import ReplaySession
from harness.replay.verdict import CassetteMismatch
from tests.fixtures.aio import eventually, run

ORDER = f"{API}/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&timestamp=1&signature=S"


def order_cassette() -> Cassette:
    return make_cassette([
        interaction("GET", f"{API}/api/v3/time", {"serverTime": 1}, repeat=True),
        interaction("POST", ORDER, {"orderId": 28, "status": "NEW"}, id="new-order"),
        interaction("GET", f"{API}/api/v3/order?symbol=BTCUSDT&orderId=28",
                    {"orderId": 28, "status": "FILLED"}, id="poll", repeat=True),
    ])


def test_serves_recorded_answers_and_logs_requests() -> None:
    async def scenario() -> None:
        async with ReplaySession(order_cassette()) as replay:
            base = replay.http_base_for(API)
            assert base == f"http://127.0.0.1:{replay.http.port}"
            assert replay.http_base_for("https://testnet.binance.vision/api/").endswith("/api")
            async with aiohttp.ClientSession() as client:
                assert await fetch(client, "GET", f"{base}/api/v3/time") == (200, {"serverTime": 1})
                # params in another order, volatile ones different, sent in the form body
                status, answer = await fetch(
                    client, "POST", f"{base}/api/v3/order?timestamp=99&signature=zz",
                    data={"quantity": "1", "type": "LIMIT", "side": "BUY", "symbol": "BTCUSDT"})
                assert (status, answer) == (200, {"orderId": 28, "status": "NEW"})
                for _ in range(3):  # polling a repeat interaction
                    status, answer = await fetch(client, "GET", f"{base}/api/v3/order",
                                                 params={"orderId": "28", "symbol": "BTCUSDT"})
                    assert answer["status"] == "FILLED"
            served = [(r.method, r.path, r.interaction_index, r.interaction_id)
                      for r in replay.requests]
            assert served == [("GET", "/api/v3/time", 0, None),
                              ("POST", "/api/v3/order", 1, "new-order"),
                              *[("GET", "/api/v3/order", 2, "poll")] * 3]
            assert replay.requests[1].params["quantity"] == ("1",)
            assert replay.requests[1].param("signature") == "zz"

    run(scenario())


def test_recorded_content_length_is_not_replayed() -> None:
    async def scenario() -> None:
        async with ReplaySession(order_cassette(), strict=False) as replay, \
                aiohttp.ClientSession() as client, \
                client.get(replay.http_base_for(API) + "/api/v3/time") as response:
            assert response.headers["Content-Length"] == str(len(await response.read()))

    run(scenario())


def test_unmatched_request_gets_500_and_names_closest_interactions() -> None:
    async def scenario() -> None:
        with pytest.raises(CassetteMismatch) as info:
            async with ReplaySession(order_cassette()) as replay:
                async with aiohttp.ClientSession() as client:
                    status, answer = await fetch(
                        client, "POST", replay.http_base_for(API) + "/api/v3/order",
                        params={"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT",
                                "quantity": "1"})
                assert status == 500
                assert answer["harness_unmatched"].startswith(
                    "POST /api/v3/order?symbol=BTCUSDT&side=SELL")
                with pytest.raises(CassetteMismatch):
                    replay.check()  # mid-test, too
                # the matching request still works afterwards
                async with aiohttp.ClientSession() as client:
                    await fetch(client, "POST", replay.http_base_for(API) + "/api/v3/order",
                                params={"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT",
                                        "quantity": "1"})
                    await fetch(client, "GET", replay.http_base_for(API) + "/api/v3/time")
                    await fetch(client, "GET", replay.http_base_for(API)
                                + "/api/v3/order?symbol=BTCUSDT&orderId=28")
        message = str(info.value)
        lines = message.splitlines()
        assert lines[0].endswith("1 problem(s)")
        assert lines[1] == "- unmatched request POST /api/v3/order?symbol=BTCUSDT&side=SELL" \
                           "&type=LIMIT&quantity=1"
        assert lines[2].strip() == "closest recorded interactions:"
        assert lines[3].strip().startswith(
            "- #1 'new-order' (POST https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY"
        )
        assert lines[3].endswith("4/5 matchers passed; params failed: side=SELL but recorded BUY")
        assert "#2 'poll'" in lines[4] and "method failed: POST != GET" in lines[4]
        assert len(lines) == 6  # top 3 only

    run(scenario())


def test_a_used_interaction_is_not_served_twice() -> None:
    async def scenario() -> str:
        cassette = make_cassette([interaction("GET", f"{API}/a", {"n": 1})])
        with pytest.raises(CassetteMismatch) as info:
            async with ReplaySession(cassette) as replay, aiohttp.ClientSession() as client:
                assert (await fetch(client, "GET", replay.http_base_for(API) + "/a"))[0] == 200
                assert (await fetch(client, "GET", replay.http_base_for(API) + "/a"))[0] == 500
        return str(info.value)

    message = run(scenario())
    assert "5/5 matchers passed; all matchers pass but it was already served (add" \
           " harness.repeat: true" in message


def test_strict_mode_fails_on_unused_interactions_and_lax_mode_does_not() -> None:
    async def scenario(strict: bool) -> None:
        async with ReplaySession(order_cassette(), strict=strict) as replay, \
                aiohttp.ClientSession() as client:
            await fetch(client, "GET", replay.http_base_for(API) + "/api/v3/order"
                        "?symbol=BTCUSDT&orderId=28")

    with pytest.raises(CassetteMismatch) as info:
        run(scenario(True))
    lines = str(info.value).splitlines()
    assert lines[1:] == [
        "- never used: #0 GET https://api.binance.com/api/v3/time",
        "- never used: #1 'new-order' (POST " + ORDER + ")"]
    run(scenario(False))


def test_volatile_keys_are_configurable() -> None:
    cassette = make_cassette([interaction("GET", f"{API}/a?x=1&nonce=5", {})])

    async def scenario(volatile: set[str] | None) -> int:
        async with ReplaySession(cassette, volatile_keys=volatile, strict=False) as replay, \
                aiohttp.ClientSession() as client:
            return (await fetch(client, "GET", replay.http_base_for(API) + "/a?nonce=6&x=1"))[0]

    assert run(scenario(None)) == 200
    with pytest.raises(CassetteMismatch, match="nonce=6 but recorded 5"):
        run(scenario(set()))


SECRET = b"test-secret"


def binance_verifier(request: RequestView) -> str | None:
    """HMAC-SHA256 over the raw query string (without the signature) plus the body."""
    query = request.query_string
    payload, _, signature = query.rpartition("&signature=")
    expected = hmac.new(SECRET, (payload + request.body.decode()).encode(),
                        hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(signature, expected) else "bad signature"


def sign(query: str) -> str:
    return f"{query}&signature={hmac.new(SECRET, query.encode(), hashlib.sha256).hexdigest()}"


def test_request_verifier_rejects_a_bad_signature() -> None:
    cassette = make_cassette([
        interaction("GET", f"{API}/api/v3/account?timestamp=1&signature=SCRUBBED", {"ok": 1},
                    repeat=True),
        interaction("GET", f"{API}/api/v3/time", {"serverTime": 1})])

    async def scenario() -> None:
        async with ReplaySession(cassette, request_verifier=binance_verifier) as replay, \
                aiohttp.ClientSession() as client:
            # recorded without credentials: public, so the verifier is not asked
            assert (await fetch(client, "GET", replay.http_base_for(API) + "/api/v3/time"))[0] \
                == 200
            url = replay.http_base_for(API) + "/api/v3/account?"
            good = await fetch(client, "GET", url + sign("timestamp=1700000000000"))
            assert good == (200, {"ok": 1})
            status, answer = await fetch(client, "GET", url + "timestamp=5&signature=" + "0" * 64)
            assert status == 500 and "request_verifier rejected it (bad signature)" in \
                answer["harness_unmatched"]

    with pytest.raises(CassetteMismatch) as info:
        run(scenario())
    assert "request_verifier rejected it (bad signature); it matched #0 GET" in str(info.value)


def test_reset_fault_drops_the_connection_and_timeout_holds_it() -> None:
    cassette = make_cassette([
        interaction("POST", f"{API}/api/v3/order?symbol=A", {}, fault="reset"),
        interaction("POST", f"{API}/api/v3/order?symbol=B", {}, fault="timeout"),
    ])

    async def scenario() -> None:
        async with ReplaySession(cassette) as replay, aiohttp.ClientSession() as client:
            base = replay.http_base_for(API)
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await fetch(client, "POST", f"{base}/api/v3/order?symbol=A")
            with pytest.raises(TimeoutError):
                await fetch(client, "POST", f"{base}/api/v3/order?symbol=B",
                            timeout=aiohttp.ClientTimeout(total=0.2))
            assert [r.interaction_index for r in replay.requests] == [0, 1]

    run(scenario())


def test_timeout_fault_is_released_when_the_replay_stops() -> None:
    cassette = make_cassette([interaction("GET", f"{API}/slow", {}, fault="timeout")])

    async def scenario() -> None:
        async with aiohttp.ClientSession() as client:
            async with ReplaySession(cassette) as replay:
                pending = asyncio.create_task(fetch(client, "GET",
                                                    replay.http_base_for(API) + "/slow"))
                await eventually(lambda: replay.requests)
            with pytest.raises(aiohttp.ClientError):
                await pending

    run(scenario())


def test_json_body_requests_match() -> None:
    cassette = make_cassette([interaction("POST", f"{API}/v5/order/create", {"retCode": 0},
                                          body='{"symbol": "BTCUSDT", "qty": "1", "nonce": 3}')])

    async def scenario() -> None:
        async with ReplaySession(cassette) as replay, aiohttp.ClientSession() as client:
            answer = await fetch(client, "POST", replay.http_base_for(API) + "/v5/order/create",
                                 json={"qty": "1", "symbol": "BTCUSDT", "nonce": 99})
            assert answer == (200, {"retCode": 0})

    run(scenario())


def test_an_exception_in_the_body_is_kept_unless_a_request_missed() -> None:
    async def no_miss() -> None:
        async with ReplaySession(order_cassette()):
            raise KeyError("the test's own failure")

    with pytest.raises(KeyError):
        run(no_miss())

    async def miss() -> None:
        async with ReplaySession(order_cassette()) as replay, aiohttp.ClientSession() as client:
            await fetch(client, "GET", replay.http_base_for(API) + "/nowhere")
            raise KeyError("the connector choked on the 500")

    with pytest.raises(CassetteMismatch) as info:
        run(miss())
    assert isinstance(info.value.__context__, KeyError)
    assert "unmatched request GET /nowhere" in str(info.value)


def test_bad_options_and_use_outside_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # CI forces record mode none (tested below), which would hide these option errors.
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(ValueError, match="use RecordingProxy"):
        ReplaySession(order_cassette(), record_mode="all")
    with pytest.raises(ValueError, match="needs upstreams"):
        ReplaySession(order_cassette(), record_mode="new_episodes")
    with pytest.raises(RuntimeError, match="only inside `async with ReplaySession"):
        ReplaySession(order_cassette()).http_base_for(API)


def test_ci_forces_record_mode_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    session = ReplaySession(order_cassette(), record_mode="new_episodes")
    assert session.record_mode.value == "none"
