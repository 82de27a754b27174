"""Building a ccxt exchange for the harness: every URL on loopback, its clock and its rate
limiter on the harness clock, and one clear error for a bad [adapter] table."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("ccxt")

from harness.adapters.ccxt_build import (
    AdapterConfigError,
    build_exchange,
    loopback_url,
    origin,
    repoint,
    run_throttler_on,
)
from harness.standard.config import ConnectorConfig
from harness.standard.pair import TradingPair

PRODUCTION = {"rest": "https://api.binance.com", "ws_public": "wss://stream.binance.com:9443",
              "ws_private": "wss://ws-api.binance.com:443"}
LOOPBACK = {"rest": "http://127.0.0.1:1001", "ws_public": "ws://127.0.0.1:1002",
            "ws_private": "ws://127.0.0.1:1003"}


class SteppingClock:
    """Time moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1_763_712_000.0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def config(clock: Any = None, **options: Any) -> ConnectorConfig:
    values: dict[str, Any] = {"exchange_id": "binance", "production_urls": PRODUCTION,
                              "ccxt_options": {"fetchMarkets": {"types": ["spot"]}}}
    values.update(options)
    extra = {"clock": clock} if clock is not None else {}
    return ConnectorConfig((TradingPair("BTC", "USDT"),), api_key="k", api_secret="s",
                           urls=LOOPBACK, options=values, **extra)


def test_origins_fold_secure_schemes_and_keep_ports() -> None:
    assert origin("https://api.binance.com/api/v3") == "http://api.binance.com"
    assert origin("wss://ws-api.binance.com:443/ws-api/v3") == "ws://ws-api.binance.com:443"


def test_each_url_goes_to_its_roles_loopback_keeping_its_path() -> None:
    assert loopback_url("https://api.binance.com/api/v3", PRODUCTION, LOOPBACK) == \
        "http://127.0.0.1:1001/api/v3"
    assert loopback_url("wss://ws-api.binance.com:443/ws-api/v3", PRODUCTION, LOOPBACK) == \
        "ws://127.0.0.1:1003/ws-api/v3"
    assert loopback_url("wss://stream.binance.com:9443/ws", PRODUCTION, LOOPBACK) == \
        "ws://127.0.0.1:1002/ws"


def test_hosts_the_manifest_does_not_declare_still_go_to_loopback() -> None:
    # fapi, dapi...: refused loudly by the replay or the double, never sent to the internet
    assert loopback_url("https://fapi.binance.com/fapi/v1", PRODUCTION, LOOPBACK) == \
        "http://127.0.0.1:1001/fapi/v1"
    assert loopback_url("wss://fstream.binance.com/ws", PRODUCTION, LOOPBACK) == \
        "ws://127.0.0.1:1002/ws"
    tree = repoint({"a": "https://x.example/p", "b": {"c": "wss://y.example"}, "n": 3},
                   PRODUCTION, LOOPBACK)
    assert tree == {"a": "http://127.0.0.1:1001/p", "b": {"c": "ws://127.0.0.1:1002"}, "n": 3}
    with pytest.raises(AdapterConfigError, match="declares no ws base URL"):
        loopback_url("wss://y.example", {"rest": PRODUCTION["rest"]}, LOOPBACK)


def test_every_ccxt_url_of_the_built_exchange_is_on_loopback() -> None:
    exchange = build_exchange(config())

    def urls(tree: Any) -> list[str]:
        if isinstance(tree, str):
            return [tree]
        return [u for value in tree.values() for u in urls(value)] if isinstance(tree, dict) \
            else []

    found = urls(exchange.urls["api"])
    assert len(found) > 20
    assert all(url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:")) for url in found), found
    assert exchange.options["fetchMarkets"]["types"] == ["spot"]  # deep-merged by ccxt
    assert (exchange.apiKey, exchange.secret) == ("k", "s")


def test_ccxt_signs_with_the_harness_clock() -> None:
    clock = SteppingClock()
    exchange = build_exchange(config(clock))
    assert exchange.milliseconds() == 1_763_712_000_000
    clock.now += 2.5
    assert exchange.nonce() == 1_763_712_002_500


@pytest.mark.parametrize(("options", "message"), [
    ({"exchange_id": ""}, "exchange_id: missing"),
    ({"exchange_id": "nosuchexchange"}, "ccxt.pro has no exchange 'nosuchexchange'"),
])
def test_a_bad_adapter_table_is_one_clear_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(AdapterConfigError, match=message):
        build_exchange(config(**options))


def test_ccxts_throttler_waits_on_the_harness_clock() -> None:
    """Five requests of cost 1 at ccxt's 50 ms per unit: the clock moves by ccxt's waits
    (a stepping clock only moves when slept on), and no wall time is spent."""
    clock = SteppingClock()
    exchange = build_exchange(config(clock))

    async def burst() -> float:
        started = clock.time()
        for _ in range(5):
            await exchange.throttle(1)
        return clock.time() - started

    waited = asyncio.run(asyncio.wait_for(burst(), 5.0))
    assert 0.19 <= waited <= 0.25, waited


def test_a_throttler_is_bound_once() -> None:
    clock = SteppingClock()
    exchange = build_exchange(config(clock))
    bound = exchange.throttler.leaky_bucket_loop
    run_throttler_on(exchange.throttler, SteppingClock())
    run_throttler_on(None, clock)
    assert exchange.throttler.leaky_bucket_loop is bound
