"""Scenarios: symbols, trading rules, network, order books."""
from __future__ import annotations

import copy

from binance_data import *

from harness.cassette.builder import (
    SERVICE_UNAVAILABLE_HTML,
    Cassette,
    close,
    server,
    unavailable_three_ways,
)

RULES = {
    "BTC-USDT": {"min_order_size": "0.0001", "max_order_size": "9000",
                 "min_price_increment": "0.01", "min_base_increment": "0.00001",
                 "min_notional": "5", "min_price": "0.01", "max_price": "1000000"},
    "ETH-USDT": {"min_order_size": "0.0001", "max_order_size": "100000",
                 "min_price_increment": "0.01", "min_base_increment": "0.0001",
                 "min_notional": "10", "min_price": "0.01", "max_price": "1000000"},
}


def symbols() -> Cassette:
    c = Cassette("binance", "symbols",
                 "exchangeInfo listing two spot symbols, one in BREAK and one margin-only",
                 expect={"symbols": {"BTC-USDT": "BTCUSDT", "ETH-USDT": "ETHUSDT"},
                         "excluded_symbols": ["BNBBTC", "LUNAUSDT"],
                         "unknown_symbols": ["DOGEUSDT"],
                         "unknown_pairs": ["BNB-BTC", "DOGE-USDT"]})
    exchange_info_(c, [BTCUSDT, ETHUSDT, BNBBTC_BREAK, LUNAUSDT_MARGIN])
    return c


def symbols_unavailable() -> Cassette:
    c = Cassette("binance", "symbols_unavailable",
                 "exchangeInfo fails three ways: HTTP 503, an HTML page, a reset connection"
                 " (repeated: HTTP clients retry a reset idempotent request once)",
                 inputs={"attempts": 3},
                 fault=["malformed_payload"])
    unavailable_three_ways(lambda **answer: exchange_info_(c, **answer))
    return c


def last_prices() -> Cassette:
    c = Cassette("binance", "last_prices",
                 "ticker/price for all symbols, then for one symbol",
                 inputs={"pairs": ["BTC-USDT", "ETH-USDT"], "single_pair": "BTC-USDT"},
                 expect={"prices": {"BTC-USDT": "30000.1", "ETH-USDT": "2000.05"},
                         "single_price": "30000.2"})
    exchange_info_(c)
    c.http("GET", REST, "/api/v3/ticker/price", body=[
        {"symbol": "LTCBTC", "price": "0.00120000"},
        {"symbol": "BTCUSDT", "price": "30000.10000000"},
        {"symbol": "ETHUSDT", "price": "2000.05000000"},
        {"symbol": "BNBBTC", "price": "0.00850000"}], response_headers=WEIGHT)
    c.http("GET", REST, "/api/v3/ticker/price", {"symbol": "BTCUSDT"},
           body={"symbol": "BTCUSDT", "price": "30000.20000000"}, response_headers=WEIGHT)
    return c


def trading_rules() -> Cassette:
    c = Cassette("binance", "trading_rules",
                 "exchangeInfo with PRICE_FILTER, LOT_SIZE and NOTIONAL / MIN_NOTIONAL filters",
                 inputs={
                     "quantize": [
                         {"pair": "BTC-USDT", "price": "30000.129", "amount": "0.123456789"},
                         {"pair": "BTC-USDT", "price": "30000.01", "amount": "0.00001"},
                         {"pair": "BTC-USDT", "price": "29999.999999", "amount": "1.999999"},
                         {"pair": "ETH-USDT", "price": "2000.0099", "amount": "0.00019"},
                     ],
                     "below_min_size": {"pair": "BTC-USDT", "side": "BUY", "type": "LIMIT",
                                        "amount": "0.00005", "price": "30000"},
                     "below_min_notional": {"pair": "BTC-USDT", "side": "BUY",
                                            "type": "LIMIT", "amount": "0.0001",
                                            "price": "30000"},
                     # ETHUSDT carries the older MIN_NOTIONAL form (minNotional 10): 2 USDT.
                     "below_min_notional_older_form": {"pair": "ETH-USDT", "side": "BUY",
                                                       "type": "LIMIT", "amount": "0.001",
                                                       "price": "2000"},
                     # PRICE_FILTER maxPrice is 1000000.00: one tick above it.
                     "above_max_price": {"pair": "BTC-USDT", "side": "SELL", "type": "LIMIT",
                                         "amount": "0.0001", "price": "1000000.01"},
                 },
                 expect={"rules": RULES})
    exchange_info_(c)
    return c


