"""Scenarios: status and fills, balances, resilience, security."""
from __future__ import annotations

from binance_data import *
from scenarios_orders import BUY

from harness.cassette.builder import SERVICE_UNAVAILABLE_HTML, Cassette, close, server

QUIET = "the check turns periodic polling off (poll_interval=1000)"


def _er(cid, oid, **kw):
    return execution_report(cid, oid, **kw)


# A resting LIMIT order that fills as maker trades at its own price (30000), never better.
def fills_by_polling() -> Cassette:
    c = Cassette("binance", "fills_by_polling",
                 "status polls: NEW, PARTIALLY_FILLED (trade 100), FILLED (trade 101)",
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "50",
                         "fills": [{"trade_id": "100", "price": "30000", "amount": "0.004",
                                    "fee_asset": "BTC", "fee_amount": "0.000004", "timestamp": seconds(200)},
                                   {"trade_id": "101", "price": "30000", "amount": "0.006",
                                    "fee_asset": "BNB", "fee_amount": "0.00021", "timestamp": seconds(300)}],
                         "executed_amount": "0.01", "executed_quote_amount": "300",
                         "completed_fees": {"BNB": "0.00021", "BTC": "0.000004"}})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 50))
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 50, status="NEW"), id="status_1")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 50, status="PARTIALLY_FILLED",
                                          executed="0.00400000", quote="120.00000000"),
            id="status_2")
    t100 = trade_body(100, 50, "30000.00000000", "0.00400000", "120.00000000", "0.00000400",
                      "BTC")
    t101 = trade_body(101, 50, "30000.00000000", "0.00600000", "180.00000000", "0.00021000",
                      "BNB", time=300)
    trades_(c, 50, [t100], id="trades_1")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 50, status="FILLED", executed="0.01000000",
                                          quote="300.00000000", update=300), id="status_3")
    trades_(c, 50, [t100, t101], id="trades_2")
    return c


def cancel_by_polling() -> Cassette:
    c = Cassette("binance", "cancel_by_polling",
                 "status polls: NEW, PARTIALLY_FILLED (trade 110), then CANCELED elsewhere",
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "51",
                         "fills": [{"trade_id": "110", "price": "30000", "amount": "0.004",
                                    "fee_asset": "BTC", "fee_amount": "0.000004", "timestamp": seconds(200)}]})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 51))
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 51, status="NEW"), id="status_1")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 51, status="PARTIALLY_FILLED",
                                          executed="0.00400000", quote="120.00000000"),
            id="status_2")
    trades_(c, 51, [trade_body(110, 51, "30000.00000000", "0.00400000", "120.00000000",
                               "0.00000400", "BTC")], id="trades")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 51, status="CANCELED",
                                          executed="0.00400000", quote="120.00000000",
                                          update=300), id="status_3")
    return c


def fills_by_stream() -> Cassette:
    c = Cassette("binance", "fills_by_stream",
                 "executionReports: NEW, TRADE (partial, fee in BTC), TRADE (fill, fee in BNB);"
                 " reads of the order answer 503 (the stream alone tells the order); " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "52",
                         "fills": [{"trade_id": "200", "price": "30000", "amount": "0.004",
                                    "fee_asset": "BTC", "fee_amount": "0.000004", "timestamp": seconds(200)},
                                   {"trade_id": "201", "price": "30000", "amount": "0.006",
                                    "fee_asset": "BNB", "fee_amount": "0.00021", "timestamp": seconds(300)}],
                         "executed_amount": "0.01", "executed_quote_amount": "300",
                         "completed_fees": {"BNB": "0.00021", "BTC": "0.000004"}})
    frames = [
        user_event(_er("CH-Bt1", 52, x="NEW", X="NEW"), after_http="place"),
        user_event(_er("CH-Bt1", 52, x="TRADE", X="PARTIALLY_FILLED", last_qty="0.00400000",
                       cum_qty="0.00400000", last_price="30000.00000000", trade_id=200,
                       commission="0.00000400", commission_asset="BTC",
                       cum_quote="120.00000000", maker=True, at=200)),
        user_event(_er("CH-Bt1", 52, x="TRADE", X="FILLED", last_qty="0.00600000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=201,
                       commission="0.00021000", commission_asset="BNB",
                       cum_quote="300.00000000", maker=True, at=300)),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 52))
    rest_unavailable_for(c, "CH-Bt1", 52)
    return c


