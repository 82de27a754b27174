"""Payloads as Binance's docs show them (binance-spot-api-docs), shared by the tests.

Each function returns a fresh copy, so a test may change one without touching the others.
"""

from __future__ import annotations

from typing import Any

# rest-api.md / web-socket-api.md example key pair: published, not secret.
DOCS_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOCS_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def filters(tick: str = "0.01000000", step: str = "0.00001000",
            min_notional: str = "5.00000000") -> list[dict[str, Any]]:
    """The filter shapes of filters.md."""
    return [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01000000", "maxPrice": "1000000.00000000",
         "tickSize": tick},
        {"filterType": "LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000",
         "stepSize": step},
        {"filterType": "ICEBERG_PARTS", "limit": 10},
        {"filterType": "NOTIONAL", "minNotional": min_notional, "applyMinToMarket": True,
         "maxNotional": "9000000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
        {"filterType": "PERCENT_PRICE", "multiplierUp": "5", "multiplierDown": "0.2",
         "avgPriceMins": 5},
    ]


def symbol(name: str, base: str, quote: str, status: str = "TRADING", **extra: Any
           ) -> dict[str, Any]:
    """One exchangeInfo `symbols[]` entry, shaped like rest-api.md's example (ETHBTC)."""
    entry: dict[str, Any] = {
        "symbol": name, "status": status, "baseAsset": base, "baseAssetPrecision": 8,
        "quoteAsset": quote, "quotePrecision": 8, "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8, "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT",
                       "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
        "icebergAllowed": True, "ocoAllowed": True, "otoAllowed": True, "opoAllowed": True,
        "quoteOrderQtyMarketAllowed": True, "allowTrailingStop": False,
        "cancelReplaceAllowed": False, "amendAllowed": False, "pegInstructionsAllowed": True,
        "isSpotTradingAllowed": True, "isMarginTradingAllowed": True, "filters": filters(),
        "permissions": [], "permissionSets": [["SPOT", "MARGIN"]],
        "defaultSelfTradePreventionMode": "NONE", "allowedSelfTradePreventionModes": ["NONE"],
    }
    entry.update(extra)
    return entry


def exchange_info(*symbols: dict[str, Any]) -> dict[str, Any]:
    return {"timezone": "UTC", "serverTime": 1565246363776,
            "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE",
                            "intervalNum": 1, "limit": 6000}],
            "exchangeFilters": [], "symbols": list(symbols)}


def depth() -> dict[str, Any]:
    return {"lastUpdateId": 1027024, "bids": [["4.00000000", "431.00000000"]],
            "asks": [["4.00000200", "12.00000000"]]}


def order_full() -> dict[str, Any]:
    """POST /api/v3/order, newOrderRespType=FULL (rest-api.md)."""
    return {"symbol": "BTCUSDT", "orderId": 28, "orderListId": -1,
            "clientOrderId": "6gCrw2kRUAF9CvJDGP16IP", "transactTime": 1507725176595,
            "price": "0.00000000", "origQty": "10.00000000", "executedQty": "10.00000000",
            "origQuoteOrderQty": "0.000000", "cummulativeQuoteQty": "10.00000000",
            "status": "FILLED", "timeInForce": "GTC", "type": "MARKET", "side": "SELL",
            "workingTime": 1507725176595, "selfTradePreventionMode": "NONE",
            "fills": [{"price": "4000.00000000", "qty": "1.00000000", "commission": "4.00000000",
                       "commissionAsset": "USDT", "tradeId": 56},
                      {"price": "3999.00000000", "qty": "5.00000000",
                       "commission": "19.99500000", "commissionAsset": "USDT", "tradeId": 57}]}


