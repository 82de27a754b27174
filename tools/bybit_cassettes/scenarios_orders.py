"""Scenarios: placement, cancel."""
from __future__ import annotations

from typing import Any

from bybit_data import (
    P,
    cancel_,
    error,
    execution,
    executions_,
    instruments_,
    oid,
    order_entry,
    order_params,
    place_,
    start_traffic,
    status_,
)

from harness.cassette.builder import SERVICE_UNAVAILABLE_HTML, Cassette


def C(scenario: str, description: str, **kw: Any) -> Cassette:
    return Cassette(P.connector, scenario, description, api_version="v5", **kw)
BUY = {"pair": "BTC-USDT", "side": "BUY", "type": "LIMIT", "amount": "0.01", "price": "30000"}
ID_PATTERN = "^[a-zA-Z0-9_-]{1,36}$"


def _placed(scenario: str, description: str, order: dict[str, str], params: dict[str, str],
            order_id: str, expect: dict) -> Cassette:
    c = C(scenario, description, inputs={"order": order}, expect={"request": params, **expect})
    instruments_(c)
    place_(c, params, order_id=order_id)
    return c


def place_limit_buy() -> Cassette:
    return _placed("place_limit_buy", "a Limit GTC buy, acknowledged", BUY,
                   order_params("CH-Bt1"), oid(28),
                   {"exchange_order_id": oid(28), "client_order_id_pattern": ID_PATTERN})


def place_limit_sell() -> Cassette:
    order = {**BUY, "side": "SELL", "amount": "0.02", "price": "31000.5"}
    return _placed("place_limit_sell", "a Limit GTC sell, acknowledged", order,
                   order_params("CH-St1", side="Sell", qty="0.02", price="31000.5"), oid(29),
                   {"exchange_order_id": oid(29), "client_order_id_pattern": ID_PATTERN})


def place_limit_maker() -> Cassette:
    order = {**BUY, "type": "LIMIT_MAKER", "price": "29990"}
    return _placed("place_limit_maker", "a PostOnly Limit buy below the ask", order,
                   order_params("CH-Bt1", price="29990", tif="PostOnly"), oid(30),
                   {"exchange_order_id": oid(30), "client_order_id_pattern": ID_PATTERN})


def _market(scenario: str, description: str, side: str, n: int, execs: list[dict],
            value: str, fee: str, expect: dict) -> Cassette:
    cid = "CH-Bt1" if side == "Buy" else "CH-St1"
    order = {"pair": "BTC-USDT", "side": side.upper(), "type": "MARKET", "amount": "0.01"}
    params = order_params(cid, side=side, type_="Market", price=None)
    c = C(scenario, description, inputs={"order": order},
          expect={"request": params, "exchange_order_id": oid(n),
                  "client_order_id_pattern": ID_PATTERN, "request_absent": ["price"],
                  **expect})
    instruments_(c)
    place_(c, params, order_id=oid(n))
    status_(c, cid, [order_entry(cid, oid(n), status="Filled", side=side, type_="Market",
                                 price="0", executed="0.01", value=value, fee=fee,
                                 tif="IOC", update=101)], id="status")
    executions_(c, cid, execs, id="trades")
    return c


def place_market_buy() -> Cassette:
    execs = [execution("CH-Bt1", oid(31), "2100000000056", "30000.50", "0.006", "0.000006",
                       "BTC", maker=False, at=101, type_="Market", order_price="0",
                       leaves="0.004"),
             execution("CH-Bt1", oid(31), "2100000000057", "30001.00", "0.004", "0.000004",
                       "BTC", maker=False, at=101, type_="Market", order_price="0")]
    return _market("place_market_buy", "a Market buy (qty in the base coin) filled at once in"
                   " two trades: read back from realtime and execution/list", "Buy", 31, execs,
                   "300.007", "0.00001",
                   {"fills": [{"trade_id": "2100000000056", "price": "30000.5",
                               "amount": "0.006", "fee_asset": P.fee_asset("BTC"),
                               "fee_amount": "0.000006"},
                              {"trade_id": "2100000000057", "price": "30001", "amount": "0.004",
                               "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000004"}],
                    "executed_amount": "0.01", "executed_quote_amount": "300.007"})


def place_market_sell() -> Cassette:
    execs = [execution("CH-St1", oid(32), "2100000000058", "30000.00", "0.01", "0.3", "USDT",
                       side="Sell", maker=False, at=101, type_="Market", order_price="0")]
    return _market("place_market_sell", "a Market sell filled at once in one trade", "Sell", 32,
                   execs, "300", "0.3",
                   {"fills": [{"trade_id": "2100000000058", "price": "30000", "amount": "0.01",
                               "fee_asset": "USDT", "fee_amount": "0.3"}],
                    "executed_amount": "0.01", "executed_quote_amount": "300"})


def place_quantized() -> Cassette:
    order = {**BUY, "amount": "0.0123456", "price": "30000.129"}
    return _placed("place_quantized", "a Limit buy whose amount and price need rounding down",
                   order, order_params("CH-Bt1", qty="0.01234", price="30000.12"), oid(33),
                   {"exchange_order_id": oid(33), "amount": "0.01234", "price": "30000.12"})