def cancel_by_stream() -> Cassette:
    c = Cassette("binance", "cancel_by_stream",
                 "executionReports: NEW, TRADE (partial), CANCELED by another session"
                 " (C carries our id); " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "53",
                         "fills": [{"trade_id": "210", "price": "30000", "amount": "0.004",
                                    "fee_asset": "BTC", "fee_amount": "0.000004"}]})
    frames = [
        user_event(_er("CH-Bt1", 53, x="NEW", X="NEW"), after_http="place"),
        user_event(_er("CH-Bt1", 53, x="TRADE", X="PARTIALLY_FILLED", last_qty="0.00400000",
                       cum_qty="0.00400000", last_price="30000.00000000", trade_id=210,
                       commission="0.00000400", commission_asset="BTC",
                       cum_quote="120.00000000", maker=True, at=200)),
        user_event(_er("web_8f2kq1ZbT4", 53, x="CANCELED", X="CANCELED", cum_qty="0.00400000",
                       cum_quote="120.00000000", orig_cid="CH-Bt1", at=300)),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 53))
    return c


def expired_by_stream() -> Cassette:
    # Binance's order status EXPIRED: "canceled ... by the exchange, (e.g. orders canceled
    # during liquidation, orders canceled during maintenance)"; c is the order's own id.
    c = Cassette("binance", "expired_by_stream",
                 "executionReports: NEW, TRADE (partial), then EXPIRED by the exchange"
                 " (maintenance); " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "58",
                         "fills": [{"trade_id": "230", "price": "30000", "amount": "0.004",
                                    "fee_asset": "BTC", "fee_amount": "0.000004"}]})
    frames = [
        user_event(_er("CH-Bt1", 58, x="NEW", X="NEW"), after_http="place"),
        user_event(_er("CH-Bt1", 58, x="TRADE", X="PARTIALLY_FILLED", last_qty="0.00400000",
                       cum_qty="0.00400000", last_price="30000.00000000", trade_id=230,
                       commission="0.00000400", commission_asset="BTC",
                       cum_quote="120.00000000", maker=True, at=200)),
        user_event(_er("CH-Bt1", 58, x="EXPIRED", X="EXPIRED", cum_qty="0.00400000",
                       cum_quote="120.00000000", at=300)),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 58))
    return c


def cancel_filled_order() -> Cassette:
    # errors.md -2011 with "Unknown order sent.": the order is no longer open; here it filled
    # just before the cancel reached the matching engine, and its TRADE report comes after.
    c = Cassette("binance", "cancel_filled_order",
                 "an open LIMIT buy fills while the client cancels it: the cancel answers -2011"
                 " Unknown order sent., then the stream reports the fill (FILLED); status and"
                 " trades answer FILLED to a client that asks; " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "59",
                         "fills": [{"trade_id": "240", "price": "30000", "amount": "0.01",
                                    "fee_asset": "BNB", "fee_amount": "0.00035",
                                    "timestamp": seconds(250)}],
                         "executed_amount": "0.01", "executed_quote_amount": "300"})
    frames = [
        user_event(_er("CH-Bt1", 59, x="NEW", X="NEW"), after_http="place"),
        user_event(_er("CH-Bt1", 59, x="TRADE", X="FILLED", last_qty="0.01000000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=240,
                       commission="0.00035000", commission_asset="BNB",
                       cum_quote="300.00000000", maker=True, at=250), after_http="cancel"),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 59))
    cancel_(c, "CH-Bt1", status=400, body=error(-2011, "Unknown order sent."), id="cancel")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 59, status="FILLED", executed="0.01000000",
                                          quote="300.00000000", update=250), id="status",
            repeat=True)
    trades_(c, 59, [trade_body(240, 59, "30000.00000000", "0.01000000", "300.00000000",
                               "0.00035000", "BNB", time=250)], id="trades")
    return c


