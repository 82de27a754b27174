"""BinanceDouble's REST side, called as the server calls it (validate, then handle_http):
answers in Binance's shapes, Binance's errors, and the verdicts the request log records."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from connectors.binance.auth import encode_query, hmac_sha256_hex
from connectors.binance.double import BinanceDouble
from connectors.binance.double.markets import BTC_USDT
from harness.double import DoubleRequest, Exchange, HttpFault, HttpFaultKind
from harness.subject import TEST_API_KEY, TEST_API_SECRET

NOW = 1_700_000_000_000
D = Decimal


class Venue:
    """A default exchange on a fixed clock and the double, called like DoubleServer does."""

    def __init__(self) -> None:
        self.now = NOW
        self.exchange: Exchange = BinanceDouble.default_exchange(lambda: self.now)
        self.double = BinanceDouble()

    def call(self, request: DoubleRequest) -> tuple[int, Any, DoubleRequest]:
        verdict = self.double.validate(request)
        if verdict is not None:
            request.mark_invalid(verdict)
        response = asyncio.run(self.double.handle_http(request, self.exchange))
        return response.status, response.body, request

    def public(self, path: str, **params: str) -> tuple[int, Any, DoubleRequest]:
        return self.call(DoubleRequest("GET", path, encode_query(params)))

    def signed(self, method: str, path: str, *, secret: str = TEST_API_SECRET,
               key: str | None = TEST_API_KEY, timestamp: int | None = None,
               tamper: str = "", **params: str) -> tuple[int, Any, DoubleRequest]:
        return self.send_signed(method, path, params, secret=secret, key=key,
                                timestamp=timestamp, tamper=tamper)

    def send_signed(self, method: str, path: str, params: dict[str, str], *, secret: str,
                    key: str | None, timestamp: int | None, tamper: str
                    ) -> tuple[int, Any, DoubleRequest]:
        """Sign like the connector does: every parameter in the query string."""
        params = {**params, "recvWindow": "5000",
                  "timestamp": str(self.now if timestamp is None else timestamp)}
        query = encode_query(params)
        query += f"&signature={hmac_sha256_hex(secret, query)}" + tamper
        headers = {"X-MBX-APIKEY": key} if key is not None else {}
        return self.call(DoubleRequest(method, path, query, headers=headers))

    def place(self, **params: str) -> tuple[int, Any, DoubleRequest]:
        return self.send_signed("POST", "/api/v3/order", {"symbol": "BTCUSDT", **params},
                                secret=TEST_API_SECRET, key=TEST_API_KEY, timestamp=None,
                                tamper="")

    def limit(self, side: str = "BUY", price: str = "29000", qty: str = "0.01",
              **extra: str) -> tuple[int, Any, DoubleRequest]:
        return self.place(side=side, type="LIMIT", timeInForce="GTC", quantity=qty,
                          price=price, **extra)


@pytest.fixture
def venue() -> Venue:
    return Venue()


def is_decimal_string(value: Any) -> bool:
    return isinstance(value, str) and Decimal(value).is_finite()


def test_public_endpoints_answer_in_binance_shapes(venue: Venue) -> None:
    assert venue.public("/api/v3/ping")[:2] == (200, {})
    assert venue.public("/api/v3/time")[:2] == (200, {"serverTime": NOW})
    status, info, _ = venue.public("/api/v3/exchangeInfo")
    assert status == 200 and info["serverTime"] == NOW
    by_symbol = {s["symbol"]: s for s in info["symbols"]}
    assert {k: v["status"] for k, v in by_symbol.items()} == {
        "BTCUSDT": "TRADING", "ETHUSDT": "TRADING", "BNBUSDT": "HALT"}
    filters = {f["filterType"]: f for f in by_symbol["BTCUSDT"]["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert (filters["LOT_SIZE"]["stepSize"], filters["LOT_SIZE"]["minQty"],
            filters["LOT_SIZE"]["maxQty"]) == ("0.00001000", "0.00001000", "9000.00000000")
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000"
    assert {r["rateLimitType"] for r in info["rateLimits"]} == {
        "REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"}

    status, depth, _ = venue.public("/api/v3/depth", symbol="BTCUSDT", limit="2")
    assert status == 200
    assert depth == {"lastUpdateId": venue.exchange.book(BTC_USDT).update_id,
                     "bids": [["29999.00000000", "0.50000000"],
                              ["29998.00000000", "1.00000000"]],
                     "asks": [["30001.00000000", "0.50000000"],
                              ["30002.00000000", "1.00000000"]]}
    assert venue.public("/api/v3/ticker/price", symbol="ETHUSDT")[1] == {
        "symbol": "ETHUSDT", "price": "2000.00000000"}
    every = venue.public("/api/v3/ticker/price")[1]
    assert [p["symbol"] for p in every] == ["BTCUSDT", "ETHUSDT", "BNBUSDT"]


def test_a_crossing_limit_fills_and_answers_full_with_fills(venue: Venue) -> None:
    status, body, request = venue.limit(price="30002", qty="0.7", newClientOrderId="abc-1")
    assert status == 200 and request.invalid_reason is None
    assert (body["status"], body["clientOrderId"], body["orderListId"]) == ("FILLED", "abc-1", -1)
    assert body["executedQty"] == "0.70000000"
    assert body["cummulativeQuoteQty"] == "21000.90000000"  # 0.5 @ 30001 + 0.2 @ 30002
    assert [(f["price"], f["qty"], f["commission"], f["commissionAsset"])
            for f in body["fills"]] == [("30001.00000000", "0.50000000", "0.00050000", "BTC"),
                                        ("30002.00000000", "0.20000000", "0.00020000", "BTC")]
    assert all(isinstance(f["tradeId"], int) for f in body["fills"])
    assert isinstance(body["orderId"], int) and body["transactTime"] == NOW


def test_response_types_ack_and_result(venue: Venue) -> None:
    ack = venue.limit(newOrderRespType="ACK")[1]
    assert set(ack) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    assert len(ack["clientOrderId"]) == 22  # generated, like Binance's
    result = venue.limit(newOrderRespType="RESULT")[1]
    assert "fills" not in result and result["status"] == "NEW"
    assert result["timeInForce"] == "GTC" and result["price"] == "29000.00000000"


def test_cancel_status_trades_and_account(venue: Venue) -> None:
    placed = venue.limit(newClientOrderId="mine")[1]
    order_id = str(placed["orderId"])
    query = venue.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="mine")[1]
    assert (query["orderId"], query["status"], query["isWorking"]) == (
        placed["orderId"], "NEW", True)
    venue.exchange.fill_resting(placed["orderId"], D("0.004"))
    trades = venue.signed("GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId=order_id)[1]
    assert [(t["qty"], t["isBuyer"], t["isMaker"], t["commissionAsset"]) for t in trades] == [
        ("0.00400000", True, True, "BTC")]
    canceled = venue.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=order_id,
                            newClientOrderId="stop-it")[1]
    assert (canceled["status"], canceled["clientOrderId"], canceled["origClientOrderId"]) == (
        "CANCELED", "stop-it", "mine")
    assert canceled["executedQty"] == "0.00400000"

    account = venue.signed("GET", "/api/v3/account", omitZeroBalances="true")[1]
    balances = {b["asset"]: (b["free"], b["locked"]) for b in account["balances"]}
    assert balances["BTC"] == ("10.00399600", "0.00000000")  # 0.004 less the 0.1% fee
    assert balances["USDT"] == ("999884.00000000", "0.00000000")
    assert account["makerCommission"] == 10 and account["commissionRates"]["maker"] == \
        "0.00100000"


def test_cancel_all_answers_an_array_and_refuses_when_nothing_is_open(venue: Venue) -> None:
    ids = [venue.limit(price=p)[1]["orderId"] for p in ("29000", "28000")]
    status, body, _ = venue.signed("DELETE", "/api/v3/openOrders", symbol="BTCUSDT")
    assert status == 200 and [o["orderId"] for o in body] == ids
    assert all(o["status"] == "CANCELED" and o["clientOrderId"] != o["origClientOrderId"]
               for o in body)
    status, body, request = venue.signed("DELETE", "/api/v3/openOrders", symbol="BTCUSDT")
    assert (status, body) == (400, {"code": -2011, "msg": "Unknown order sent."})
    assert request.invalid_reason is None


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({"price": "30000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"qty": "0.000015"}, -1013, "Filter failure: LOT_SIZE"),
    ({"qty": "9001"}, -1013, "Filter failure: LOT_SIZE"),
    ({"qty": "0.0001"}, -1013, "Filter failure: NOTIONAL"),
    ({"price": "29000.000000001"}, -1111, "Parameter 'price' has too much precision."),
    ({"qty": "1e-3"}, -1100, "Illegal characters found in parameter 'quantity'; legal range "
                             "is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'."),
    ({"side": "LONG"}, -1117, "Invalid side."),
    ({"newClientOrderId": "a.b"}, -1100, "Illegal characters found in parameter "
                                         "'newClientOrderId'; legal range is "
                                         "'^[a-zA-Z0-9-_]{1,36}$'."),
    ({"icebergQty": "0.001"}, -1106, "Parameter 'icebergQty' sent when not required."),
    ({"newOrderRespType": "ALL"}, -1130, "Data sent for parameter 'newOrderRespType' is not "
                                         "valid."),
    ({"foo": "1"}, -1104, "Not all sent parameters were read; read '9' parameter(s) but was "
                          "sent '10'."),
])
def test_malformed_orders_get_binance_errors_and_are_marked_invalid(
        venue: Venue, params: dict[str, str], code: int, msg: str) -> None:
    status, body, request = venue.limit(**params)
    assert (status, body) == (400, {"code": code, "msg": msg})
    assert request.invalid_reason is not None
    assert venue.exchange.orders() == []


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({"type": "LIMIT", "quantity": "0.01", "price": "29000"}, -1102,
     "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
    ({"type": "MARKET", "quantity": "0.01", "price": "29000"}, -1106,
     "Parameter 'price' sent when not required."),
    ({"type": "MARKET"}, -1102,
     "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"),
    ({"type": "LIMIT_MAKER", "quantity": "0.01", "price": "29000", "timeInForce": "GTC"},
     -1106, "Parameter 'timeInForce' sent when not required."),
    ({"type": "STOP_LOSS", "quantity": "0.01", "stopPrice": "1"}, -1106,
     "Parameter 'stopPrice' sent when not required."),
    ({"symbol": "NOPE", "type": "MARKET", "quantity": "1"}, -1121, "Invalid symbol."),
])
def test_order_shapes_are_checked_per_type(venue: Venue, params: dict[str, str], code: int,
                                           msg: str) -> None:
    status, body, request = venue.place(side="BUY", **params)
    assert (status, body) == (400, {"code": code, "msg": msg})
    assert request.invalid_reason is not None


def test_signature_key_and_timestamp_are_checked(venue: Venue) -> None:
    status, _, request = venue.limit()
    assert status == 200 and request.invalid_reason is None
    bad = venue.signed("GET", "/api/v3/account", secret="another-secret")
    assert bad[:2] == (400, {"code": -1022, "msg": "Signature for this request is not valid."})
    assert bad[2].invalid_reason is not None and "signature" in bad[2].invalid_reason
    tampered = venue.signed("GET", "/api/v3/account", tamper="&omitZeroBalances=true")
    assert tampered[1]["code"] == -1022 and tampered[2].invalid_reason is not None
    no_key = venue.signed("GET", "/api/v3/account", key=None)
    assert no_key[:2] == (401, {"code": -2014, "msg": "API-key format invalid."})
    wrong_key = venue.signed("GET", "/api/v3/account", key="someone-else")
    assert wrong_key[:2] == (401, {"code": -2015,
                                   "msg": "Invalid API-key, IP, or permissions for action."})
    late = venue.signed("GET", "/api/v3/account", timestamp=NOW - 5001)
    assert late[:2] == (400, {"code": -1021, "msg": "Timestamp for this request is outside "
                                                    "of the recvWindow."})
    assert late[2].invalid_reason is None  # refused, but transit may explain 1 ms
    stale = venue.signed("GET", "/api/v3/account", timestamp=NOW - 25_001)
    assert stale[1]["code"] == -1021 and stale[2].invalid_reason is not None
    ahead = venue.signed("GET", "/api/v3/account", timestamp=NOW + 1000)
    assert ahead[1]["code"] == -1021 and "ahead" in ahead[1]["msg"]
    assert ahead[2].invalid_reason is None  # a sync over a slow round trip runs ahead
    far_ahead = venue.signed("GET", "/api/v3/account", timestamp=NOW + 21_000)
    assert far_ahead[1]["code"] == -1021 and far_ahead[2].invalid_reason is not None
    assert venue.signed("GET", "/api/v3/account", timestamp=NOW - 5000)[0] == 200
    unsigned = venue.call(DoubleRequest("GET", "/api/v3/account", "timestamp=1",
                                        headers={"X-MBX-APIKEY": TEST_API_KEY}))
    assert unsigned[1] == {"code": -1102, "msg": "Mandatory parameter 'signature' was not "
                                                 "sent, was empty/null, or malformed."}


def test_signed_parameters_in_the_form_body_are_accepted(venue: Venue) -> None:
    body = encode_query({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET",
                         "quantity": "0.001", "timestamp": str(NOW)})
    signed = f"{body}&signature={hmac_sha256_hex(TEST_API_SECRET, body)}"
    request = DoubleRequest("POST", "/api/v3/order", "", signed.encode(), {
        "X-MBX-APIKEY": TEST_API_KEY, "Content-Type": "application/x-www-form-urlencoded"})
    status, answer, request = venue.call(request)
    assert status == 200 and answer["status"] == "FILLED" and request.invalid_reason is None


def test_business_refusals_are_errors_but_valid_requests(venue: Venue) -> None:
    cross = venue.place(side="BUY", type="LIMIT_MAKER", quantity="0.01", price="30001")
    assert cross[:2] == (400, {"code": -2010, "msg": "Order would immediately match and take."})
    poor = venue.limit(qty="100", price="29000")  # 2.9M USDT, the account has 1M
    assert poor[1] == {"code": -2010,
                       "msg": "Account has insufficient balance for requested action."}
    venue.limit(newClientOrderId="twice")
    again = venue.limit(newClientOrderId="twice")
    assert again[1] == {"code": -2010, "msg": "Duplicate order sent."}
    cancel = venue.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId="999")
    assert cancel[:2] == (400, {"code": -2011, "msg": "Unknown order sent."})
    query = venue.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="nope")
    assert query[:2] == (400, {"code": -2013, "msg": "Order does not exist."})
    halted = venue.place(symbol="BNBUSDT", side="BUY", type="MARKET", quantity="1")
    assert halted[1] == {"code": -2010, "msg": "Market is closed."}
    for _, _, request in (cross, poor, again, cancel, query, halted):
        assert request.invalid_reason is None, request.invalid_reason


def test_a_price_beyond_the_price_filter_is_the_clients_fault(venue: Venue) -> None:
    # TradingRule carries minPrice..maxPrice, so a connector can refuse this itself.
    beyond = venue.limit(price="1000000.01", qty="0.00001")
    assert beyond[1] == {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}
    assert beyond[2].invalid_reason is not None


def test_a_market_order_by_quote_quantity_spends_at_most_it(venue: Venue) -> None:
    body = venue.place(side="BUY", type="MARKET", quoteOrderQty="100")[1]
    assert body["status"] == "FILLED" and body["origQuoteOrderQty"] == "100.00000000"
    assert Decimal(body["cummulativeQuoteQty"]) <= 100 and body["executedQty"] == "0.00333000"


def test_unknown_routes_are_invalid(venue: Venue) -> None:
    status, body, request = venue.public("/api/v3/klines", symbol="BTCUSDT")
    assert status == 404 and body["code"] == -1000 and request.invalid_reason is not None
    assert venue.double.operation_for(request) == "unknown"


def test_operations_are_named_for_faults(venue: Venue) -> None:
    names = {(m, p): venue.double.operation_for(DoubleRequest(m, p)) for m, p in [
        ("POST", "/api/v3/order"), ("DELETE", "/api/v3/order"), ("GET", "/api/v3/order"),
        ("DELETE", "/api/v3/openOrders"), ("GET", "/api/v3/myTrades"),
        ("GET", "/api/v3/account"), ("GET", "/api/v3/depth"), ("GET", "/api/v3/exchangeInfo"),
        ("GET", "/api/v3/time"), ("GET", "/api/v3/ping"), ("GET", "/api/v3/ticker/price")]}
    assert list(names.values()) == ["place", "cancel", "status", "cancel_all", "trades",
                                    "balances", "depth", "exchange_info", "time", "ping",
                                    "prices"]


def test_faults_render_as_binance_answers(venue: Venue) -> None:
    request = DoubleRequest("POST", "/api/v3/order")
    time_error = venue.double.render_fault(request, HttpFault(HttpFaultKind.TIME_ERROR, 400))
    assert (time_error.status, time_error.body["code"]) == (400, -1021)
    limited = venue.double.render_fault(request, HttpFault(HttpFaultKind.RATE_LIMIT, 429))
    assert (limited.status, limited.body["code"]) == (429, -1003)
    banned = venue.double.render_fault(request, HttpFault(HttpFaultKind.RATE_LIMIT, 418))
    assert banned.status == 418 and "IP banned until" in banned.body["msg"]
    unknown = venue.double.render_fault(request, HttpFault(HttpFaultKind.SERVER_ERROR, 503))
    assert (unknown.status, unknown.body) == (503, {
        "code": -1000, "msg": "Unknown error, please check your request or try again later."})


def test_market_notional_refusal_is_not_blamed_on_the_client(venue: Venue) -> None:
    venue.exchange.move_book(BTC_USDT, [(D("100"), D("1"))], [(D("101"), D("1"))])
    status, body, request = venue.place(side="BUY", type="MARKET", quantity="0.01")
    assert (status, body["msg"]) == (400, "Filter failure: NOTIONAL")
    assert request.invalid_reason is None


def test_order_answers_count_orders_per_window_and_weight_grows(venue: Venue) -> None:
    """rest-api.md LIMITS: X-MBX-ORDER-COUNT-10S/-1D count the orders placed in the window
    (a new 10 s window starts again at 1); X-MBX-USED-WEIGHT-1M adds each request's weight."""

    def headers() -> dict[str, str]:
        params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "quantity": "0.01", "price": "29000", "recvWindow": "5000",
                  "timestamp": str(venue.now)}
        query = encode_query(params)
        request = DoubleRequest("POST", "/api/v3/order",
                                query + f"&signature={hmac_sha256_hex(TEST_API_SECRET, query)}",
                                headers={"X-MBX-APIKEY": TEST_API_KEY})
        response = asyncio.run(venue.double.handle_http(request, venue.exchange))
        assert response.status == 200, response.body
        return dict(response.headers)

    first, second = headers(), headers()
    assert int(second["X-MBX-USED-WEIGHT-1M"]) == int(first["X-MBX-USED-WEIGHT-1M"]) + 1
    assert (first["X-MBX-ORDER-COUNT-10S"], second["X-MBX-ORDER-COUNT-10S"]) == ("1", "2")
    assert second["X-MBX-ORDER-COUNT-1D"] == "2"
    venue.now += 10_000
    third = headers()
    assert (third["X-MBX-ORDER-COUNT-10S"], third["X-MBX-ORDER-COUNT-1D"]) == ("1", "3")
    before = int(third["X-MBX-USED-WEIGHT-1M"])
    asyncio.run(venue.double.handle_http(DoubleRequest("GET", "/api/v3/exchangeInfo", ""),
                                         venue.exchange))
    status, _, _ = venue.public("/api/v3/time")
    assert status == 200
    weight = asyncio.run(venue.double.handle_http(DoubleRequest("GET", "/api/v3/time", ""),
                                                  venue.exchange)).headers
    assert int(weight["X-MBX-USED-WEIGHT-1M"]) == before + 20 + 1 + 1