def cancel_response() -> dict[str, Any]:
    """DELETE /api/v3/order (rest-api.md): clientOrderId is the cancel's own id."""
    return {"symbol": "LTCBTC", "origClientOrderId": "myOrder1", "orderId": 4,
            "orderListId": -1, "clientOrderId": "cancelMyOrder1",
            "transactTime": 1684804350068, "price": "2.00000000", "origQty": "1.00000000",
            "executedQty": "0.00000000", "origQuoteOrderQty": "0.000000",
            "cummulativeQuoteQty": "0.00000000", "status": "CANCELED", "timeInForce": "GTC",
            "type": "LIMIT", "side": "BUY", "selfTradePreventionMode": "NONE"}


def order_query() -> dict[str, Any]:
    """GET /api/v3/order (rest-api.md)."""
    return {"symbol": "LTCBTC", "orderId": 1, "orderListId": -1, "clientOrderId": "myOrder1",
            "price": "0.1", "origQty": "1.0", "executedQty": "0.0",
            "cummulativeQuoteQty": "0.0", "status": "NEW", "timeInForce": "GTC",
            "type": "LIMIT", "side": "BUY", "stopPrice": "0.0", "icebergQty": "0.0",
            "time": 1499827319559, "updateTime": 1499827319559, "isWorking": True,
            "workingTime": 1499827319559, "origQuoteOrderQty": "0.000000",
            "selfTradePreventionMode": "NONE"}


def my_trades() -> list[dict[str, Any]]:
    return [{"symbol": "BNBBTC", "id": 28457, "orderId": 100234, "orderListId": -1,
             "price": "4.00000100", "qty": "12.00000000", "quoteQty": "48.000012",
             "commission": "10.10000000", "commissionAsset": "BNB", "time": 1499865549590,
             "isBuyer": True, "isMaker": False, "isBestMatch": True}]


def account() -> dict[str, Any]:
    return {"makerCommission": 15, "takerCommission": 15, "buyerCommission": 0,
            "sellerCommission": 0, "canTrade": True, "canWithdraw": True, "canDeposit": True,
            "brokered": False, "requireSelfTradePrevention": False, "preventSor": False,
            "updateTime": 123456789, "accountType": "SPOT",
            "balances": [{"asset": "BTC", "free": "4723846.89208129", "locked": "0.00000000"},
                         {"asset": "LTC", "free": "4763368.68006011", "locked": "1.50000000"}],
            "permissions": ["SPOT"], "uid": 354937868}


def execution_report(**changes: Any) -> dict[str, Any]:
    """user-data-stream.md's executionReport (NEW), inside the WebSocket API envelope."""
    event: dict[str, Any] = {
        "e": "executionReport", "E": 1499405658658, "s": "ETHBTC",
        "c": "mUvoqJxFIILMdfAW5iGSOW", "S": "BUY", "o": "LIMIT", "f": "GTC",
        "q": "1.00000000", "p": "0.10264410", "P": "0.00000000", "F": "0.00000000", "g": -1,
        "C": "", "x": "NEW", "X": "NEW", "r": "NONE", "i": 4293153, "l": "0.00000000",
        "z": "0.00000000", "L": "0.00000000", "n": "0", "N": None, "T": 1499405658657,
        "t": -1, "v": 3, "I": 8641984, "w": True, "m": False, "M": False, "O": 1499405658657,
        "Z": "0.00000000", "Y": "0.00000000", "Q": "0.00000000", "W": 1499405658657,
        "V": "NONE"}
    event.update(changes)
    return {"subscriptionId": 0, "event": event}


def account_position() -> dict[str, Any]:
    return {"subscriptionId": 0, "event": {
        "e": "outboundAccountPosition", "E": 1564034571105, "u": 1564034571073,
        "B": [{"a": "ETH", "f": "10000.000000", "l": "0.000000"}]}}


def depth_update() -> dict[str, Any]:
    return {"e": "depthUpdate", "E": 1672515782136, "s": "BNBBTC", "U": 157, "u": 160,
            "b": [["0.0024", "10"]], "a": [["0.0026", "100"]]}


def trade() -> dict[str, Any]:
    return {"e": "trade", "E": 1672515782136, "s": "BNBBTC", "t": 12345, "p": "0.001",
            "q": "100", "T": 1672515782136, "m": True, "M": True}