def repeated_reports() -> Cassette:
    # At-least-once delivery: the stream sends the report of trade 250 again after trade 251.
    c = Cassette("binance", "repeated_reports",
                 "executionReports: NEW twice, TRADE 250 (partial), TRADE 251 (partial), TRADE 250"
                 " again, TRADE 252 (FILLED), FILLED again, then a balance update; " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "61",
                         "fills": [{"trade_id": "250", "price": "30000", "amount": "0.002",
                                    "fee_asset": "BTC", "fee_amount": "0.000002",
                                    "timestamp": seconds(200)},
                                   {"trade_id": "251", "price": "30000", "amount": "0.003",
                                    "fee_asset": "BTC", "fee_amount": "0.000003",
                                    "timestamp": seconds(220)},
                                   {"trade_id": "252", "price": "30000", "amount": "0.005",
                                    "fee_asset": "BTC", "fee_amount": "0.000005",
                                    "timestamp": seconds(300)}],
                         "executed_amount": "0.01", "executed_quote_amount": "300"},
                 fault=["duplicate_frame", "fill_after_terminal"])

    def trade(trade_id: int, qty: str, cum: str, status: str, at: int) -> dict:
        return user_event(_er("CH-Bt1", 61, x="TRADE", X=status, last_qty=qty, cum_qty=cum,
                              last_price="30000.00000000", trade_id=trade_id,
                              commission=f"{float(qty) / 1000:.8f}", commission_asset="BTC",
                              cum_quote=f"{float(cum) * 30000:.8f}", maker=True, at=at))

    frames = [
        user_event(_er("CH-Bt1", 61, x="NEW", X="NEW"), after_http="place"),
        user_event(_er("CH-Bt1", 61, x="NEW", X="NEW")),
        trade(250, "0.00200000", "0.00200000", "PARTIALLY_FILLED", 200),
        trade(251, "0.00300000", "0.00500000", "PARTIALLY_FILLED", 220),
        trade(250, "0.00200000", "0.00200000", "PARTIALLY_FILLED", 200),
        trade(252, "0.00500000", "0.01000000", "FILLED", 300),
        trade(252, "0.00500000", "0.01000000", "FILLED", 300),
        # A marker: once the check sees its BalanceUpdated, every report before it was read.
        user_event(account_position([("BTC", "1.51000000", "0.50000000")])),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 61))
    return c


def fills_rest_and_stream() -> Cassette:
    c = Cassette("binance", "fills_rest_and_stream",
                 "trade 300 arrives on the stream, trades 300 and 301 by REST, then 301 again"
                 " on the stream, then a balance update",
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "54", "trade_ids": ["300", "301"],
                         "executed_amount": "0.01"})
    frames = [
        user_event(_er("CH-Bt1", 54, x="TRADE", X="PARTIALLY_FILLED", last_qty="0.00400000",
                       cum_qty="0.00400000", last_price="30000.00000000", trade_id=300,
                       commission="0.00000400", commission_asset="BTC",
                       cum_quote="120.00000000", maker=True, at=200), after_http="place"),
        user_event(_er("CH-Bt1", 54, x="TRADE", X="FILLED", last_qty="0.00600000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=301,
                       commission="0.00000600", commission_asset="BTC",
                       cum_quote="300.00000000", maker=True, at=300), after_http="trades"),
        # A marker: once the check sees its BalanceUpdated, every report before it was read.
        user_event(account_position([("BTC", "1.51000000", "0.50000000")])),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 54))
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 54, status="FILLED", executed="0.01000000",
                                          quote="300.00000000", update=300), id="status",
            repeat=True)
    trades_(c, 54, [trade_body(300, 54, "30000.00000000", "0.00400000", "120.00000000",
                               "0.00000400", "BTC"),
                    trade_body(301, 54, "30000.00000000", "0.00600000", "180.00000000",
                               "0.00000600", "BTC", time=300)], id="trades")
    return c