def trading_rules_malformed() -> Cassette:
    broken = copy.deepcopy(ETHUSDT)
    broken["filters"] = [f for f in broken["filters"] if f["filterType"] != "LOT_SIZE"]
    c = Cassette("binance", "trading_rules_malformed",
                 "exchangeInfo where ETHUSDT lacks its LOT_SIZE filter",
                 expect={"rules": {"BTC-USDT": RULES["BTC-USDT"]},
                         "malformed_symbols": ["ETHUSDT"], "malformed_pairs": ["ETH-USDT"]})
    exchange_info_(c, [BTCUSDT, broken])
    return c


def network_ok() -> Cassette:
    c = Cassette("binance", "network_ok", "ping answers {}")
    ping_(c, id="ping")
    return c


def network_server_error() -> Cassette:
    c = Cassette("binance", "network_server_error", "ping answers HTTP 503")
    ping_(c, id="ping", status=503, body=SERVICE_UNAVAILABLE_HTML)
    return c


def network_timeout() -> Cassette:
    c = Cassette("binance", "network_timeout", "ping never answers")
    ping_(c, id="ping", fault="timeout")
    return c


def startup() -> Cassette:
    c = Cassette("binance", "startup",
                 "what start() needs: time, exchangeInfo, account, two depth snapshots, streams",
                 expect={"books": {
                     "BTC-USDT": {"update_id": 1000, "bids": BTC_BOOK["bids"],
                                  "asks": BTC_BOOK["asks"]},
                     "ETH-USDT": {"update_id": 500, "bids": ETH_BOOK["bids"],
                                  "asks": ETH_BOOK["asks"]}}})
    start_traffic(c)
    return c


def startup_user_stream_late() -> Cassette:
    c = Cassette("binance", "startup_user_stream_late",
                 "the user-stream subscription is answered only after the check's ping")
    ping_(c)
    time_(c)
    exchange_info_(c)
    account_(c)
    depth_(c, "BTCUSDT", BTC_BOOK)
    depth_(c, "ETHUSDT", ETH_BOOK)
    c.ws(WS_PUBLIC, [subscribe_market(), market_ack()])
    c.ws(WS_API, [subscribe_user(), server(flow({"id": 1, "status": 200,
                                                  "result": {"subscriptionId": 0}}),
                                          after_http="go")])
    return c


BTC_AFTER = {"update_id": 1005,
             "bids": [["30000.10", "0.8"], ["29999.50", "2.00"], ["29999.00", "0.75"]],
             "asks": [["30000.40", "2.0"], ["30000.50", "0.6"], ["30002.00", "0.40"]]}