def place_two_orders() -> Cassette:
    c = C("place_two_orders", "two identical Limit buys, one after the other",
          inputs={"order": BUY, "count": 2},
          expect={"client_order_id_pattern": ID_PATTERN, "exchange_order_ids": [oid(34), oid(35)]})
    instruments_(c)
    place_(c, order_params("CH-Bt1"), order_id=oid(34), id="place_1")
    place_(c, order_params("CH-Bt2"), order_id=oid(35), id="place_2")
    return c


def place_rejected() -> Cassette:
    c = C("place_rejected", "a Limit buy refused for insufficient balance (retCode 170131)",
          inputs={"order": BUY}, expect={"reason_contains": "Balance insufficient"})
    instruments_(c)
    place_(c, order_params("CH-Bt1"), response=error(170131, "Balance insufficient"))
    return c


def place_limit_maker_crossing() -> Cassette:
    order = {**BUY, "type": "LIMIT_MAKER", "price": "30001"}
    c = C("place_limit_maker_crossing",
          "a PostOnly buy at the ask would take liquidity: refused (retCode 170218)",
          inputs={"order": order}, expect={"reason_contains": "LIMIT-MAKER order is rejected"})
    instruments_(c)
    place_(c, order_params("CH-Bt1", price="30001", tif="PostOnly"),
           response=error(170218, "The LIMIT-MAKER order is rejected due to invalid price."))
    return c


def place_unknown_5xx() -> Cassette:
    c = C("place_unknown_5xx",
          "the placement answers HTTP 502 (outcome unknown); a status poll finds the order open",
          inputs={"order": BUY}, expect={"exchange_order_id": oid(36)})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), status=502,
           response="<html><body>502 Bad Gateway</body></html>")
    status_(c, "CH-Bt1", [order_entry("CH-Bt1", oid(36), status="New")], id="status",
            repeat=True)
    return c


def place_unknown_timeout() -> Cassette:
    c = C("place_unknown_timeout", "the placement never answers; a status poll finds it open",
          inputs={"order": BUY}, expect={"exchange_order_id": oid(37)})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), fault="timeout")
    status_(c, "CH-Bt1", [order_entry("CH-Bt1", oid(37), status="New")], id="status",
            repeat=True)
    return c


def place_unknown_never_received() -> Cassette:
    c = C("place_unknown_never_received",
          "the placement answers retCode 10016 (service error: outcome unknown); status polls"
          " keep answering an empty list (no such order)",
          inputs={"order": BUY})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), response=error(10016, "Internal server error."))
    status_(c, "CH-Bt1", [], id="status", repeat=True)
    return c


# cancel -------------------------------------------------------------------------------------
def _with_open_order(c: Cassette, cid: str = "CH-Bt1", n: int = 40, *, side: str = "Buy",
                     id: str = "place") -> None:
    price = "30000" if side == "Buy" else "31000"
    place_(c, order_params(cid, side=side, price=price), order_id=oid(n), id=id)


def cancel_order() -> Cassette:
    c = C("cancel_order", "cancel an open Limit buy", inputs={"order": BUY},
          expect={"exchange_order_id": oid(40)})
    instruments_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", order_id=oid(40), id="cancel")
    return c


def cancel_rejected() -> Cassette:
    c = C("cancel_rejected",
          "two cancels that do not happen: refused (retCode 170212, cancel request processing),"
          " then HTTP 503", inputs={"order": BUY, "attempts": 2})
    instruments_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", body=error(170212, "Cancel order request processing"),
            id="cancel_1")
    cancel_(c, "CH-Bt1", status=503, body=SERVICE_UNAVAILABLE_HTML,
            id="cancel_2")
    return c


def cancel_unknown_order() -> Cassette:
    c = C("cancel_unknown_order", "every cancel answers retCode 170213 Order does not exist.",
          inputs={"order": BUY})
    instruments_(c)
    _with_open_order(c)
    cancel_(c, "CH-Bt1", body=error(170213, "Order does not exist."), id="cancel", repeat=True)
    return c


def cancel_all() -> Cassette:
    sell = {**BUY, "side": "SELL", "price": "31000"}
    c = C("cancel_all",
          "two open orders; cancel_all: the buy is cancelled, the sell's cancel is refused",
          inputs={"orders": [BUY, sell]}, expect={"results": [True, False]})
    instruments_(c)
    _with_open_order(c, "CH-Bt1", 41, id="place_1")
    _with_open_order(c, "CH-St2", 42, side="Sell", id="place_2")
    cancel_(c, "CH-Bt1", order_id=oid(41), id="cancel_1")
    cancel_(c, "CH-St2", body=error(170212, "Cancel order request processing"), id="cancel_2")
    return c


ALL = [place_limit_buy, place_limit_sell, place_limit_maker, place_market_buy,
       place_market_sell, place_quantized, place_two_orders, place_rejected,
       place_limit_maker_crossing, place_unknown_5xx, place_unknown_timeout,
       place_unknown_never_received, cancel_order, cancel_rejected, cancel_unknown_order,
       cancel_all]