def test_the_24hr_ticker_is_the_doubles_own_trades_and_book(venue: Venue) -> None:
    status, quiet, _ = venue.public("/api/v3/ticker/24hr", symbol="ETHUSDT")
    assert status == 200 and (quiet["count"], quiet["firstId"], quiet["volume"]) == (
        0, -1, "0.00000000")
    assert quiet["lastPrice"] == "2000.00000000"  # the market's last price, as /ticker/price
    venue.limit(price="30002", qty="0.7")  # fills 0.5 @ 30001 and 0.2 @ 30002
    status, btc, _ = venue.public("/api/v3/ticker/24hr", symbol="BTCUSDT")
    assert (btc["count"], btc["openPrice"], btc["highPrice"], btc["lowPrice"]) == (
        2, "30001.00000000", "30002.00000000", "30001.00000000")
    assert (btc["volume"], btc["quoteVolume"], btc["lastPrice"]) == (
        "0.70000000", "21000.90000000", "30002.00000000")
    assert btc["priceChange"] == "1.00000000" and btc["lastId"] > btc["firstId"]
    mini = venue.public("/api/v3/ticker/24hr", symbol="BTCUSDT", type="MINI")[1]
    assert "bidPrice" not in mini and mini["lastPrice"] == btc["lastPrice"]
    every = venue.public("/api/v3/ticker/24hr")[1]
    assert [t["symbol"] for t in every] == ["BTCUSDT", "ETHUSDT", "BNBUSDT"]