def rest_unavailable_for(c: Cassette, cid: str, order_id: int) -> None:
    """The order's status and trades reads answer 503, as long as the scenario lasts: a
    stream scenario judges the stream alone. Without them a poll is answered from the frames
    already sent (exchange.yaml order_state), and a connector that dropped a stream fill
    would read it back from REST."""
    status_(c, cid, status=503, body=SERVICE_UNAVAILABLE_HTML)
    trades_(c, order_id, SERVICE_UNAVAILABLE_HTML, status=503)


def fill_before_ack() -> Cassette:
    c = Cassette("binance", "fill_before_ack",
                 "the placement answers 503; the first news of the order is a TRADE report,"
                 " the NEW report comes late; reads of the order answer 503 too (the REST API"
                 " stays unavailable: the stream alone tells the order); " + QUIET,
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "55", "trade_ids": ["400", "401"],
                         "executed_amount": "0.01"},
                 fault=["fill_before_ack"])
    frames = [
        user_event(_er("CH-Bt1", 55, x="TRADE", X="PARTIALLY_FILLED", last_qty="0.00500000",
                       cum_qty="0.00500000", last_price="30000.00000000", trade_id=400,
                       commission="0.00000500", commission_asset="BTC",
                       cum_quote="150.00000000", at=200), after_http="place"),
        user_event(_er("CH-Bt1", 55, x="NEW", X="NEW", at=150)),
        user_event(_er("CH-Bt1", 55, x="TRADE", X="FILLED", last_qty="0.00500000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=401,
                       commission="0.00000500", commission_asset="BTC",
                       cum_quote="300.00000000", at=300)),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), status=503,
           body=SERVICE_UNAVAILABLE_HTML)
    rest_unavailable_for(c, "CH-Bt1", 55)
    return c


def lost_order_fills() -> Cassette:
    c = Cassette("binance", "lost_order_fills",
                 "status polls answer -2013 three times (the order is lost), then FILLED",
                 inputs={"order": BUY},
                 expect={"exchange_order_id": "56", "trade_ids": ["500"],
                         "executed_amount": "0.01"})
    start_traffic(c)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 56))
    for n in (1, 2, 3):
        status_(c, "CH-Bt1", status=400, body=error(-2013, "Order does not exist."),
                id=f"not_found_{n}")
    status_(c, "CH-Bt1", body=query_body("CH-Bt1", 56, status="FILLED", executed="0.01000000",
                                          quote="300.00000000", update=400), id="status")
    trades_(c, 56, [trade_body(500, 56, "30000.00000000", "0.01000000", "300.00000000",
                               "0.00001000", "BTC", time=400)], id="trades")
    return c


