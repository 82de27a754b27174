"""Scenarios of the PERP checks (USDT perpetuals only): positions, leverage, position mode,
funding info and payments, closing orders."""
from __future__ import annotations

from typing import Any

from bybit_data import (
    AUTH,
    LIMIT_HEADERS,
    LINEAR,
    REST,
    T0,
    P,
    error,
    instruments_,
    linear_ticker,
    oid,
    ok,
    order_params,
    ping_,
    place_,
    position_entry,
    server,
    settlement,
    start_traffic,
    topic_message,
)
from scenarios_orders import BUY

from harness.cassette.builder import Cassette, flow

NEXT_FUNDING = (T0 + 8 * 3600 * 1000) / 1000


def C(scenario: str, description: str, **kw: Any) -> Cassette:
    return Cassette(P.connector, scenario, description, api_version="v5", **kw)


def _position(amount: str, *, pnl: str = "1.2", leverage: int = 10) -> dict[str, Any]:
    return {"amount": amount, "entry_price": "30000", "unrealized_pnl": pnl,
            "leverage": leverage}


def positions() -> Cassette:
    c = C("positions", "one-way mode: a short BTCUSDT position (side Sell, size 0.02)",
          expect={"positions": {"BTC-USDT BOTH": _position("-0.02")}})
    start_traffic(c, positions=[position_entry(0, "Sell", "0.02")])
    return c


def positions_by_stream() -> Cassette:
    c = C("positions_by_stream",
          "no position at start; after the check's ping the position topic reports a long"
          " of 0.05; the check turns periodic polling off",
          expect={"positions": {"BTC-USDT BOTH": _position("0.05", pnl="6")}, "updates": 1})
    frames = [topic_message("position", [position_entry(0, "Buy", "0.05", pnl="6",
                                                        category=LINEAR)],
                            at=500, after_http="go")]
    start_traffic(c, user_frames=frames)
    ping_(c)
    return c


def positions_hedge() -> Cassette:
    c = C("positions_hedge", "hedge mode: a long (positionIdx 1) and a short (2) on BTCUSDT",
          expect={"positions": {"BTC-USDT LONG": _position("0.01"),
                                "BTC-USDT SHORT": _position("-0.03", pnl="-0.4")}})
    start_traffic(c, positions=[position_entry(1, "Buy", "0.01"),
                                position_entry(2, "Sell", "0.03", pnl="-0.4")])
    return c


def _set_leverage(c: Cassette, leverage: int, body: Any) -> None:
    c.http("POST", REST, "/v5/position/set-leverage",
           json_body={"category": LINEAR, "symbol": "BTCUSDT", "buyLeverage": str(leverage),
                      "sellLeverage": str(leverage)},
           request_headers=AUTH, body=body, id="set_leverage", response_headers=LIMIT_HEADERS)


def leverage() -> Cassette:
    c = C("leverage", "set-leverage 10 on BTCUSDT, accepted",
          inputs={"pair": "BTC-USDT", "leverage": 10, "out_of_range": [0, 101]})
    instruments_(c)
    _set_leverage(c, 10, ok({}))
    return c


def leverage_refused() -> Cassette:
    c = C("leverage_refused", "set-leverage 50 refused by the risk limit (retCode 110013)",
          inputs={"pair": "BTC-USDT", "leverage": 50})
    instruments_(c)
    _set_leverage(c, 50, error(110013, "Cannot set leverage due to risk limit level."))
    return c


def _switch(c: Cassette, body: Any) -> None:
    c.http("POST", REST, "/v5/position/switch-mode",
           json_body={"category": LINEAR, "coin": "USDT", "mode": 3}, request_headers=AUTH,
           body=body, id="switch_mode", response_headers=LIMIT_HEADERS)


def position_mode() -> Cassette:
    c = C("position_mode", "switch-mode to both sides (hedge), accepted",
          inputs={"mode": "HEDGE"})
    _switch(c, ok({}))
    return c


def position_mode_refused() -> Cassette:
    c = C("position_mode_refused", "switch-mode refused: a position is open (retCode 110024)",
          inputs={"mode": "HEDGE"})
    _switch(c, error(110024, "You have an existing position, so the position mode cannot be"
                             " switched."))
    return c


def _funding(index: str, mark: str, rate: str) -> dict[str, Any]:
    return {"index_price": index, "mark_price": mark, "rate": rate,
            "next_funding_timestamp": NEXT_FUNDING}