def test_a_form_body_labelled_json_is_read_as_a_form(venue: Venue) -> None:
    # Hummingbot sends its signed form bodies with Content-Type: application/json.
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
              "quantity": "0.01", "price": "29000", "recvWindow": "5000",
              "timestamp": str(venue.now)}
    body = encode_query(params)
    body += f"&signature={hmac_sha256_hex(TEST_API_SECRET, body)}"
    request = DoubleRequest("POST", "/api/v3/order", "", body.encode(),
                            {"X-MBX-APIKEY": TEST_API_KEY, "Content-Type": "application/json"},
                            body_is_form=venue.double.body_is_form)
    status, answer, _ = venue.call(request)
    assert status == 200 and request.invalid_reason is None and answer["status"] == "NEW"


def test_ethusdt_is_served_in_the_older_min_notional_form_and_refused_under_it(
        venue: Venue) -> None:
    """Binance listed MIN_NOTIONAL on some symbols after NOTIONAL replaced it on others: the
    double serves ETHUSDT that way, so a connector meets both forms in every run."""
    _, info, _ = venue.public("/api/v3/exchangeInfo")
    kinds = {s["symbol"]: {f["filterType"] for f in s["filters"]} & {"NOTIONAL", "MIN_NOTIONAL"}
             for s in info["symbols"]}
    assert kinds["BTCUSDT"] == {"NOTIONAL"} and kinds["ETHUSDT"] == {"MIN_NOTIONAL"}
    older = next(f for s in info["symbols"] if s["symbol"] == "ETHUSDT" for f in s["filters"]
                 if f["filterType"] == "MIN_NOTIONAL")
    assert older == {"filterType": "MIN_NOTIONAL", "minNotional": "5.00000000",
                     "applyToMarket": True, "avgPriceMins": 5}
    status, body, request = venue.limit(symbol="ETHUSDT", price="2000", qty="0.001")
    assert (status, body) == (400, {"code": -1013, "msg": "Filter failure: MIN_NOTIONAL"})
    assert request.invalid_reason is not None