def events_after_terminal() -> Cassette:
    c = Cassette("binance", "events_after_terminal",
                 "after the FILLED report: the same trade again, a CANCELED report, an extra"
                 " trade, then a balance update; " + QUIET,
                 inputs={"order": BUY}, expect={"exchange_order_id": "57"},
                 fault=["duplicate_frame", "fill_after_terminal", "event_after_terminal",
                        "overfill"])
    frames = [
        user_event(_er("CH-Bt1", 57, x="TRADE", X="FILLED", last_qty="0.01000000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=600,
                       commission="0.00001000", commission_asset="BTC",
                       cum_quote="300.00000000", at=200), after_http="place"),
        user_event(_er("CH-Bt1", 57, x="TRADE", X="FILLED", last_qty="0.01000000",
                       cum_qty="0.01000000", last_price="30000.00000000", trade_id=600,
                       commission="0.00001000", commission_asset="BTC",
                       cum_quote="300.00000000", at=200)),
        user_event(_er("CH-Bt1", 57, x="CANCELED", X="CANCELED", cum_qty="0.01000000",
                       cum_quote="300.00000000", at=300)),
        user_event(_er("CH-Bt1", 57, x="TRADE", X="FILLED", last_qty="0.00100000",
                       cum_qty="0.01100000", last_price="30000.00000000", trade_id=601,
                       commission="0.00000100", commission_asset="BTC",
                       cum_quote="330.00000000", at=350)),
        user_event(account_position([("BTC", "1.51000000", "0.50000000")])),
    ]
    start_traffic(c, user_frames=frames)
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 57))
    return c


# balances -------------------------------------------------------------------------------------
BALANCES = {"BTC": {"total": "2", "available": "1.5"},
            "USDT": {"total": "10250", "available": "10000"},
            "BNB": {"total": "2", "available": "2"}}


def balances() -> Cassette:
    c = Cassette("binance", "balances", "account balances (free and locked per asset)",
                 expect={"balances": BALANCES})
    account_(c, repeat=False)
    return c


def balances_asset_removed() -> Cassette:
    c = Cassette("binance", "balances_asset_removed",
                 "two account snapshots; BNB is gone from the second",
                 expect={"balances": [BALANCES, {"BTC": {"total": "2.1", "available": "1.6"},
                                                 "USDT": BALANCES["USDT"]}]})
    account_(c, repeat=False)
    account_(c, [{"asset": "BTC", "free": "1.60000000", "locked": "0.50000000"},
                 ACCOUNT_BALANCES[1]], repeat=False)
    return c


def balances_by_stream() -> Cassette:
    # ETH held 1 before a deposit of 2 (the balanceUpdate delta): a client that applies the
    # delta must apply it to the balance it knew (3), not report the delta alone (2).
    c = Cassette("binance", "balances_by_stream",
                 "after the check's ping: a balanceUpdate delta (ETH +2 on the 1 held) and the"
                 " outboundAccountPosition (BTC, ETH); " + QUIET,
                 expect={"updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"},
                                     {"asset": "ETH", "total": "3", "available": "3"}],
                         "balances": {"BTC": {"total": "2.2", "available": "1.2"},
                                      "ETH": {"total": "3", "available": "3"},
                                      "USDT": BALANCES["USDT"], "BNB": BALANCES["BNB"]}})
    frames = [
        user_event({"e": "balanceUpdate", "E": T0 + 401, "a": "ETH", "d": "2.00000000",
                    "T": T0 + 400}, after_http="go"),
        user_event(account_position([("BTC", "1.20000000", "1.00000000"),
                                     ("ETH", "3.00000000", "0.00000000")], at=402)),
    ]
    held = [*ACCOUNT_BALANCES, {"asset": "ETH", "free": "1.00000000", "locked": "0.00000000"}]
    start_traffic(c, balances=held, user_frames=frames)
    ping_(c)
    return c


def balance_to_zero_by_stream() -> Cassette:
    c = Cassette("binance", "balance_to_zero_by_stream",
                 "after the check's ping: outboundAccountPosition with BNB at 0 free and 0 locked"
                 " (all of it spent on fees); " + QUIET,
                 expect={"updates": [{"asset": "BNB", "total": "0", "available": "0"}],
                         "zeroed": ["BNB"],
                         "balances": {"BTC": BALANCES["BTC"], "USDT": BALANCES["USDT"]}})
    frames = [user_event(account_position([("BNB", "0.00000000", "0.00000000")], at=402),
                         after_http="go")]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


