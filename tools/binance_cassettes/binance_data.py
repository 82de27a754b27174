"""Binance payloads (documented formats, rest-api.md / web-socket-*.md / user-data-stream.md)."""
from __future__ import annotations

from typing import Any

from harness.cassette.builder import SCRUBBED, Cassette, client, flow, server

REST = "https://api.binance.com"
WS_PUBLIC = "wss://stream.binance.com:9443/ws"
WS_API = "wss://ws-api.binance.com:443/ws-api/v3"
T0 = 1795248000000  # 2026-11-21T08:00:00Z, ms: the day of meta.date


def seconds(after_t0_ms: int) -> float:
    """An exchange time `after_t0_ms` after T0 as the standard's events carry it: seconds."""
    return (T0 + after_t0_ms) / 1000
SIGNED = {"recvWindow": "5000", "timestamp": "0", "signature": SCRUBBED}
AUTH = {"X-MBX-APIKEY": SCRUBBED}
# rest-api.md, the "Weight:" of each endpoint the cassettes use.
_WEIGHTS = {("GET", "/api/v3/time"): 1, ("GET", "/api/v3/ping"): 1,
            ("GET", "/api/v3/exchangeInfo"): 20, ("GET", "/api/v3/account"): 20,
            ("POST", "/api/v3/order"): 1, ("DELETE", "/api/v3/order"): 1,
            ("GET", "/api/v3/order"): 4}
ORDERS_PER_10S = 100  # exchangeInfo rateLimits: ORDERS, SECOND, 10


def request_weight(method: str, path: str, params: dict[str, str]) -> int:
    """rest-api.md: depth by its limit, myTrades 5 with orderId (else 20), ticker/price 2 for
    one symbol (else 4), the rest fixed."""
    if path == "/api/v3/depth":
        limit = int(params.get("limit", "100"))
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    if path == "/api/v3/myTrades":
        return 5 if "orderId" in params else 20
    if path == "/api/v3/ticker/price":
        return 2 if "symbol" in params else 4
    return _WEIGHTS[(method, path)]


def WEIGHT(c: Cassette, method: str, path: str, params: dict[str, str], status: int,
           fault: str | None) -> dict[str, str]:
    """rest-api.md LIMITS: every answer carries the IP's used weight, growing with each
    request of the scenario; every successful order response also carries the unfilled order
    counts (X-MBX-ORDER-COUNT-10S / -1D). A scenario's requests fall in one minute and one
    day; after 100 orders the client's throttle waits, so the 10 s window starts again."""
    c.state["weight"] = c.state.get("weight", 0) + request_weight(method, path, params)
    headers = {"X-MBX-USED-WEIGHT-1M": str(c.state["weight"])}
    if (method, path) == ("POST", "/api/v3/order") and status == 200 and fault is None:
        c.state["orders"] = c.state.get("orders", 0) + 1
        in_window = (c.state["orders"] - 1) % ORDERS_PER_10S + 1
        headers.update({"X-MBX-ORDER-COUNT-10S": str(in_window),
                        "X-MBX-ORDER-COUNT-1D": str(c.state["orders"])})
    return headers


