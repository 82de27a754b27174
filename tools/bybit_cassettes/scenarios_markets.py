"""Scenarios: symbols, trading rules, network, order books."""
from __future__ import annotations

import copy
from typing import Any

from bybit_data import (
    BTC_BOOK,
    BTCUSDT,
    ETH_BOOK,
    ETHUSDT,
    REST,
    WS_PRIVATE,
    P,
    auth,
    auth_ack,
    book,
    delta_frame,
    instruments_,
    linear_ticker,
    market_ack,
    ok,
    orderbook_,
    perpetual_traffic,
    ping_,
    private_ack,
    snapshot_frame,
    start_traffic,
    subscribe_market,
    subscribe_private,
    time_,
    trade_frame,
    wallet_,
)

from harness.cassette.builder import (
    SERVICE_UNAVAILABLE_HTML,
    Cassette,
    close,
    unavailable_three_ways,
)


def C(scenario: str, description: str, **kw: Any) -> Cassette:
    return Cassette(P.connector, scenario, description, api_version="v5", **kw)

RULES = {
    "BTC-USDT": {"min_order_size": "0.00001", "max_order_size": "9000",
                 "min_price_increment": "0.01", "min_base_increment": "0.00001",
                 "min_notional": "5", "min_price": "0", "max_price": "0"},
    "ETH-USDT": {"min_order_size": "0.0001", "max_order_size": "100000",
                 "min_price_increment": "0.01", "min_base_increment": "0.0001",
                 "min_notional": "10", "min_price": "0", "max_price": "0"},
}


def symbols() -> Cassette:
    c = C("symbols",
          "instruments-info (category=spot) listing two symbols; spot lists Trading symbols"
          " only, so none is excluded by status here",
          expect={"symbols": {"BTC-USDT": "BTCUSDT", "ETH-USDT": "ETHUSDT"},
                  "excluded_symbols": [], "unknown_symbols": ["DOGEUSDT", "SOLBTC"],
                  "unknown_pairs": ["SOL-BTC", "DOGE-USDT"]})
    instruments_(c, [BTCUSDT, ETHUSDT])
    return c


def symbols_unavailable() -> Cassette:
    c = C("symbols_unavailable",
          "instruments-info fails three ways: HTTP 503, an HTML page, a reset connection"
          " (repeated: HTTP clients retry a reset idempotent request once)",
          inputs={"attempts": 3})
    unavailable_three_ways(lambda **answer: instruments_(c, **answer))
    return c


def _ticker(symbol: str, last: str) -> dict:
    return {"symbol": symbol, "bid1Price": last, "bid1Size": "0.5", "ask1Price": last,
            "ask1Size": "0.6", "lastPrice": last, "prevPrice24h": last, "price24hPcnt": "0.0012",
            "highPrice24h": last, "lowPrice24h": last, "turnover24h": "1000000",
            "volume24h": "40", "usdIndexPrice": last}


def last_prices() -> Cassette:
    c = C("last_prices", "tickers (category=spot) for all symbols, then for one symbol",
          inputs={"pairs": ["BTC-USDT", "ETH-USDT"], "single_pair": "BTC-USDT"},
          expect={"prices": {"BTC-USDT": "30000.1", "ETH-USDT": "2000.05"},
                  "single_price": "30000.2"})
    instruments_(c)
    ticker = linear_ticker if P.linear else _ticker
    c.http("GET", REST, "/v5/market/tickers", {"category": P.category}, body=ok({
        "category": P.category, "list": [ticker("SOLBTC", "0.00285"),
                                         ticker("BTCUSDT", "30000.10"),
                                         ticker("ETHUSDT", "2000.05")]}))
    c.http("GET", REST, "/v5/market/tickers", {"category": P.category, "symbol": "BTCUSDT"},
           body=ok({"category": P.category, "list": [ticker("BTCUSDT", "30000.20")]}))
    return c