# resilience -----------------------------------------------------------------------------------
def rate_limited() -> Cassette:
    c = Cassette("binance", "rate_limited",
                 "exchangeInfo answers 429 with Retry-After: 1, then 200",
                 inputs={"retry_after": 1.0}, expect={"pairs": ["BTC-USDT", "ETH-USDT"]})
    c.http("GET", REST, "/api/v3/exchangeInfo", status=429, message="Too Many Requests",
           body=error(-1003, "Too much request weight used; current limit is 6000 request"
                             " weight per 1 MINUTE. Please use WebSocket Streams for live"
                             " updates to avoid polling the API."),
           response_headers={"Retry-After": "1", "X-MBX-USED-WEIGHT-1M": "6020"},
           id="limited")
    c.state["weight"] = 0  # Retry-After: 1 - the retry falls in a fresh weight window
    exchange_info_(c, id="retry")
    return c


def rate_limit_burst() -> Cassette:
    n = 101
    c = Cassette("binance", "rate_limit_burst",
                 "101 LIMIT buys in a row against Binance's 100 orders per 10 s",
                 inputs={"order": BUY, "count": n, "limit": 100, "window": 10.0})
    exchange_info_(c)
    for i in range(1, n + 1):
        place_(c, order_params(f"CH-Bt{i}"), body=order_body(f"CH-Bt{i}", 1000 + i), id=None)
    return c


def weight_burst() -> Cassette:
    # rest-api.md LIMITS: REQUEST_WEIGHT 6000 per minute per IP; GET /api/v3/account weighs 20,
    # so 300 fill the minute and the 301st must wait for the window to move on.
    n = 6000 // 20 + 1
    c = Cassette("binance", "weight_burst",
                 f"{n} account requests in a row (weight 20 each, X-MBX-USED-WEIGHT-1M counting)"
                 " against Binance's 6000 request weight per minute",
                 inputs={"count": n, "limit": 6000, "window": 60.0,
                         "weight_header": "X-MBX-USED-WEIGHT-1M"})
    for i in range(1, n + 1):
        if i == n:
            c.state["weight"] = 0  # a correct client waited: its 301st opens a new minute
        account_(c, repeat=False, id=None)
    return c


def time_resync() -> Cassette:
    c = Cassette("binance", "time_resync",
                 "account answers -1021: resync, retry once (ok); then -1021 twice (gives up)",
                 expect={"balances": BALANCES})
    bad = error(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    account_(c, status=400, body=bad, repeat=False, id="rejected_1")
    time_(c, repeat=False, id="time_1")
    account_(c, repeat=False, id="accepted")
    account_(c, status=400, body=bad, repeat=False, id="rejected_2")
    time_(c, repeat=False, id="time_2")
    account_(c, status=400, body=bad, repeat=False, id="rejected_3")
    return c


# The connector's clock runs this far ahead of the exchange's (seconds): far outside the
# receive window, so a timestamp without the server-time offset, with it subtracted instead
# of added, or in seconds is refused by Binance (-1021) and judged wrong by SPOT-RES-6.
CLOCK_SKEW = 30.0


def clock_skew() -> Cassette:
    c = Cassette("binance", "clock_skew",
                 "the exchange's clock (serverTime T0) runs 30 s behind the connector's: start,"
                 " then a balance request; every signed request must carry the exchange's time;"
                 " " + QUIET,
                 inputs={"skew": CLOCK_SKEW, "server_time_ms": T0,
                         "signed_time": {"param": "timestamp"}, "recv_window_ms": 5000,
                         "ahead_ms": 1000})
    start_traffic(c)
    return c


def user_stream_garbage() -> Cassette:
    c = Cassette("binance", "user_stream_garbage",
                 "after the check's ping the user stream sends text that is not JSON, JSON of no"
                 " known shape, a truncated executionReport, then a balance update; " + QUIET,
                 expect={"updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"}]},
                 fault=["garbage_frame"])
    frames = [
        server(text="this is not JSON {", after_http="go"),
        server({"unexpected": True}),
        user_event({"e": "executionReport", "s": "BTCUSDT"}),
        user_event(account_position([("BTC", "1.20000000", "1.00000000")])),
    ]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