def symbol(name: str, base: str, quote: str, *, status: str = "TRADING", spot: bool = True,
           tick: str = "0.01000000", min_qty: str = "0.00001000", max_qty: str = "9000.00000000",
           step: str = "0.00001000", notional: dict[str, Any] | None = None,
           filters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    if filters is None:
        filters = [
            {"filterType": "PRICE_FILTER", "minPrice": tick, "maxPrice": "1000000.00000000",
             "tickSize": tick},
            {"filterType": "LOT_SIZE", "minQty": min_qty, "maxQty": max_qty, "stepSize": step},
            notional or {"filterType": "NOTIONAL", "minNotional": "5.00000000",
                         "applyMinToMarket": True, "maxNotional": "9000000.00000000",
                         "applyMaxToMarket": False, "avgPriceMins": 5},
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        ]
    return {
        "symbol": name, "status": status, "baseAsset": base, "baseAssetPrecision": 8,
        "quoteAsset": quote, "quotePrecision": 8, "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8, "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        # rest-api.md exchangeInfo, current: opoAllowed and pegInstructionsAllowed included.
        "icebergAllowed": True, "ocoAllowed": True, "otoAllowed": True, "opoAllowed": True,
        "quoteOrderQtyMarketAllowed": True, "allowTrailingStop": True,
        "cancelReplaceAllowed": True, "amendAllowed": True, "pegInstructionsAllowed": True,
        "isSpotTradingAllowed": spot,
        "isMarginTradingAllowed": True, "filters": filters, "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]] if spot else [["MARGIN"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }


BTCUSDT = symbol("BTCUSDT", "BTC", "USDT", min_qty="0.00010000")
ETHUSDT = symbol("ETHUSDT", "ETH", "USDT", min_qty="0.00010000", max_qty="100000.00000000",
                 step="0.00010000",
                 notional={"filterType": "MIN_NOTIONAL", "minNotional": "10.00000000",
                           "applyToMarket": True, "avgPriceMins": 5})
BNBBTC_BREAK = symbol("BNBBTC", "BNB", "BTC", status="BREAK", tick="0.00000100",
                      min_qty="0.00100000", step="0.00100000")
LUNAUSDT_MARGIN = symbol("LUNAUSDT", "LUNA", "USDT", spot=False)


def exchange_info(symbols: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "timezone": "UTC", "serverTime": T0,
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
             "limit": 6000},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
            {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
            {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5,
             "limit": 300000},
        ],
        "exchangeFilters": [],
        "symbols": symbols if symbols is not None else [BTCUSDT, ETHUSDT],
    }


ACCOUNT_BALANCES = [
    {"asset": "BTC", "free": "1.50000000", "locked": "0.50000000"},
    {"asset": "USDT", "free": "10000.00000000", "locked": "250.00000000"},
    {"asset": "BNB", "free": "2.00000000", "locked": "0.00000000"},
]


def account(balances: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "makerCommission": 10, "takerCommission": 10, "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": "0.00100000", "taker": "0.00100000", "buyer": "0.00000000",
                            "seller": "0.00000000"},
        "canTrade": True, "canWithdraw": True, "canDeposit": True, "brokered": False,
        "requireSelfTradePrevention": False, "preventSor": False, "updateTime": T0,
        "accountType": "SPOT",
        "balances": balances if balances is not None else ACCOUNT_BALANCES,
        "permissions": ["SPOT"], "uid": 354937868,
    }


BTC_BOOK = {"lastUpdateId": 1000,
            "bids": [["30000.00000000", "1.50000000"], ["29999.50000000", "2.00000000"],
                     ["29999.00000000", "0.75000000"]],
            "asks": [["30000.50000000", "1.00000000"], ["30001.00000000", "3.00000000"],
                     ["30002.00000000", "0.40000000"]]}
ETH_BOOK = {"lastUpdateId": 500,
            "bids": [["2000.00000000", "10.00000000"], ["1999.90000000", "5.00000000"]],
            "asks": [["2000.10000000", "8.00000000"], ["2000.20000000", "12.00000000"]]}

MARKET_STREAMS = ["btcusdt@depth@100ms", "btcusdt@trade", "ethusdt@depth@100ms", "ethusdt@trade"]


def subscribe_market(request_id: int = 1) -> dict[str, Any]:
    return client(flow({"method": "SUBSCRIBE", "params": MARKET_STREAMS, "id": request_id}))


def market_ack(request_id: int = 1, after_client: int = 0) -> dict[str, Any]:
    return server(flow({"result": None, "id": request_id}), after_client=after_client)


def subscribe_user(request_id: int = 1) -> dict[str, Any]:
    return client(flow({"id": request_id, "method": "userDataStream.subscribe.signature",
                        "params": {"apiKey": SCRUBBED, "timestamp": 0,
                                   "signature": SCRUBBED}}), ignore=["apiKey"])