def funding() -> Cassette:
    c = C("funding", "funding info of each pair from the linear tickers",
          expect={"funding": {"BTC-USDT": _funding("30000", "30000", "0.0001"),
                              "ETH-USDT": _funding("2000", "2000", "0.0001")}})
    start_traffic(c)
    return c


def funding_by_stream() -> Cassette:
    c = C("funding_by_stream",
          "after the check's ping the tickers topic sends a BTCUSDT snapshot, then a delta"
          " with a new mark price and rate (a delta holds only what changed)",
          expect={"funding": {"BTC-USDT": _funding("30001.5", "30005", "0.00012")}})
    snapshot = {"topic": "tickers.BTCUSDT", "type": "snapshot", "cs": 24987956059,
                "ts": T0 + 600, "data": linear_ticker("BTCUSDT", "30001.5")}
    delta = {"topic": "tickers.BTCUSDT", "type": "delta", "cs": 24987956060, "ts": T0 + 700,
             "data": {"symbol": "BTCUSDT", "markPrice": "30005", "fundingRate": "0.00012"}}
    start_traffic(c, market_frames=[server(flow(snapshot), after_http="go"),
                                    server(flow(delta))])
    ping_(c)
    return c


def funding_payments() -> Cassette:
    old = settlement(T0 - 8 * 3600 * 1000, "-0.03")
    new = settlement(T0 + 1000, "0.02", side="Sell")
    c = C("funding_payments",
          "the first transaction-log poll (one request per pair) lists an old BTCUSDT"
          " settlement; the next ones a new one too",
          expect={"payments": [{"pair": "BTC-USDT", "amount": "0.02", "rate": "-0.0001"}]})
    start_traffic(c, payments=[("payments_1", [old], False), ("payments_1b", [old], False),
                               ("payments_2", [new, old], True)])
    return c


def place_close() -> Cassette:
    order = {**BUY, "side": "SELL", "position_action": "CLOSE"}
    params = {**order_params("CH-St1", side="Sell"), "reduceOnly": True}
    c = C("place_close", "a Limit sell that closes a long: sent reduce-only",
          inputs={"order": order},
          expect={"request": {"reduceOnly": "true", "positionIdx": "0"},
                  "exchange_order_id": oid(70)})
    instruments_(c)
    place_(c, params, order_id=oid(70))
    return c


def positions_closed() -> Cassette:
    c = C("positions_closed",
          "the first poll lists a short; later polls list nothing: the position was closed",
          expect={"positions": {"BTC-USDT BOTH": _position("-0.02")}})
    start_traffic(c, positions=[position_entry(0, "Sell", "0.02")], later_positions=[])
    return c


def funding_unavailable() -> Cassette:
    c = C("funding_unavailable",
          "everything a start needs answers, but the tickers (funding info) answer HTTP 503")
    start_traffic(c, tickers_status=503)
    return c


def place_open() -> Cassette:
    params = order_params("CH-Bt1")
    c = C("place_open", "a Limit buy that opens a position (one-way mode)",
          inputs={"order": {**BUY, "position_action": "OPEN"}, "order_without_action": BUY},
          expect={"request": {"positionIdx": "0"}, "request_absent": ["reduceOnly"],
                  "exchange_order_id": oid(71)})
    instruments_(c)
    place_(c, params, order_id=oid(71))
    return c


def hedge_orders() -> Cassette:
    buy = {**BUY, "position_action": "OPEN"}
    close = {**BUY, "side": "SELL", "position_action": "CLOSE"}
    c = C("hedge_orders",
          "switch to hedge mode, then a buy that opens the long (positionIdx 1) and a sell"
          " that closes it (positionIdx 1, reduce-only)",
          inputs={"mode": "HEDGE", "orders": [buy, close]},
          expect={"requests": [{"positionIdx": "1"}, {"positionIdx": "1", "reduceOnly": "true"}]})
    instruments_(c)
    _switch(c, ok({}))
    place_(c, {**order_params("CH-Bt1"), "positionIdx": 1}, order_id=oid(72), id="place_1")
    place_(c, {**order_params("CH-St2", side="Sell"), "positionIdx": 1, "reduceOnly": True},
           order_id=oid(73), id="place_2")
    return c


def positions_unavailable() -> Cassette:
    c = C("positions_unavailable",
          "everything a start needs answers, but position/list answers HTTP 503")
    start_traffic(c, positions_status=503)
    return c


ALL = [positions_unavailable, positions, positions_by_stream, positions_hedge, leverage,
       leverage_refused, position_mode, position_mode_refused, funding, funding_by_stream,
       funding_payments, place_close, positions_closed, funding_unavailable, place_open,
       hedge_orders]