def trading_rules() -> Cassette:
    c = C("trading_rules",
          "instruments-info with lotSizeFilter (basePrecision, minOrderAmt, maxLimitOrderQty)"
          " and priceFilter (tickSize); spot has no price bounds",
          inputs={
              "quantize": [
                  {"pair": "BTC-USDT", "price": "30000.129", "amount": "0.123456789"},
                  {"pair": "BTC-USDT", "price": "30000.01", "amount": "0.00001"},
                  {"pair": "BTC-USDT", "price": "29999.999999", "amount": "1.999999"},
                  {"pair": "ETH-USDT", "price": "2000.0099", "amount": "0.00019"},
              ],
              "below_min_size": {"pair": "BTC-USDT", "side": "BUY", "type": "LIMIT",
                                 "amount": "0.000005", "price": "30000"},
              "below_min_notional": {"pair": "BTC-USDT", "side": "BUY", "type": "LIMIT",
                                     "amount": "0.0001", "price": "30000"},
          },
          expect={"rules": RULES})
    if P.linear:  # perpetuals declare price bounds (maxPrice 1999999.98): one tick above it
        c.meta["inputs"]["above_max_price"] = {"pair": "BTC-USDT", "side": "SELL",
                                               "type": "LIMIT", "amount": "0.0001",
                                               "price": "1999999.99"}
        c.meta["expect"]["rules"] = linear_rules()
        c.meta["expect"]["collateral"] = {"BTC-USDT": {"buy": "USDT", "sell": "USDT"},
                                          "ETH-USDT": {"buy": "USDT", "sell": "USDT"}}
    instruments_(c)
    return c


def linear_rules() -> dict:
    return {pair: {**rule, "min_price": "0.01", "max_price": "1999999.98"}
            for pair, rule in RULES.items()}


def trading_rules_malformed() -> Cassette:
    broken = copy.deepcopy(ETHUSDT)
    del broken["lotSizeFilter"]
    c = C("trading_rules_malformed", "instruments-info where ETHUSDT lacks its lotSizeFilter",
          expect={"rules": {"BTC-USDT": (linear_rules() if P.linear else RULES)["BTC-USDT"]},
                  "malformed_symbols": ["ETHUSDT"], "malformed_pairs": ["ETH-USDT"]})
    instruments_(c, [BTCUSDT, broken])
    return c


def network_ok() -> Cassette:
    c = C("network_ok", "the system status answers (no maintenance)")
    ping_(c, id="ping")
    return c


def network_server_error() -> Cassette:
    c = C("network_server_error", "the system status answers HTTP 503")
    ping_(c, id="ping", status=503, body=SERVICE_UNAVAILABLE_HTML)
    return c


def network_timeout() -> Cassette:
    c = C("network_timeout", "the system status never answers")
    ping_(c, id="ping", fault="timeout")
    return c


def _expected(data: dict) -> dict:
    return {"update_id": data["u"], "bids": data["b"], "asks": data["a"]}


def startup() -> Cassette:
    c = C("startup",
          "what start() needs: time, instruments, wallet, two book snapshots, both streams",
          expect={"books": {"BTC-USDT": _expected(BTC_BOOK), "ETH-USDT": _expected(ETH_BOOK)}})
    start_traffic(c)
    return c


def startup_user_stream_late() -> Cassette:
    c = C("startup_user_stream_late",
          "the private stream's subscription is answered only after the check's ping")
    ping_(c)
    time_(c)
    instruments_(c)
    wallet_(c)
    orderbook_(c, "BTCUSDT", BTC_BOOK)
    orderbook_(c, "ETHUSDT", ETH_BOOK)
    if P.linear:
        perpetual_traffic(c)
    c.ws(P.ws_public, [subscribe_market(), market_ack(), snapshot_frame(BTC_BOOK),
                     snapshot_frame(ETH_BOOK)])
    c.ws(WS_PRIVATE, [auth(), auth_ack(), subscribe_private(), private_ack(after_http="go")])
    return c