def user_ack(request_id: int = 1, after_client: int = 0, delay: float | None = None
             ) -> dict[str, Any]:
    return server(flow({"id": request_id, "status": 200, "result": {"subscriptionId": 0},
                        "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE",
                                        "intervalNum": 1, "limit": 6000, "count": 2}]}),
                  after_client=after_client, delay=delay)


def user_event(event: dict[str, Any], **after: Any) -> dict[str, Any]:
    return server(flow({"subscriptionId": 0, "event": event}), **after)


def depth_update(symbol_name: str, first: int, last: int, bids: list[list[str]],
                 asks: list[list[str]], **after: Any) -> dict[str, Any]:
    return server(flow({"e": "depthUpdate", "E": T0 + last, "s": symbol_name, "U": first,
                        "u": last, "b": bids, "a": asks}), **after)


def trade_event(symbol_name: str, trade_id: int, price: str, qty: str, buyer_maker: bool,
                **after: Any) -> dict[str, Any]:
    return server(flow({"e": "trade", "E": T0 + 5, "s": symbol_name, "t": trade_id, "p": price,
                        "q": qty, "T": T0 + 4, "m": buyer_maker, "M": True}), **after)


# REST helpers ------------------------------------------------------------------------------
def time_(c: Cassette, *, repeat: bool = True, id: str | None = None) -> None:
    c.http("GET", REST, "/api/v3/time", body={"serverTime": T0}, repeat=repeat, id=id,
           response_headers=WEIGHT)


def exchange_info_(c: Cassette, symbols: list[dict[str, Any]] | None = None, *,
                   repeat: bool = False, id: str | None = None, status: int = 200,
                   body: Any = None, fault: str | None = None) -> None:
    c.http("GET", REST, "/api/v3/exchangeInfo", status=status,
           body=body if body is not None else exchange_info(symbols), repeat=repeat, id=id,
           fault=fault, response_headers=WEIGHT)


def account_(c: Cassette, balances: list[dict[str, str]] | None = None, *, repeat: bool = True,
             id: str | None = None, status: int = 200, body: Any = None) -> None:
    c.http("GET", REST, "/api/v3/account", {"omitZeroBalances": "true"}, signed_params=SIGNED,
           request_headers=AUTH, status=status,
           body=body if body is not None else account(balances), repeat=repeat, id=id,
           response_headers=WEIGHT)


def depth_(c: Cassette, symbol_name: str, book: dict[str, Any], *, id: str | None = None,
           repeat: bool = False, optional: bool = False) -> None:
    c.http("GET", REST, "/api/v3/depth", {"symbol": symbol_name, "limit": "1000"}, body=book,
           id=id, repeat=repeat, optional=optional, response_headers=WEIGHT)


def start_traffic(c: Cassette, *, symbols: list[dict[str, Any]] | None = None,
            balances: list[dict[str, str]] | None = None, account_repeat: bool = True,
            btc_book: dict[str, Any] | None = None, eth_book: dict[str, Any] | None = None,
            market_frames: list[dict[str, Any]] | None = None,
            user_frames: list[dict[str, Any]] | None = None, user_ack_delay: float | None = None,
            extra_market: list[list[dict[str, Any]]] | None = None,
            extra_user: list[list[dict[str, Any]]] | None = None) -> None:
    """Everything `start()` does: time, exchangeInfo, account, both books, both streams."""
    time_(c)
    exchange_info_(c, symbols)
    account_(c, balances, repeat=account_repeat)
    depth_(c, "BTCUSDT", btc_book or BTC_BOOK, id="depth_btc")
    depth_(c, "ETHUSDT", eth_book or ETH_BOOK, id="depth_eth")
    c.ws(WS_PUBLIC, [subscribe_market(), market_ack(), *(market_frames or [])])
    for frames in extra_market or []:
        c.ws(WS_PUBLIC, frames)
    c.ws(WS_API, [subscribe_user(), user_ack(delay=user_ack_delay), *(user_frames or [])])
    for frames in extra_user or []:
        c.ws(WS_API, frames)