def order_book() -> Cassette:
    c = Cassette("binance", "order_book",
                 "depth snapshots, then diffs: one older than the snapshot, two in sequence,"
                 " one repeated; trades on both symbols",
                 expect={"books": {"BTC-USDT": BTC_AFTER,
                                   "ETH-USDT": {"update_id": 501,
                                                "bids": [["2000.00", "10"], ["1999.90", "5"]],
                                                "asks": [["2000.10", "7.5"],
                                                         ["2000.20", "12"]]}},
                         "stale_levels": {"BTC-USDT": {"bids": [["29999.00", "0.75"],
                                                                ["30000.10", "0.8"]]}},
                         "trades": [
                             {"pair": "BTC-USDT", "trade_id": "777", "price": "30000.4",
                              "amount": "0.015"},
                             {"pair": "ETH-USDT", "trade_id": "888", "price": "2000.1",
                              "amount": "0.5"}]},
                 fault=["reordered_frames"])
    market = [
        # Older than the snapshot (u <= lastUpdateId 1000): must be dropped.
        depth_update("BTCUSDT", 995, 1000, [["29999.00000000", "9.99000000"]], []),
        depth_update("BTCUSDT", 1001, 1003,
                     [["30000.00000000", "0.00000000"], ["30000.10000000", "0.80000000"]],
                     [["30000.50000000", "0.60000000"]], after_http="depth_btc"),
        depth_update("BTCUSDT", 1004, 1005, [],
                     [["30001.00000000", "0.00000000"], ["30000.40000000", "2.00000000"]]),
        # Replayed by the stream: its ids are not newer than the book's, so it is ignored.
        depth_update("BTCUSDT", 1002, 1003, [["30000.10000000", "5.00000000"]], []),
        trade_event("BTCUSDT", 777, "30000.40000000", "0.01500000", False),
        trade_event("ETHUSDT", 888, "2000.10000000", "0.50000000", True),
        # Last: once the ETH book shows it, every frame before it was read.
        depth_update("ETHUSDT", 501, 501, [], [["2000.10000000", "7.50000000"]],
                     after_http="depth_eth"),
    ]
    start_traffic(c, market_frames=market)
    return c


def order_book_early_frames() -> Cassette:
    # rest-api.md "How to manage a local order book correctly": buffer the stream's events,
    # then take a snapshot, drop buffered events with u <= lastUpdateId, apply the rest. Here
    # the diffs come while the connector has neither its rules (the first exchangeInfo
    # answers 503: the first diff follows it) nor its BTC book (the first snapshot answers
    # 503: the others follow it); the snapshot that loads is at 1003, so one buffered diff
    # is older and one newer.
    btc_1003 = {"lastUpdateId": 1003,
                "bids": [["30000.10000000", "0.80000000"], ["29999.50000000", "2.00000000"],
                         ["29999.00000000", "0.75000000"]],
                "asks": [["30000.50000000", "0.60000000"], ["30001.00000000", "3.00000000"],
                         ["30002.00000000", "0.40000000"]]}
    c = Cassette("binance", "order_book_early_frames",
                 "depth diffs arrive before the connector has its rules (the first exchangeInfo"
                 " answers 503) and its BTC book (the first snapshot answers 503): the snapshot then"
                 " loads at 1003, the buffered diff 1001-1003 is older, 1004-1005 continues it",
                 expect={"books": {"BTC-USDT": BTC_AFTER,
                                   "ETH-USDT": {"update_id": 500, "bids": ETH_BOOK["bids"],
                                                "asks": ETH_BOOK["asks"]}}})
    time_(c)
    exchange_info_(c, status=503, body=SERVICE_UNAVAILABLE_HTML, id="exchange_info_unavailable")
    exchange_info_(c, id="exchange_info")
    account_(c)
    c.http("GET", REST, "/api/v3/depth", {"symbol": "BTCUSDT", "limit": "1000"}, status=503,
           body=SERVICE_UNAVAILABLE_HTML, id="depth_btc_unavailable", response_headers=WEIGHT)
    depth_(c, "BTCUSDT", btc_1003, id="depth_btc")
    depth_(c, "ETHUSDT", ETH_BOOK, id="depth_eth")
    market = [
        depth_update("BTCUSDT", 995, 1000, [["29999.00000000", "9.99000000"]], [],
                     after_http="exchange_info_unavailable"),
        depth_update("BTCUSDT", 1001, 1003,
                     [["30000.00000000", "0.00000000"], ["30000.10000000", "0.80000000"]],
                     [["30000.50000000", "0.60000000"]], after_http="depth_btc_unavailable"),
        depth_update("BTCUSDT", 1004, 1005, [],
                     [["30001.00000000", "0.00000000"], ["30000.40000000", "2.00000000"]]),
    ]
    c.ws(WS_PUBLIC, [subscribe_market(), market_ack(), *market])
    c.ws(WS_API, [subscribe_user(), user_ack()])
    return c