BTC_AFTER = {"update_id": 1003,
             "bids": [["30000.10", "0.8"], ["29999.50", "2"], ["29999.00", "0.75"]],
             "asks": [["30000.40", "2"], ["30000.50", "0.6"], ["30002.00", "0.4"]]}


def order_book() -> Cassette:
    # The stream's first BTC snapshot is one update older than the REST book; the delta that
    # follows it (u 1000) is already in the REST book and must be dropped, not applied twice.
    btc_stream = book("BTCUSDT", 999, [["30000.00", "1.5"], ["29999.50", "2"],
                                       ["29999.00", "9.99"]],
                      [["30000.50", "1"], ["30001.00", "3"], ["30002.00", "0.4"]])
    c = C("order_book",
          "book snapshots, then deltas: one the REST book already has, two in sequence;"
          " trades on both symbols",
          expect={"books": {"BTC-USDT": BTC_AFTER,
                            "ETH-USDT": {"update_id": 501,
                                         "bids": [["2000.00", "10"], ["1999.90", "5"]],
                                         "asks": [["2000.10", "7.5"], ["2000.20", "12"]]}},
                  "stale_levels": {"BTC-USDT": {"bids": [["29999.00", "0.75"],
                                                         ["30000.10", "0.8"]]}},
                  "trades": [
                      {"pair": "BTC-USDT", "trade_id": "2290000000061666326",
                       "price": "30000.4", "amount": "0.015"},
                      {"pair": "ETH-USDT", "trade_id": "2290000000061666327",
                       "price": "2000.1", "amount": "0.5"}]})
    market = [
        delta_frame("BTCUSDT", 1000, [["29999.00", "0.75"]], []),
        delta_frame("BTCUSDT", 1001, [["30000.00", "0"], ["30000.10", "0.8"]],
                    [["30000.50", "0.6"]], after_http="depth_btc"),
        delta_frame("BTCUSDT", 1002, [], [["30001.00", "0"]]),
        delta_frame("BTCUSDT", 1003, [], [["30000.40", "2"]]),
        trade_frame("BTCUSDT", "2290000000061666326", "30000.40", "0.015",
                    "Buy"),
        trade_frame("ETHUSDT", "2290000000061666327", "2000.10", "0.5", "Sell"),
        # Last: once the ETH book shows it, every frame before it was read.
        delta_frame("ETHUSDT", 501, [], [["2000.10", "7.5"]], after_http="depth_eth"),
    ]
    time_(c)
    instruments_(c)
    wallet_(c)
    orderbook_(c, "BTCUSDT", BTC_BOOK, id="depth_btc")
    orderbook_(c, "ETHUSDT", ETH_BOOK, id="depth_eth")
    if P.linear:
        perpetual_traffic(c)
    c.ws(P.ws_public, [subscribe_market(), market_ack(), snapshot_frame(btc_stream),
                     snapshot_frame(ETH_BOOK), *market])
    c.ws(WS_PRIVATE, [auth(), auth_ack(), subscribe_private(), private_ack()])
    return c



def order_book_early_frames() -> Cassette:
    # The deltas come while the connector has neither its rules (the first instruments-info
    # answers 503: the first delta follows it) nor its BTC book (the first REST book answers
    # 503: the others follow it); the REST book that loads is at 1001, so two buffered
    # deltas are older.
    btc_1001 = book("BTCUSDT", 1001, [["30000.10", "0.8"], ["29999.50", "2"],
                                      ["29999.00", "0.75"]],
                    [["30000.50", "0.6"], ["30001.00", "3"], ["30002.00", "0.4"]])
    c = C("order_book_early_frames",
          "book deltas arrive before the connector has its rules (the first instruments-info"
          " answers 503) and its BTC book (the first REST book answers 503): the REST book then"
          " loads at 1001, the buffered deltas 1000 and 1001 are older, 1002-1003 continue it",
          expect={"books": {"BTC-USDT": BTC_AFTER,
                            "ETH-USDT": {"update_id": 500, "bids": ETH_BOOK["b"],
                                         "asks": ETH_BOOK["a"]}}})
    instruments_(c, status=503, body=SERVICE_UNAVAILABLE_HTML, id="instruments_unavailable")
    c.http("GET", REST, "/v5/market/orderbook",
           {"category": P.category, "symbol": "BTCUSDT", "limit": P.depth}, status=503,
           message="Service Unavailable", body=SERVICE_UNAVAILABLE_HTML,
           id="depth_btc_unavailable")
    market = [
        delta_frame("BTCUSDT", 1000, [["29999.00", "0.75"]], [],
                    after_http="instruments_unavailable"),
        delta_frame("BTCUSDT", 1001, [["30000.00", "0"], ["30000.10", "0.8"]],
                    [["30000.50", "0.6"]], after_http="depth_btc_unavailable"),
        delta_frame("BTCUSDT", 1002, [], [["30001.00", "0"]]),
        delta_frame("BTCUSDT", 1003, [], [["30000.40", "2"]]),
    ]
    start_traffic(c, btc_book=btc_1001, market_frames=market, stream_snapshots=False)
    return c