# orders -------------------------------------------------------------------------------------
def order_body(cid: str, order_id: int, *, side: str = "BUY", type_: str = "LIMIT",
               price: str = "30000.00000000", qty: str = "0.01000000",
               executed: str = "0.00000000", quote: str = "0.00000000", status: str = "NEW",
               fills: list[dict[str, Any]] | None = None, tif: str | None = "GTC") -> dict[str, Any]:
    """POST /api/v3/order response, newOrderRespType=FULL."""
    body: dict[str, Any] = {
        "symbol": "BTCUSDT", "orderId": order_id, "orderListId": -1, "clientOrderId": cid,
        "transactTime": T0 + 100, "price": price, "origQty": qty, "executedQty": executed,
        "origQuoteOrderQty": "0.00000000", "cummulativeQuoteQty": quote, "status": status,
    }
    if tif:
        body["timeInForce"] = tif
    body.update({"type": type_, "side": side, "workingTime": T0 + 100,
                 "selfTradePreventionMode": "EXPIRE_MAKER", "fills": fills or []})
    return body


def query_body(cid: str, order_id: int, *, status: str, executed: str = "0.00000000",
               quote: str = "0.00000000", side: str = "BUY", qty: str = "0.01000000",
               price: str = "30000.00000000", update: int = 200) -> dict[str, Any]:
    """GET /api/v3/order response."""
    return {"symbol": "BTCUSDT", "orderId": order_id, "orderListId": -1, "clientOrderId": cid,
            "price": price, "origQty": qty, "executedQty": executed,
            "cummulativeQuoteQty": quote, "status": status, "timeInForce": "GTC",
            "type": "LIMIT", "side": side, "stopPrice": "0.00000000",
            "icebergQty": "0.00000000", "time": T0 + 100, "updateTime": T0 + update,
            "isWorking": status in ("NEW", "PARTIALLY_FILLED"), "workingTime": T0 + 100,
            "origQuoteOrderQty": "0.00000000", "selfTradePreventionMode": "EXPIRE_MAKER"}


def cancel_body(cid: str, order_id: int, *, executed: str = "0.00000000",
                quote: str = "0.00000000", side: str = "BUY") -> dict[str, Any]:
    """DELETE /api/v3/order response."""
    return {"symbol": "BTCUSDT", "origClientOrderId": cid, "orderId": order_id,
            "orderListId": -1, "clientOrderId": "x-cxl-8GJNXV9mrBT5Hk", "transactTime": T0 + 300,
            "price": "30000.00000000", "origQty": "0.01000000", "executedQty": executed,
            "origQuoteOrderQty": "0.00000000", "cummulativeQuoteQty": quote,
            "status": "CANCELED", "timeInForce": "GTC", "type": "LIMIT", "side": side,
            "selfTradePreventionMode": "EXPIRE_MAKER"}


def trade_body(trade_id: int, order_id: int, price: str, qty: str, quote: str, commission: str,
               asset: str, *, buyer: bool = True, maker: bool = True, time: int = 200
               ) -> dict[str, Any]:
    """One GET /api/v3/myTrades entry."""
    return {"symbol": "BTCUSDT", "id": trade_id, "orderId": order_id, "orderListId": -1,
            "price": price, "qty": qty, "quoteQty": quote, "commission": commission,
            "commissionAsset": asset, "time": T0 + time, "isBuyer": buyer, "isMaker": maker,
            "isBestMatch": True}


