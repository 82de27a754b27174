"""Bybit v5: base URLs, paths, rate limits and error codes, as Bybit's docs declare them.

Sources: bybit-exchange/docs, docs/v5 (guide.mdx for signing and rate limits, rate-limit.mdx,
error.mdx, market/*, order/*, account/wallet-balance.mdx, websocket/public/*, private/*).
The category (`spot`, `linear`) is a parameter of every endpoint: one API for all products.
"""

from __future__ import annotations

from types import MappingProxyType

from harness.base import RateLimit

DEFAULT_URLS = MappingProxyType({
    "rest": "https://api.bybit.com",
    "ws_public": "wss://stream.bybit.com",
    "ws_private": "wss://stream.bybit.com",
})
PUBLIC_STREAM_PATH = "/v5/public/{category}"
PRIVATE_STREAM_PATH = "/v5/private"

TIME_PATH = "/v5/market/time"
SYSTEM_STATUS_PATH = "/v5/system/status"
INSTRUMENTS_PATH = "/v5/market/instruments-info"
ORDERBOOK_PATH = "/v5/market/orderbook"
TICKERS_PATH = "/v5/market/tickers"
CREATE_PATH = "/v5/order/create"
CANCEL_PATH = "/v5/order/cancel"
CANCEL_ALL_PATH = "/v5/order/cancel-all"
REALTIME_PATH = "/v5/order/realtime"
EXECUTIONS_PATH = "/v5/execution/list"
WALLET_PATH = "/v5/account/wallet-balance"

API_KEY_HEADER = "X-BAPI-API-KEY"
TIMESTAMP_HEADER = "X-BAPI-TIMESTAMP"
RECV_WINDOW_HEADER = "X-BAPI-RECV-WINDOW"
SIGN_HEADER = "X-BAPI-SIGN"
# Bybit's documented default window; a request older than this is refused with 10002.
RECV_WINDOW_MS = 5000
# The private stream's auth operation signs "GET/realtime" + expires; this is how far ahead.
WS_AUTH_EXPIRES_MS = 10_000
ACCOUNT_TYPE = "UNIFIED"
# market/orderbook.mdx: the REST book's `u` continues the stream of the 50-level spot book
# (REST limit 1-50) and of the 200-level derivatives book (REST limit 1-200).
SPOT_BOOK_DEPTH = 50
LINEAR_BOOK_DEPTH = 200

# orderLinkId: at most 36 characters of letters, digits, "-" and "_" (order/create-order.mdx).
CLIENT_ORDER_ID_PREFIX = "CH-"
CLIENT_ORDER_ID_MAX_LENGTH = 36
CLIENT_ORDER_ID_CHARSET = r"[A-Za-z0-9_-]"

# ---------------------------------------------------------------------------------------------
# Rate limits (rate-limit.mdx). Per IP: 600 requests in any 5-second window (HTTP 403 past
# it). Per UID and endpoint, per second: spot order create / cancel / cancel-all 20,
# realtime orders, executions and wallet balance 50. Public market endpoints count only
# toward the IP limit.
IP_POOL = "IP_5S"
IP_LIMIT, IP_WINDOW = 600, 5.0
IP_BAN_SECONDS = 600.0


def limit_id(method: str, path: str) -> str:
    return f"{method} {path}"


def _endpoint(method: str, path: str, per_second: int | None = None) -> RateLimit:
    linked = ((IP_POOL, 1),)
    if per_second is None:  # only the IP pool limits it
        return RateLimit(limit_id(method, path), IP_LIMIT, IP_WINDOW, 1, linked)
    return RateLimit(limit_id(method, path), per_second, 1.0, 1, linked)


RATE_LIMITS = (
    RateLimit(IP_POOL, IP_LIMIT, IP_WINDOW),
    _endpoint("GET", TIME_PATH),
    _endpoint("GET", SYSTEM_STATUS_PATH),
    _endpoint("GET", INSTRUMENTS_PATH),
    _endpoint("GET", ORDERBOOK_PATH),
    _endpoint("GET", TICKERS_PATH),
    _endpoint("POST", CREATE_PATH, 20),
    _endpoint("POST", CANCEL_PATH, 20),
    _endpoint("POST", CANCEL_ALL_PATH, 20),
    _endpoint("GET", REALTIME_PATH, 50),
    _endpoint("GET", EXECUTIONS_PATH, 50),
    _endpoint("GET", WALLET_PATH, 50),
)

# ---------------------------------------------------------------------------------------------
# retCodes (error.mdx) that the connector tells apart. Bybit answers HTTP 200 with a non-zero
# retCode for most errors.
OK = 0
INVALID_TIMESTAMP = 10002  # "invalid request, please check your server timestamp or recv_window"
TOO_MANY_VISITS = 10006
# 10000 "Server Timeout", 10016 "Server error" (or the service restarting): the request may
# or may not have been executed.
UNKNOWN_OUTCOME_CODES = frozenset({10000, 10016})
ORDER_NOT_FOUND_CODES = frozenset({
    110001,  # derivatives: "Order does not exist"
    170213,  # spot: "Order does not exist."
})
# Headers of a 10006 answer: when the endpoint's window resets (epoch ms).
LIMIT_RESET_HEADER = "X-Bapi-Limit-Reset-Timestamp"
