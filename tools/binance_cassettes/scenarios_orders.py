"""Scenarios: placement, cancel."""
from __future__ import annotations

from binance_data import *

from harness.cassette.builder import SERVICE_UNAVAILABLE_HTML, Cassette

BUY = {"pair": "BTC-USDT", "side": "BUY", "type": "LIMIT", "amount": "0.01", "price": "30000"}
ID_PATTERN = "^[a-zA-Z0-9_-]{1,36}$"


def _placed(scenario: str, description: str, order: dict[str, str], params: dict[str, str],
            body: dict, expect: dict) -> Cassette:
    c = Cassette("binance", scenario, description, inputs={"order": order},
                 expect={"request": params, **expect})
    exchange_info_(c)
    place_(c, params, body=body)
    return c


def place_limit_buy() -> Cassette:
    return _placed("place_limit_buy", "a LIMIT GTC buy, acknowledged as NEW", BUY,
                   order_params("CH-Bt1"), order_body("CH-Bt1", 28),
                   {"exchange_order_id": "28", "client_order_id_pattern": ID_PATTERN})


def place_limit_sell() -> Cassette:
    order = {**BUY, "side": "SELL", "amount": "0.02", "price": "31000.5"}
    return _placed("place_limit_sell", "a LIMIT GTC sell, acknowledged as NEW", order,
                   order_params("CH-St1", side="SELL", quantity="0.02", price="31000.5"),
                   order_body("CH-St1", 29, side="SELL", price="31000.50000000",
                              qty="0.02000000"),
                   {"exchange_order_id": "29", "client_order_id_pattern": ID_PATTERN})


def place_limit_maker() -> Cassette:
    order = {**BUY, "type": "LIMIT_MAKER", "price": "29990"}
    c = _placed("place_limit_maker", "a LIMIT_MAKER (post-only) buy below the ask", order,
                order_params("CH-Bt1", type_="LIMIT_MAKER", price="29990"),
                order_body("CH-Bt1", 30, type_="LIMIT_MAKER", price="29990.00000000"),
                {"exchange_order_id": "30", "client_order_id_pattern": ID_PATTERN,
                 "request_absent": ["timeInForce"]})
    return c


MARKET_FILLS_BUY = [
    {"price": "30000.50000000", "qty": "0.00600000", "commission": "0.00000600",
     "commissionAsset": "BTC", "tradeId": 56},
    {"price": "30001.00000000", "qty": "0.00400000", "commission": "0.00000400",
     "commissionAsset": "BTC", "tradeId": 57},
]
MARKET_FILLS_SELL = [
    {"price": "30000.00000000", "qty": "0.01000000", "commission": "0.30000000",
     "commissionAsset": "USDT", "tradeId": 58},
]


def place_market_buy() -> Cassette:
    order = {"pair": "BTC-USDT", "side": "BUY", "type": "MARKET", "amount": "0.01"}
    return _placed("place_market_buy", "a MARKET buy filled at once in two trades", order,
                   order_params("CH-Bt1", type_="MARKET", price=None),
                   order_body("CH-Bt1", 31, type_="MARKET", price="0.00000000",
                              executed="0.01000000", quote="300.00700000", status="FILLED",
                              fills=MARKET_FILLS_BUY),
                   {"exchange_order_id": "31", "client_order_id_pattern": ID_PATTERN,
                    "request_absent": ["price", "timeInForce"],
                    "fills": [{"trade_id": "56", "price": "30000.5", "amount": "0.006",
                               "fee_asset": "BTC", "fee_amount": "0.000006", "timestamp": seconds(100)},
                              {"trade_id": "57", "price": "30001", "amount": "0.004",
                               "fee_asset": "BTC", "fee_amount": "0.000004", "timestamp": seconds(100)}],
                    "executed_amount": "0.01", "executed_quote_amount": "300.007"})


def place_market_sell() -> Cassette:
    order = {"pair": "BTC-USDT", "side": "SELL", "type": "MARKET", "amount": "0.01"}
    return _placed("place_market_sell", "a MARKET sell filled at once in one trade", order,
                   order_params("CH-St1", side="SELL", type_="MARKET", price=None),
                   order_body("CH-St1", 32, side="SELL", type_="MARKET", price="0.00000000",
                              executed="0.01000000", quote="300.00000000", status="FILLED",
                              fills=MARKET_FILLS_SELL),
                   {"exchange_order_id": "32", "client_order_id_pattern": ID_PATTERN,
                    "request_absent": ["price", "timeInForce"],
                    "fills": [{"trade_id": "58", "price": "30000", "amount": "0.01",
                               "fee_asset": "USDT", "fee_amount": "0.3", "timestamp": seconds(100)}],
                    "executed_amount": "0.01", "executed_quote_amount": "300"})


def place_quantized() -> Cassette:
    order = {**BUY, "amount": "0.0123456", "price": "30000.129"}
    return _placed("place_quantized", "a LIMIT buy whose amount and price need rounding down",
                   order, order_params("CH-Bt1", quantity="0.01234", price="30000.12"),
                   order_body("CH-Bt1", 33, price="30000.12000000", qty="0.01234000"),
                   {"exchange_order_id": "33", "amount": "0.01234", "price": "30000.12"})