def execution_report(cid: str, order_id: int, *, x: str, X: str, side: str = "BUY",
                     type_: str = "LIMIT", qty: str = "0.01000000", price: str = "30000.00000000",
                     last_qty: str = "0.00000000", cum_qty: str = "0.00000000",
                     last_price: str = "0.00000000", trade_id: int = -1,
                     commission: str = "0", commission_asset: str | None = None,
                     cum_quote: str = "0.00000000", orig_cid: str = "", maker: bool = False,
                     at: int = 150) -> dict[str, Any]:
    """user-data-stream.md executionReport. No `v` (prevented match id): Binance sends it only
    when self-trade prevention expired the order."""
    last_quote = "0.00000000"
    if trade_id != -1:
        from decimal import Decimal
        last_quote = f"{Decimal(last_qty) * Decimal(last_price):.8f}"
    return {"e": "executionReport", "E": T0 + at + 1, "s": "BTCUSDT", "c": cid, "S": side,
            "o": type_, "f": "GTC", "q": qty, "p": price, "P": "0.00000000", "F": "0.00000000",
            "g": -1, "C": orig_cid, "x": x, "X": X, "r": "NONE", "i": order_id, "l": last_qty,
            "z": cum_qty, "L": last_price, "n": commission, "N": commission_asset,
            "T": T0 + at, "t": trade_id, "I": 8641984 + at,
            # w: "is the order on the book?" - an open LIMIT order rests there.
            "w": X in ("NEW", "PARTIALLY_FILLED") and type_ != "MARKET",
            "m": maker, "M": False, "O": T0 + 100, "Z": cum_quote, "Y": last_quote,
            "Q": "0.00000000", "W": T0 + 100, "V": "EXPIRE_MAKER"}


def account_position(balances: list[tuple[str, str, str]], at: int = 400) -> dict[str, Any]:
    """user-data-stream.md outboundAccountPosition."""
    return {"e": "outboundAccountPosition", "E": T0 + at + 1, "u": T0 + at,
            "B": [{"a": a, "f": f, "l": lck} for a, f, lck in balances]}


def order_params(cid: str, *, side: str = "BUY", type_: str = "LIMIT", quantity: str = "0.01",
                 price: str | None = "30000", symbol_name: str = "BTCUSDT") -> dict[str, str]:
    """The query a BinanceSpotConnector placement carries (besides the signing parameters)."""
    params = {"symbol": symbol_name, "side": side, "type": type_, "quantity": quantity,
              "newClientOrderId": cid, "newOrderRespType": "FULL"}
    if price is not None:
        params["price"] = price
    if type_ == "LIMIT":
        params["timeInForce"] = "GTC"
    return params


def place_(c: Cassette, params: dict[str, str], *, status: int = 200, body: Any = None,
           id: str | None = "place", fault: str | None = None, repeat: bool = False) -> None:
    c.http("POST", REST, "/api/v3/order", params, signed_params=SIGNED, request_headers=AUTH,
           status=status, body=body,
           id=id, fault=fault, repeat=repeat, response_headers=WEIGHT)


def order_ref(cid: str) -> dict[str, str]:
    return {"symbol": "BTCUSDT", "origClientOrderId": cid}


def status_(c: Cassette, cid: str, *, status: int = 200, body: Any = None, id: str | None = None,
            repeat: bool = False) -> None:
    c.http("GET", REST, "/api/v3/order", order_ref(cid), signed_params=SIGNED,
           request_headers=AUTH, status=status, body=body, id=id,
           repeat=repeat, response_headers=WEIGHT)


def cancel_(c: Cassette, cid: str, *, status: int = 200, body: Any = None, id: str | None = None,
            repeat: bool = False) -> None:
    c.http("DELETE", REST, "/api/v3/order", order_ref(cid), signed_params=SIGNED,
           request_headers=AUTH, status=status, body=body, id=id,
           repeat=repeat, response_headers=WEIGHT)


def trades_(c: Cassette, order_id: int, trades: Any, *, id: str | None = None,
            status: int = 200) -> None:
    c.http("GET", REST, "/api/v3/myTrades", {"symbol": "BTCUSDT", "orderId": str(order_id)},
           signed_params=SIGNED, request_headers=AUTH, status=status, body=trades, id=id,
           response_headers=WEIGHT)


def ping_(c: Cassette, *, id: str | None = "go", status: int = 200, fault: str | None = None,
          body: Any = None) -> None:
    c.http("GET", REST, "/api/v3/ping", status=status,
           body=body if body is not None else {}, id=id, fault=fault, response_headers=WEIGHT)


def error(code: int, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg}
