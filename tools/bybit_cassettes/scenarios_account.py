"""Scenarios: status and fills, balances, resilience, security."""
from __future__ import annotations

from typing import Any

from bybit_data import (
    T0,
    P,
    auth,
    auth_ack,
    cancel_,
    coin,
    error,
    execution,
    execution_message,
    executions_,
    instruments_,
    oid,
    order_entry,
    order_message,
    order_params,
    ping_,
    place_,
    private_ack,
    start_traffic,
    status_,
    subscribe_private,
    time_,
    wallet_,
    wallet_message,
)
from scenarios_orders import BUY

from harness.cassette.builder import Cassette, FlowMap, close, server


def C(scenario: str, description: str, **kw: Any) -> Cassette:
    return Cassette(P.connector, scenario, description, api_version="v5", **kw)
QUIET = "the check turns periodic polling off (poll_interval=1000)"
CID = "CH-Bt1"


def _entry(n: int, status: str, executed: str = "0", value: str = "0", fee: str = "0",
           update: int = 200, category: str | None = None) -> dict:
    return order_entry(CID, oid(n), status=status, executed=executed, value=value, fee=fee,
                       update=update, category=category)


def _exec(n: int, exec_id: str, price: str, qty: str, fee: str, fee_coin: str, *,
          at: int = 200, leaves: str = "0", maker: bool = True) -> dict:
    return execution(CID, oid(n), exec_id, price, qty, fee, fee_coin, at=at, leaves=leaves,
                     maker=maker)


