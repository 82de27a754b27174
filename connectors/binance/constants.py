"""Binance spot: base URLs, paths, rate limits and error codes, as Binance's docs declare them.

Sources: binance/binance-spot-api-docs (rest-api.md, web-socket-api.md, errors.md, CHANGELOG.md).
"""

from __future__ import annotations

from types import MappingProxyType

from harness.base import RateLimit

DEFAULT_URLS = MappingProxyType({
    "rest": "https://api.binance.com",
    "ws_public": "wss://stream.binance.com:9443",
    "ws_private": "wss://ws-api.binance.com:443",
})
MARKET_STREAM_PATH = "/ws"
WS_API_PATH = "/ws-api/v3"

PING_PATH = "/api/v3/ping"
TIME_PATH = "/api/v3/time"
EXCHANGE_INFO_PATH = "/api/v3/exchangeInfo"
DEPTH_PATH = "/api/v3/depth"
TICKER_PRICE_PATH = "/api/v3/ticker/price"
TICKER_24HR_PATH = "/api/v3/ticker/24hr"
ORDER_PATH = "/api/v3/order"
OPEN_ORDERS_PATH = "/api/v3/openOrders"
MY_TRADES_PATH = "/api/v3/myTrades"
ACCOUNT_PATH = "/api/v3/account"

API_KEY_HEADER = "X-MBX-APIKEY"
# Binance's default window; the server rejects a request older than this with -1021.
RECV_WINDOW_MS = 5000
# 1000 levels is the deepest snapshot at the middle weight (50); 5000 would cost 250.
DEPTH_LIMIT = 1000

# Client order ids: Binance checks `^[a-zA-Z0-9-_]{1,36}$` (error -1100 otherwise).
CLIENT_ORDER_ID_PREFIX = "CH-"
CLIENT_ORDER_ID_MAX_LENGTH = 36
CLIENT_ORDER_ID_CHARSET = r"[A-Za-z0-9_-]"

# ---------------------------------------------------------------------------------------------
# Rate limits. Binance counts per IP: REQUEST_WEIGHT 6000/min and RAW_REQUESTS 300000/5 min;
# per account: ORDERS 100/10 s and 200000/day. Each endpoint below is its own entry (so the
# throttler knows its weight) linked to the pools it spends from.
REQUEST_WEIGHT = "REQUEST_WEIGHT"
RAW_REQUESTS = "RAW_REQUESTS"
ORDERS_10S = "ORDERS_10S"
ORDERS_1D = "ORDERS_1D"
MINUTE, DAY = 60.0, 86_400.0

POOLS = (
    RateLimit(REQUEST_WEIGHT, 6000, MINUTE),
    RateLimit(RAW_REQUESTS, 300_000, 5 * MINUTE),
    RateLimit(ORDERS_10S, 100, 10.0),
    RateLimit(ORDERS_1D, 200_000, DAY),
)


def depth_weight(limit: int) -> int:
    """The documented weight of GET /api/v3/depth for `limit` levels."""
    if limit <= 100:
        return 5
    if limit <= 500:
        return 25
    if limit <= 1000:
        return 50
    return 250


def limit_id(method: str, path: str) -> str:
    """Throttler key of an endpoint: the method matters (GET /order weighs 4, DELETE 1)."""
    return f"{method} {path}"


def _endpoint(method: str, path: str, weight: int, *, orders: bool = False) -> RateLimit:
    linked: tuple[tuple[str, int], ...] = ((REQUEST_WEIGHT, weight), (RAW_REQUESTS, 1))
    if orders:
        linked += ((ORDERS_10S, 1), (ORDERS_1D, 1))
    # The entry's own window only counts requests; the pools above do the limiting.
    return RateLimit(limit_id(method, path), 6000, MINUTE, 1, linked)


TICKER_PRICE_ALL = "GET /api/v3/ticker/price (all)"

RATE_LIMITS = (
    *POOLS,
    _endpoint("GET", PING_PATH, 1),
    _endpoint("GET", TIME_PATH, 1),
    _endpoint("GET", EXCHANGE_INFO_PATH, 20),
    _endpoint("GET", DEPTH_PATH, depth_weight(DEPTH_LIMIT)),
    _endpoint("GET", TICKER_PRICE_PATH, 2),
    RateLimit(TICKER_PRICE_ALL, 6000, MINUTE, 1, ((REQUEST_WEIGHT, 4), (RAW_REQUESTS, 1))),
    # Since 2026-04-02 a successful placement or cancel weighs 0; a failed one still weighs 1.
    # Counting 1 always is the safe side.
    _endpoint("POST", ORDER_PATH, 1, orders=True),
    _endpoint("DELETE", ORDER_PATH, 1),
    _endpoint("DELETE", OPEN_ORDERS_PATH, 1),
    _endpoint("GET", ORDER_PATH, 4),
    _endpoint("GET", MY_TRADES_PATH, 5),  # 5 with orderId (always sent here), 20 without
    _endpoint("GET", ACCOUNT_PATH, 20),
)

# ---------------------------------------------------------------------------------------------
# Error codes (errors.md) that the connector tells apart.
UNKNOWN = -1000
UNEXPECTED_RESP = -1006
TIMEOUT = -1007
INVALID_TIMESTAMP = -1021
NEW_ORDER_REJECTED = -2010
CANCEL_REJECTED = -2011
NO_SUCH_ORDER = -2013
# Codes that say the execution status is unknown: the order may exist.
UNKNOWN_OUTCOME_CODES = frozenset({UNKNOWN, UNEXPECTED_RESP, TIMEOUT})
UNKNOWN_ORDER_MESSAGE = "Unknown order sent."