def order_book_gap() -> Cassette:
    btc_2 = {"lastUpdateId": 1011,
             "bids": [["30010.00000000", "1.00000000"], ["30009.00000000", "2.00000000"]],
             "asks": [["30011.00000000", "1.50000000"], ["30012.00000000", "2.50000000"]]}
    c = Cassette("binance", "order_book_gap",
                 "a diff skips update ids (1003 -> 1010): the book is rebuilt from a new snapshot",
                 expect={"books": {"BTC-USDT": {
                     "update_id": 1014,
                     "bids": [["30010.00", "1.00"], ["30009.50", "0.5"], ["30009.00", "2.00"]],
                     "asks": [["30011.00", "1.50"], ["30012.00", "2.50"]]}},
                     "snapshots": {"BTC-USDT": 2}},
                 fault=["sequence_gap"])
    market = [
        depth_update("BTCUSDT", 1001, 1003, [["29999.50000000", "2.50000000"]], [],
                     after_http="depth_btc"),
        depth_update("BTCUSDT", 1010, 1012, [["30009.50000000", "0.50000000"]], []),
        depth_update("BTCUSDT", 1013, 1014, [["30005.00000000", "0.00000000"]], [],
                     after_http="depth_btc_2"),
    ]
    start_traffic(c, market_frames=market)
    depth_(c, "BTCUSDT", btc_2, id="depth_btc_2")
    # The book as the exchange holds it after the last diff: what a later snapshot request
    # gets (a client that drops the diff revealing the gap must fetch again, rest-api.md's
    # "How to manage a local order book correctly", step 4).
    depth_(c, "BTCUSDT", {**btc_2, "lastUpdateId": 1014, "bids": [
        ["30010.00000000", "1.00000000"], ["30009.50000000", "0.50000000"],
        ["30009.00000000", "2.00000000"]]}, id="depth_btc_3", optional=True)
    return c


def market_reconnect() -> Cassette:
    btc_2 = {"lastUpdateId": 2000,
             "bids": [["30100.00000000", "1.00000000"]],
             "asks": [["30101.00000000", "1.00000000"]]}
    eth_2 = {"lastUpdateId": 900,
             "bids": [["2010.00000000", "3.00000000"]],
             "asks": [["2010.50000000", "4.00000000"]]}
    c = Cassette("binance", "market_reconnect",
                 "the market stream closes after the first snapshots; the connector reconnects,"
                 " subscribes again and reloads both books",
                 expect={"connections": 2, "books": {
                     "BTC-USDT": {"update_id": 2001, "bids": [["30100.00", "1.00"]],
                                  "asks": [["30100.90", "0.3"], ["30101.00", "1.00"]]},
                     "ETH-USDT": {"update_id": 900, "bids": [["2010.00", "3"]],
                                  "asks": [["2010.50", "4"]]}}})
    first = [depth_update("BTCUSDT", 1001, 1001, [["29999.00000000", "1.00000000"]], [],
                          after_http="depth_btc"),
             close(1001, "going away", after_http="depth_eth")]
    second = [subscribe_market(2), market_ack(2),
              depth_update("BTCUSDT", 2001, 2001, [], [["30100.90000000", "0.30000000"]],
                           after_http="depth_btc_2")]
    start_traffic(c, market_frames=first, extra_market=[second])
    depth_(c, "BTCUSDT", btc_2, id="depth_btc_2")
    depth_(c, "ETHUSDT", eth_2, id="depth_eth_2")
    return c


ALL = [symbols, symbols_unavailable, last_prices, trading_rules, trading_rules_malformed,
       network_ok, network_server_error, network_timeout, startup, startup_user_stream_late,
       order_book, order_book_early_frames, order_book_gap, market_reconnect]