def user_stream_reconnect() -> Cassette:
    from harness.cassette.builder import FlowMap
    c = Cassette("binance", "user_stream_reconnect",
                 "after the check's ping the user stream drops (no close frame); the connector"
                 " reconnects, subscribes again and gets a balance update; " + QUIET,
                 expect={"connections": 2,
                         "updates": [{"asset": "BTC", "total": "2.2", "available": "1.2"}]})
    c.http  # noqa: B018
    start_traffic(c, user_frames=[{"dir": "server", "fault": "reset", "after": FlowMap({"http": "go"})}],
            extra_user=[[subscribe_user(2), user_ack(2),
                         user_event(account_position([("BTC", "1.20000000", "1.00000000")]))]])
    ping_(c)
    return c


def user_stream_terminated() -> Cassette:
    # WebSocket API: the connection-level serverShutdown event, then the server closes
    # (1001 going away); the client connects again and subscribes again. The open order and
    # the balances are what they were: its fill comes on the new connection.
    c = Cassette("binance", "user_stream_terminated",
                 "an open LIMIT buy; after the check's ping the server sends serverShutdown and"
                 " closes the user stream (1001); the connector connects and subscribes again,"
                 " and the order's fill and a balance update come on the new connection; "
                 + QUIET,
                 inputs={"order": BUY},
                 expect={"connections": 2, "exchange_order_id": "62",
                         "trade_ids": ["260"], "executed_amount": "0.01",
                         "updates": [{"asset": "BTC", "total": "2.01", "available": "1.51"}],
                         "balances": {"BTC": {"total": "2.01", "available": "1.51"},
                                      "USDT": BALANCES["USDT"], "BNB": BALANCES["BNB"]}})
    first = [user_event(_er("CH-Bt1", 62, x="NEW", X="NEW"), after_http="place"),
             server({"event": {"e": "serverShutdown", "E": T0 + 400}}, after_http="go"),
             close(1001, "going away")]
    second = [subscribe_user(2), user_ack(2),
              user_event(_er("CH-Bt1", 62, x="TRADE", X="FILLED", last_qty="0.01000000",
                             cum_qty="0.01000000", last_price="30000.00000000", trade_id=260,
                             commission="0.00001000", commission_asset="BTC",
                             cum_quote="300.00000000", maker=True, at=450)),
              user_event(account_position([("BTC", "1.51000000", "0.50000000")], at=451))]
    start_traffic(c, user_frames=first, extra_user=[second])
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 62))
    ping_(c)
    return c


def security() -> Cassette:
    c = Cassette("binance", "security",
                 "public and private traffic: start, a placement, a rejected placement, a cancel,"
                 " a ping; " + QUIET,
                 inputs={"order": BUY})
    start_traffic(c, user_frames=[user_event(_er("CH-Bt1", 60, x="NEW", X="NEW"), after_http="place")])
    place_(c, order_params("CH-Bt1"), body=order_body("CH-Bt1", 60))
    place_(c, order_params("CH-Bt2"), status=400,
           body=error(-2010, "Account has insufficient balance for requested action."),
           id="place_rejected")
    cancel_(c, "CH-Bt1", body=cancel_body("CH-Bt1", 60), id="cancel")
    ping_(c)
    return c


ALL = [fills_by_polling, cancel_by_polling, fills_by_stream, cancel_by_stream, expired_by_stream,
       cancel_filled_order, repeated_reports, fills_rest_and_stream, fill_before_ack,
       lost_order_fills, events_after_terminal,
       balances, balances_asset_removed, balances_by_stream, balance_to_zero_by_stream,
       rate_limited, rate_limit_burst, weight_burst,
       time_resync, clock_skew, user_stream_garbage, user_stream_reconnect,
       user_stream_terminated, security]