def fills_by_polling() -> Cassette:
    c = C("fills_by_polling",
          "status polls: New, PartiallyFilled (execution 100), Filled (execution 101)",
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(50),
                  "fills": [{"trade_id": "100", "price": "30000", "amount": "0.004",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000004"},
                            {"trade_id": "101", "price": "29999.5", "amount": "0.006",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000006"}],
                  "executed_amount": "0.01", "executed_quote_amount": "299.997",
                  "completed_fees": {P.fee_asset("BTC"): "0.00001"}})
    start_traffic(c)
    place_(c, order_params(CID), order_id=oid(50))
    status_(c, CID, [_entry(50, "New")], id="status_1")
    status_(c, CID, [_entry(50, "PartiallyFilled", "0.004", "120", "0.000004")], id="status_2")
    e100 = _exec(50, "100", "30000", "0.004", "0.000004", "BTC", leaves="0.006")
    e101 = _exec(50, "101", "29999.5", "0.006", "0.000006", "BTC", at=300)
    executions_(c, CID, [e100], id="trades_1")
    status_(c, CID, [_entry(50, "Filled", "0.01", "299.997", "0.00001", 300)], id="status_3")
    executions_(c, CID, [e100, e101], id="trades_2")
    return c


def cancel_by_polling() -> Cassette:
    c = C("cancel_by_polling",
          "status polls: New, PartiallyFilled (execution 110), then PartiallyFilledCanceled"
          " (cancelled elsewhere)",
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(51),
                  "fills": [{"trade_id": "110", "price": "30000", "amount": "0.004",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000004"}]})
    start_traffic(c)
    place_(c, order_params(CID), order_id=oid(51))
    status_(c, CID, [_entry(51, "New")], id="status_1")
    status_(c, CID, [_entry(51, "PartiallyFilled", "0.004", "120", "0.000004")], id="status_2")
    executions_(c, CID, [_exec(51, "110", "30000", "0.004", "0.000004", "BTC",
                               leaves="0.006")], id="trades")
    status_(c, CID, [_entry(51, "PartiallyFilledCanceled", "0.004", "120", "0.000004", 300)],
            id="status_3")
    return c


def fills_by_stream() -> Cassette:
    c = C("fills_by_stream",
          "order and execution messages: New, a partial execution (fee in BTC), the fill"
          " (fee in BTC); " + QUIET,
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(52),
                  "fills": [{"trade_id": "200", "price": "30000", "amount": "0.004",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000004"},
                            {"trade_id": "201", "price": "29999.5", "amount": "0.006",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000006"}],
                  "executed_amount": "0.01", "executed_quote_amount": "299.997",
                  "completed_fees": {P.fee_asset("BTC"): "0.00001"}})
    frames = [
        order_message(_entry(52, "New"), after_http="place"),
        execution_message(_exec(52, "200", "30000", "0.004", "0.000004", "BTC",
                                leaves="0.006")),
        order_message(_entry(52, "PartiallyFilled", "0.004", "120", "0.000004"), at=201),
        execution_message(_exec(52, "201", "29999.5", "0.006", "0.000006", "BTC", at=300),
                          at=300),
        order_message(_entry(52, "Filled", "0.01", "299.997", "0.00001", 300), at=301),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(52))
    return c


def cancel_by_stream() -> Cassette:
    c = C("cancel_by_stream",
          "order and execution messages: New, a partial execution, then"
          " PartiallyFilledCanceled by another session; " + QUIET,
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(53),
                  "fills": [{"trade_id": "210", "price": "30000", "amount": "0.004",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000004"}]})
    frames = [
        order_message(_entry(53, "New"), after_http="place"),
        execution_message(_exec(53, "210", "30000", "0.004", "0.000004", "BTC",
                                leaves="0.006")),
        order_message(_entry(53, "PartiallyFilled", "0.004", "120", "0.000004"), at=201),
        order_message(_entry(53, "PartiallyFilledCanceled", "0.004", "120", "0.000004", 300),
                      at=300),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(53))
    return c



def _not_found() -> dict:
    """The cancel of an order no longer open: spot's 170213, linear's 110001."""
    if P.linear:
        return error(110001, "order not exists or too late to cancel")
    return error(170213, "Order does not exist.")


def cancel_filled_order() -> Cassette:
    c = C("cancel_filled_order",
          "an open Limit buy fills while the client cancels it: the cancel answers that the"
          " order does not exist, then the stream reports the execution and the Filled order; "
          + QUIET,
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(59),
                  "fills": [{"trade_id": "240", "price": "30000", "amount": "0.01",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.00001"}],
                  "executed_amount": "0.01", "executed_quote_amount": "300"})
    e240 = _exec(59, "240", "30000", "0.01", "0.00001", "BTC", at=250)
    frames = [
        order_message(_entry(59, "New"), after_http="place"),
        execution_message(e240, at=250, after_http="cancel"),
        order_message(_entry(59, "Filled", "0.01", "300", "0.00001", 250), at=251),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(59))
    cancel_(c, CID, body=_not_found(), id="cancel")
    return c


def repeated_reports() -> Cassette:
    c = C("repeated_reports",
          "order and execution messages: New twice, execution 250 (partial), execution 251"
          " (partial), execution 250 again, execution 252 (the fill), Filled twice, then a"
          " wallet message; " + QUIET,
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(61),
                  "fills": [{"trade_id": "250", "price": "30000", "amount": "0.002",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000002"},
                            {"trade_id": "251", "price": "30000", "amount": "0.003",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000003"},
                            {"trade_id": "252", "price": "30000", "amount": "0.005",
                             "fee_asset": P.fee_asset("BTC"), "fee_amount": "0.000005"}],
                  "executed_amount": "0.01", "executed_quote_amount": "300"},
          fault=["duplicate_frame", "event_after_terminal"])
    e250 = _exec(61, "250", "30000", "0.002", "0.000002", "BTC", leaves="0.008")
    filled = _entry(61, "Filled", "0.01", "300", "0.00001", 300)
    frames = [
        order_message(_entry(61, "New"), after_http="place"),
        order_message(_entry(61, "New")),
        execution_message(e250),
        order_message(_entry(61, "PartiallyFilled", "0.002", "60", "0.000002"), at=201),
        execution_message(_exec(61, "251", "30000", "0.003", "0.000003", "BTC", at=220,
                                leaves="0.005"), at=220),
        order_message(_entry(61, "PartiallyFilled", "0.005", "150", "0.000005", 220), at=221),
        execution_message(e250),
        execution_message(_exec(61, "252", "30000", "0.005", "0.000005", "BTC", at=300),
                          at=300),
        order_message(filled, at=301),
        order_message(filled, at=301),
        wallet_message([coin("BTC", "2.01", "0.5")]),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(61))
    return c


def fills_rest_and_stream() -> Cassette:
    c = C("fills_rest_and_stream",
          "execution 300 arrives on the stream, 300 and 301 by REST, then 301 again on the"
          " stream, then a wallet message",
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(54), "trade_ids": ["300", "301"],
                  "executed_amount": "0.01"})
    e300 = _exec(54, "300", "30000", "0.004", "0.000004", "BTC", leaves="0.006")
    e301 = _exec(54, "301", "30000", "0.006", "0.000006", "BTC", at=300)
    frames = [
        execution_message(e300, after_http="place"),
        execution_message(e301, at=300, after_http="trades"),
        # A marker: once the check sees its BalanceUpdated, every message before it was read.
        wallet_message([coin("BTC", "2.01", "0.5")]),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(54))
    status_(c, CID, [_entry(54, "Filled", "0.01", "300", "0.00001", 300)], id="status",
            repeat=True)
    executions_(c, CID, [e300, e301], id="trades")
    return c


def fill_before_ack() -> Cassette:
    c = C("fill_before_ack",
          "the placement answers HTTP 502; the first news of the order is an execution, the"
          " New order message comes late; " + QUIET,
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(55), "trade_ids": ["400", "401"],
                  "executed_amount": "0.01"})
    frames = [
        execution_message(_exec(55, "400", "30000", "0.005", "0.000005", "BTC",
                                leaves="0.005", maker=False), after_http="place"),
        order_message(_entry(55, "New"), at=150),
        execution_message(_exec(55, "401", "30000", "0.005", "0.000005", "BTC", at=300,
                                maker=False), at=300),
        order_message(_entry(55, "Filled", "0.01", "300", "0.00001", 300), at=301),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), status=502, response="<html><body>502 Bad Gateway</body></html>")
    return c


def lost_order_fills() -> Cassette:
    c = C("lost_order_fills",
          "status polls find no such order three times (the order is lost), then Filled",
          inputs={"order": BUY},
          expect={"exchange_order_id": oid(56), "trade_ids": ["500"], "executed_amount": "0.01"})
    start_traffic(c)
    place_(c, order_params(CID), order_id=oid(56))
    for n in (1, 2, 3):
        status_(c, CID, [], id=f"not_found_{n}")
    status_(c, CID, [_entry(56, "Filled", "0.01", "300", "0.00001", 400)], id="status")
    executions_(c, CID, [_exec(56, "500", "30000", "0.01", "0.00001", "BTC", at=400)],
                id="trades")
    return c


def events_after_terminal() -> Cassette:
    c = C("events_after_terminal",
          "after the fill: the same execution again, a Cancelled order message, an extra"
          " execution, then a wallet message; " + QUIET,
          inputs={"order": BUY}, expect={"exchange_order_id": oid(57)})
    e600 = _exec(57, "600", "30000", "0.01", "0.00001", "BTC")
    frames = [
        execution_message(e600, after_http="place"),
        order_message(_entry(57, "Filled", "0.01", "300", "0.00001"), at=201),
        execution_message(e600),
        order_message(_entry(57, "Cancelled", "0.01", "300", "0.00001", 300), at=300),
        execution_message(_exec(57, "601", "30000", "0.001", "0.000001", "BTC", at=350),
                          at=350),
        wallet_message([coin("BTC", "2.01", "0.5")]),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params(CID), order_id=oid(57))
    return c


# balances -------------------------------------------------------------------------------------
BALANCES = {"BTC": {"total": "2", "available": "1.5"},
            "USDT": {"total": "10250", "available": "10000"},
            "MNT": {"total": "2", "available": "2"}}


def balances() -> Cassette:
    c = C("balances", "the unified wallet's coins (walletBalance and locked)",
          expect={"balances": BALANCES})
    wallet_(c, repeat=False)
    return c


def balances_asset_removed() -> Cassette:
    c = C("balances_asset_removed", "two wallet snapshots; MNT is gone from the second",
          expect={"balances": [BALANCES, {"BTC": {"total": "2.1", "available": "1.6"},
                                          "USDT": BALANCES["USDT"]}]})
    wallet_(c, repeat=False)
    wallet_(c, [coin("BTC", "2.1", "0.5"), coin("USDT", "10250", "250")], repeat=False)
    return c


def balances_by_stream() -> Cassette:
    c = C("balances_by_stream",
          "after the check's ping: a wallet message with BTC and ETH; " + QUIET,
          expect={"updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"},
                              {"asset": "ETH", "total": "3", "available": "3"}],
                  "balances": {"BTC": {"total": "2.2", "available": "1.2"},
                               "ETH": {"total": "3", "available": "3"},
                               "USDT": BALANCES["USDT"], "MNT": BALANCES["MNT"]}})
    frames = [wallet_message([coin("BTC", "2.2", "1"), coin("ETH", "3", "0")], at=402,
                             after_http="go")]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


def balance_to_zero_by_stream() -> Cassette:
    c = C("balance_to_zero_by_stream",
          "after the check's ping: a wallet message with MNT at 0 (walletBalance and locked); "
          + QUIET,
          expect={"updates": [{"asset": "MNT", "total": "0", "available": "0"}],
                  "zeroed": ["MNT"],
                  "balances": {"BTC": BALANCES["BTC"], "USDT": BALANCES["USDT"]}})
    frames = [wallet_message([coin("MNT", "0", "0")], at=402, after_http="go")]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


# resilience -----------------------------------------------------------------------------------
def rate_limited() -> Cassette:
    c = C("rate_limited",
          "instruments-info answers retCode 10006 (too many visits) with the window's reset"
          " one second ahead, then succeeds",
          inputs={"retry_after": 1.0}, expect={"pairs": ["BTC-USDT", "ETH-USDT"]})
    instruments_(c, body=error(10006, "Too many visits. Exceeded the API Rate Limit."),
                 response_headers={"X-Bapi-Limit-Status": "0", "X-Bapi-Limit": "600",
                                   "X-Bapi-Limit-Reset-Timestamp": str(T0 + 1000)},
                 id="limited")
    instruments_(c, id="retry")
    return c


def rate_limit_burst() -> Cassette:
    limit = 10 if P.linear else 20  # rate-limit.mdx: order creations per second and UID
    n = limit + 1
    c = C("rate_limit_burst",
          f"{n} Limit buys in a row against Bybit's {limit} {P.category} order creations per"
          " second", inputs={"order": BUY, "count": n, "limit": limit, "window": 1.0})
    instruments_(c)
    for i in range(1, n + 1):
        place_(c, order_params(f"CH-Bt{i}"), order_id=oid(1000 + i), id=None)
    return c


def time_resync() -> Cassette:
    c = C("time_resync",
          "wallet answers 10002: resync, retry once (ok); then 10002 twice (gives up)",
          expect={"balances": BALANCES})
    bad = error(10002, "invalid request, please check your server timestamp or recv_window"
                       f" param. req_timestamp[{T0 + 1000}],server_timestamp[{T0}],"
                       "recv_window[5000]")
    wallet_(c, body=bad, repeat=False, id="rejected_1")
    time_(c, repeat=False, id="time_1")
    wallet_(c, repeat=False, id="accepted")
    wallet_(c, body=bad, repeat=False, id="rejected_2")
    time_(c, repeat=False, id="time_2")
    wallet_(c, body=bad, repeat=False, id="rejected_3")
    return c


# The connector's clock runs this far ahead of the exchange's (seconds): far outside
# recv_window, so a timestamp without the server-time offset, with it subtracted instead of
# added, or in seconds is refused by Bybit (10002) and judged wrong by SPOT-RES-6.
CLOCK_SKEW = 30.0


def clock_skew() -> Cassette:
    c = C("clock_skew",
          "the exchange's clock (timeNano T0) runs 30 s behind the connector's: start, then a"
          " balance request; every signed request must carry the exchange's time; " + QUIET,
          inputs={"skew": CLOCK_SKEW, "server_time_ms": T0,
                  "signed_time": {"header": "X-BAPI-TIMESTAMP"}, "recv_window_ms": 5000,
                  "ahead_ms": 1000})
    start_traffic(c)
    return c


def user_stream_garbage() -> Cassette:
    c = C("user_stream_garbage",
          "after the check's ping the private stream sends text that is not JSON, JSON of no"
          " known shape, a truncated order message, then a wallet message; " + QUIET,
          expect={"updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"}]})
    frames = [
        server(text="this is not JSON {", after_http="go"),
        server({"unexpected": True}),
        server(FlowMap({"topic": "order", "creationTime": T0 + 399,
                        "data": [FlowMap({"category": P.category, "symbol": "BTCUSDT"})]})),
        wallet_message([coin("BTC", "2.2", "1")]),
    ]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


def user_stream_reconnect() -> Cassette:
    c = C("user_stream_reconnect",
          "after the check's ping the private stream drops (no close frame); the connector"
          " reconnects, authenticates, subscribes again and gets a wallet message; " + QUIET,
          expect={"connections": 2,
                  "updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"}]})
    start_traffic(c, user_frames=[{"dir": "server", "fault": "reset",
                                   "after": FlowMap({"http": "go"})}],
                  extra_user=[[auth(), auth_ack(), subscribe_private(), private_ack(),
                               wallet_message([coin("BTC", "2.2", "1")])]])
    ping_(c)
    return c



def user_stream_terminated() -> Cassette:
    # The server ends the private stream with a close frame (1001 going away, as on a server
    # restart); the client connects, authenticates and subscribes again. The open order and
    # the balances are what they were: its fill comes on the new connection.
    c = C("user_stream_terminated",
          "an open Limit buy; after the check's ping the server closes the private stream"
          " (1001); the connector connects, authenticates and subscribes again, and the"
          " order's fill and a wallet message come on the new connection; " + QUIET,
          inputs={"order": BUY},
          expect={"connections": 2, "exchange_order_id": oid(62),
                  "trade_ids": ["260"], "executed_amount": "0.01",
                  "updates": [{"asset": "BTC", "total": "2.01", "available": "1.51"}],
                  "balances": {"BTC": {"total": "2.01", "available": "1.51"},
                               "USDT": BALANCES["USDT"], "MNT": BALANCES["MNT"]}})
    first = [order_message(_entry(62, "New"), after_http="place"),
             close(1001, "going away", after_http="go")]
    second = [auth(), auth_ack(), subscribe_private(), private_ack(),
              execution_message(_exec(62, "260", "30000", "0.01", "0.00001", "BTC", at=450),
                                 at=450),
              order_message(_entry(62, "Filled", "0.01", "300", "0.00001", 450), at=451),
              wallet_message([coin("BTC", "2.01", "0.5")], at=452)]
    start_traffic(c, user_frames=first, extra_user=[second])
    place_(c, order_params(CID), order_id=oid(62))
    ping_(c)
    return c


def security() -> Cassette:
    c = C("security",
          "public and private traffic: start, a placement, a rejected placement, a cancel,"
          " a ping; " + QUIET,
          inputs={"order": BUY})
    start_traffic(c, user_frames=[order_message(_entry(60, "New"), after_http="place")])
    place_(c, order_params(CID), order_id=oid(60))
    place_(c, order_params("CH-Bt2"), response=error(170131, "Balance insufficient"),
           id="place_rejected")
    cancel_(c, CID, order_id=oid(60), id="cancel")
    ping_(c)
    return c


ALL = [fills_by_polling, cancel_by_polling, fills_by_stream, cancel_by_stream,
       cancel_filled_order, repeated_reports, fills_rest_and_stream, fill_before_ack,
       lost_order_fills, events_after_terminal,
       balances, balances_asset_removed, balances_by_stream, balance_to_zero_by_stream,
       rate_limited, rate_limit_burst,
       time_resync, clock_skew, user_stream_garbage, user_stream_reconnect,
       user_stream_terminated, security]