def order_book_gap() -> Cassette:
    btc_2 = book("BTCUSDT", 1011, [["30010.00", "1"], ["30009.00", "2"]],
                 [["30011.00", "1.5"], ["30012.00", "2.5"]])
    c = C("order_book_gap",
          "a delta skips update ids (1001 -> 1010): the book is rebuilt from a new snapshot",
          expect={"books": {"BTC-USDT": {
              "update_id": 1013,
              "bids": [["30010.00", "1"], ["30009.50", "0.5"], ["30009.00", "2"]],
              "asks": [["30011.00", "1.5"], ["30012.00", "2.5"]]}},
              "snapshots": {"BTC-USDT": 2}})
    market = [
        delta_frame("BTCUSDT", 1001, [["29999.50", "2.5"]], [], after_http="depth_btc"),
        delta_frame("BTCUSDT", 1010, [["30009.50", "0.5"]], []),
        delta_frame("BTCUSDT", 1012, [["30009.50", "0.5"]], [], after_http="depth_btc_2"),
        delta_frame("BTCUSDT", 1013, [["30005.00", "0"]], []),
    ]
    start_traffic(c, market_frames=market)
    orderbook_(c, "BTCUSDT", btc_2, id="depth_btc_2")
    return c


def market_reconnect() -> Cassette:
    btc_2 = book("BTCUSDT", 2000, [["30100.00", "1"]], [["30101.00", "1"]])
    eth_2 = book("ETHUSDT", 900, [["2010.00", "3"]], [["2010.50", "4"]])
    c = C("market_reconnect",
          "the public stream closes after the first snapshots; the connector reconnects,"
          " subscribes again and reloads both books",
          expect={"connections": 2, "books": {
              "BTC-USDT": {"update_id": 2001, "bids": [["30100.00", "1"]],
                           "asks": [["30100.90", "0.3"], ["30101.00", "1"]]},
              "ETH-USDT": {"update_id": 900, "bids": [["2010.00", "3"]],
                           "asks": [["2010.50", "4"]]}}})
    first = [delta_frame("BTCUSDT", 1001, [["29999.00", "1"]], [], after_http="depth_btc"),
             close(1001, "going away", after_http="depth_eth")]
    second = [subscribe_market(), market_ack(), snapshot_frame(btc_2), snapshot_frame(eth_2),
              delta_frame("BTCUSDT", 2001, [], [["30100.90", "0.3"]],
                          after_http="depth_btc_2")]
    start_traffic(c, market_frames=first, extra_market=[second])
    orderbook_(c, "BTCUSDT", btc_2, id="depth_btc_2")
    orderbook_(c, "ETHUSDT", eth_2, id="depth_eth_2")
    return c


ALL = [symbols, symbols_unavailable, last_prices, trading_rules, trading_rules_malformed,
       network_ok, network_server_error, network_timeout, startup, startup_user_stream_late,
       order_book, order_book_early_frames, order_book_gap, market_reconnect]
