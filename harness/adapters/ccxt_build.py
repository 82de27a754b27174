"""Building a ccxt exchange (async_support + pro) that talks only to the harness' loopback.

Every URL in ccxt's `urls["api"]` tree is re-pointed through ccxt's own `urls` override:
a URL whose origin is one of the manifest's production base URLs goes to that role's
loopback base (keeping its path), and every other URL (Binance's sapi, fapi, dapi... hosts)
goes to the loopback base of the same kind too, so a request ccxt should not make reaches
the replay or the double and is refused loudly there, never the internet.

ccxt's idea of "now" for what it signs is the harness clock: the exchange instance's
`milliseconds` is bound to `ConnectorConfig.clock` (ccxt calls `self.milliseconds()` for
every nonce and timestamp it sends).

ccxt's rate limiter (its leaky bucket, for REST and for each WebSocket client) sleeps with
`asyncio.sleep` and measures the refill with `time.time()`. On the harness' idle-skipping
loop (harness.idle_time) those two clocks drift apart: the loop jumps over the 1 ms sleeps
while the wall clock barely moves, so a throttled request waits hundreds of loop-seconds and
every deadline fires; and a check that steps its clock (SteppingClock) would never see ccxt
wait at all. The fix keeps ccxt's algorithm, costs and rates as they are and runs its bucket
on the harness clock, for both its waits and its measurements, as it runs on the wall clock
in production: each throttler's loop functions run with `time` and `asyncio.sleep` bound to
`ConnectorConfig.clock` (the clock the connector is polled by and the double counts limits in).
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from harness.standard.clock import Clock
from harness.standard.config import ConnectorConfig


class AdapterConfigError(ValueError):
    """The manifest's [adapter] table cannot build a ccxt exchange."""


def origin(url: str) -> str:
    """scheme://host[:port] with the scheme's secure/plain flavour folded, for comparisons.

    >>> origin("wss://stream.binance.com:9443/ws")
    'ws://stream.binance.com:9443'
    """
    parts = urlsplit(url)
    scheme = {"https": "http", "wss": "ws"}.get(parts.scheme, parts.scheme)
    port = f":{parts.port}" if parts.port else ""
    return f"{scheme}://{parts.hostname}{port}"


def _is_ws(url: str) -> bool:
    return url.startswith(("ws://", "wss://"))


def loopback_url(url: str, production: Mapping[str, str], loopback: Mapping[str, str]) -> str:
    """`url` with its origin replaced by the loopback base of the role it belongs to.

    >>> loopback_url("https://api.binance.com/api/v3", {"rest": "https://api.binance.com"},
    ...              {"rest": "http://127.0.0.1:8080"})
    'http://127.0.0.1:8080/api/v3'
    """
    role = next((role for role, base in production.items() if origin(base) == origin(url)),
                None)
    if role is None or role not in loopback:
        # Not a host the manifest declares: the first role of the same kind (ws or http).
        role = next((r for r, base in production.items()
                     if _is_ws(base) == _is_ws(url) and r in loopback), None)
    if role is None:
        raise AdapterConfigError(f"no loopback URL for {url}: the manifest declares no "
                                 f"{'ws' if _is_ws(url) else 'http'} base URL")
    path = url[len(url.split("//", 1)[0]) + 2:].partition("/")[2]
    return loopback[role].rstrip("/") + ("/" + path if path else "")


def repoint(tree: Any, production: Mapping[str, str], loopback: Mapping[str, str]) -> Any:
    """A copy of ccxt's `urls["api"]` tree (nested dicts of URLs) with every URL repointed."""
    if isinstance(tree, str):
        return loopback_url(tree, production, loopback)
    if isinstance(tree, Mapping):
        return {key: repoint(value, production, loopback) for key, value in tree.items()}
    return tree


def build_exchange(config: ConnectorConfig) -> Any:
    """The ccxt.pro exchange the manifest names, credentials set, pointed at loopback."""
    options = config.options
    exchange_id = options.get("exchange_id")
    if not isinstance(exchange_id, str) or not exchange_id:
        raise AdapterConfigError("[adapter] exchange_id: missing; name the ccxt exchange "
                                 "(e.g. exchange_id = \"binance\")")
    ccxt_pro = importlib.import_module("ccxt.pro")
    exchange_class = getattr(ccxt_pro, exchange_id, None)
    if exchange_class is None:
        raise AdapterConfigError(f"[adapter] exchange_id: ccxt.pro has no exchange "
                                 f"{exchange_id!r}; see ccxt.pro.exchanges")
    ccxt_options = dict(options.get("ccxt_options", {}))
    exchange = exchange_class({
        "apiKey": config.api_key, "secret": config.api_secret,
        "timeout": int(config.request_timeout * 1000),
        "options": ccxt_options,
    })
    production = dict(options.get("production_urls", {}))
    if production:
        urls = dict(exchange.urls)
        urls["api"] = repoint(urls["api"], production, config.urls)
        exchange.urls = urls
    clock = config.clock
    # ccxt stamps and signs with self.milliseconds(): the harness clock is the exchange's.
    exchange.milliseconds = lambda: int(clock.time() * 1000)
    run_throttler_on(exchange.throttler, clock)
    new_client: Callable[[str], Any] = exchange.client

    def client(url: str) -> Any:
        """ccxt's WebSocket client for `url` (made on first use), its throttler on our clock."""
        made = new_client(url)
        run_throttler_on(getattr(made, "throttle", None), clock)
        return made

    exchange.client = client
    return exchange


class _ClockAsyncio:
    """The one part of `asyncio` ccxt's throttler loops use, `sleep`, on a harness clock."""

    def __init__(self, clock: Clock) -> None:
        self.sleep = clock.sleep


def run_throttler_on(throttler: Any, clock: Clock) -> None:
    """Run a ccxt Throttler's own loops with `time()` and `asyncio.sleep` from `clock`."""
    if throttler is None or getattr(throttler, "harness_clock", False):
        return
    module = importlib.import_module(type(throttler).__module__)
    namespace = {**vars(module), "time": clock.time, "asyncio": _ClockAsyncio(clock)}
    for name in ("leaky_bucket_loop", "rolling_window_loop"):
        method = getattr(type(throttler), name, None)
        if method is None:
            continue
        rebound = types.FunctionType(method.__code__, namespace, method.__name__,
                                     method.__defaults__, method.__closure__)
        setattr(throttler, name, types.MethodType(rebound, throttler))
    throttler.harness_clock = True