def place_two_orders() -> Cassette:
    c = Cassette("binance", "place_two_orders", "two identical LIMIT buys, one after the other",
                 inputs={"order": BUY, "count": 2},
                 expect={"client_order_id_pattern": ID_PATTERN,
                         "exchange_order_ids": ["34", "35"]})
    exchange_info_(c)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 34), id="place_1")
    place_(c, order_params("CH-Bt2"), body=order_body("CH-Bt2", 35), id="place_2")
    return c


def place_rejected() -> Cassette:
    c = Cassette("binance", "place_rejected", "a LIMIT buy refused for insufficient balance",
                 inputs={"order": BUY},
                 expect={"reason_contains": "insufficient balance"})
    exchange_info_(c)
    place_(c, order_params("CH-Bt1"), status=400,
           body=error(-2010, "Account has insufficient balance for requested action."))
    return c


def place_limit_maker_crossing() -> Cassette:
    order = {**BUY, "type": "LIMIT_MAKER", "price": "30001"}
    c = Cassette("binance", "place_limit_maker_crossing",
                 "a LIMIT_MAKER buy at the ask: it would take liquidity, so it is rejected",
                 inputs={"order": order},
                 expect={"reason_contains": "immediately match"})
    exchange_info_(c)
    place_(c, order_params("CH-Bt1", type_="LIMIT_MAKER", price="30001"), status=400,
           body=error(-2010, "Order would immediately match and take."))
    return c


def place_unknown_5xx() -> Cassette:
    c = Cassette("binance", "place_unknown_5xx",
                 "the placement answers HTTP 503 (execution status unknown); a status poll"
                 " finds the order open",
                 inputs={"order": BUY}, expect={"exchange_order_id": "36"})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), status=503,
           body=SERVICE_UNAVAILABLE_HTML)
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 36, status="NEW"), id="status", repeat=True)
    return c


def place_unknown_timeout() -> Cassette:
    c = Cassette("binance", "place_unknown_timeout",
                 "the placement never answers; a status poll finds the order open",
                 inputs={"order": BUY}, expect={"exchange_order_id": "37"})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), fault="timeout")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 37, status="NEW"), id="status", repeat=True)
    return c


def place_unknown_never_received() -> Cassette:
    c = Cassette("binance", "place_unknown_never_received",
                 "the placement answers HTTP 500 -1007 (status unknown); status polls keep"
                 " answering -2013 Order does not exist",
                 inputs={"order": BUY})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), status=500,
           body=error(-1007, "Timeout waiting for response from backend server. Send status"
                             " unknown; execution status unknown."))
    status_(c, "CH-Bt1", status=400, body=error(-2013, "Order does not exist."), id="status",
            repeat=True)
    return c


# cancel -----------------------------------------------------------------------------------------
def _with_open_order(c: Cassette, cid: str = "CH-Bt1", order_id: int = 40, *,
                     side: str = "BUY", id: str = "place") -> None:
    price = "30000" if side == "BUY" else "31000"
    place_(c, order_params(cid, side=side, price=price),
           body=order_body(cid, order_id, side=side, price=f"{price}.00000000"), id=id)


def cancel_order() -> Cassette:
    c = Cassette("binance", "cancel_order", "cancel an open LIMIT buy", inputs={"order": BUY},
                 expect={"exchange_order_id": "40"})
    exchange_info_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", body=cancel_body("CH-Bt1", 40), id="cancel")
    return c


# errors.md, -2011 CANCEL_REJECTED: a refusal that leaves the order open. ("Order was not
# canceled due to cancel restrictions." answers only a request that sent cancelRestrictions.)
ACCOUNT_MAY_NOT_CANCEL = error(-2011, "This account may not place or cancel orders.")


def cancel_rejected() -> Cassette:
    c = Cassette("binance", "cancel_rejected",
                 "two cancels that do not happen: refused (-2011, the account may not cancel), then"
                 " 503",
                 inputs={"order": BUY, "attempts": 2})
    exchange_info_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", status=400,
            body=ACCOUNT_MAY_NOT_CANCEL,
            id="cancel_1")
    cancel_(c, "CH-Bt1", status=503, body=SERVICE_UNAVAILABLE_HTML,
            id="cancel_2")
    return c


def cancel_unknown_order() -> Cassette:
    c = Cassette("binance", "cancel_unknown_order",
                 "every cancel answers -2011 Unknown order sent.", inputs={"order": BUY})
    exchange_info_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", status=400, body=error(-2011, "Unknown order sent."), id="cancel",
            repeat=True)
    return c


def cancel_all() -> Cassette:
    sell = {**BUY, "side": "SELL", "price": "31000"}
    c = Cassette("binance", "cancel_all",
                 "two open orders; cancel_all: the buy is canceled, the sell's cancel is refused",
                 inputs={"orders": [BUY, sell]},
                 expect={"results": [True, False]})
    exchange_info_(c)
    _with_open_order(c, "CH-Bt1", 41, id="place_1")
    _with_open_order(c, "CH-St2", 42, side="SELL", id="place_2")
    cancel_(c, "CH-Bt1", body=cancel_body("CH-Bt1", 41), id="cancel_1")
    cancel_(c, "CH-St2", status=400,
            body=ACCOUNT_MAY_NOT_CANCEL,
            id="cancel_2")
    return c


ALL = [place_limit_buy, place_limit_sell, place_limit_maker, place_market_buy,
       place_market_sell, place_quantized, place_two_orders, place_rejected,
       place_limit_maker_crossing, place_unknown_5xx, place_unknown_timeout,
       place_unknown_never_received, cancel_order, cancel_rejected, cancel_unknown_order,
       cancel_all]
