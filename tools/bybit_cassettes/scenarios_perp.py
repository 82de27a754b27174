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
    execution,
    instruments_,
    linear_ticker,
    oid,
    ok,
    order_entry,
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


def fills_position_terms() -> Cassette:
    """A buy that opens a long after set_leverage(5), filled on the stream (an execution of
    linear carries no leverage and no position index: the connector knows them)."""
    order = {**BUY, "position_action": "OPEN"}
    c = C("fills_position_terms",
          "set leverage 5, then a Limit buy that opens a position, filled by the stream "
          "(order New, one execution, order Filled); the check turns periodic polling off",
          inputs={"order": order, "leverage": 5},
          expect={"fill_terms": {"position_action": "OPEN", "position_side": "BOTH",
                                 "leverage": 5}})
    entry = {"category": LINEAR}
    frames = [
        topic_message("order", [{**entry, **order_entry("CH-Bt1", oid(80), status="New")}],
                      after_http="place"),
        topic_message("execution", [{**entry, **execution(
            "CH-Bt1", oid(80), "300", "30000", "0.01", "0.06", "USDT")}], at=200),
        topic_message("order", [{**entry, **order_entry(
            "CH-Bt1", oid(80), status="Filled", executed="0.01", value="300",
            fee="0.06", update=201)}], at=201),
    ]
    start_traffic(c, user_frames=frames)
    _set_leverage(c, 5, ok({}))
    place_(c, order_params("CH-Bt1"), order_id=oid(80))
    return c


def place_close_larger() -> Cassette:
    """A reduce-only sell of 0.02 against a long of 0.01: Bybit truncates a reduce-only
    quantity to the position (error.mdx 110017, "orderQty will be truncated to zero", is
    what a reduce-only order meets with no position), so the order trades 0.01 and ends
    Filled; the position ends flat."""
    order = {**BUY, "side": "SELL", "amount": "0.02", "position_action": "CLOSE"}
    params = {**order_params("CH-St1", side="Sell", qty="0.02"), "reduceOnly": True}
    entry = {"category": LINEAR}
    closed = {**position_entry(0, "", "0", pnl="0", category=LINEAR), "positionValue": "0",
              "avgPrice": "0", "positionIM": "0", "positionMM": "0", "adlRankIndicator": 0}
    c = C("place_close_larger",
          "a long of 0.01; a reduce-only Limit sell of 0.02 is truncated to 0.01, trades "
          "0.01 and ends Filled; the position topic then reports it flat; the check turns "
          "periodic polling off",
          inputs={"order": order},
          expect={"request": {"reduceOnly": "true", "qty": "0.02", "positionIdx": "0"},
                  "executed_amount": "0.01",
                  "positions_before": {"BTC-USDT BOTH": {"amount": "0.01",
                                                         "entry_price": "30000",
                                                         "unrealized_pnl": "1.2",
                                                         "leverage": 10}}})
    frames = [
        topic_message("order", [{**entry, **order_entry(
            "CH-St1", oid(81), status="New", side="Sell"), "reduceOnly": True}],
            after_http="place"),
        topic_message("execution", [{**entry, **execution(
            "CH-St1", oid(81), "301", "30000", "0.01", "0.06", "USDT", side="Sell"),
            "closedSize": "0.01"}], at=200),
        topic_message("order", [{**entry, **order_entry(
            "CH-St1", oid(81), status="Filled", side="Sell", executed="0.01", value="300",
            fee="0.06", update=201), "reduceOnly": True}], at=201),
        topic_message("position", [closed], at=202),
    ]
    start_traffic(c, positions=[position_entry(0, "Buy", "0.01")], user_frames=frames)
    place_(c, params, order_id=oid(81))
    return c


def liquidation() -> Cassette:
    """A long of 0.01 taken over by the liquidation engine in part (execType BustTrade,
    createType CreateByTakeOver_PassThrough) and auto-deleveraged for the rest (AdlTrade,
    CreateByAdl_PassThrough): enum.mdx's execType and createType values, in the
    `execution` topic's shape (websocket/private/execution.mdx)."""
    entry = {"category": LINEAR}
    closed = {**position_entry(0, "", "0", pnl="0", category=LINEAR), "positionValue": "0",
              "avgPrice": "0", "positionIM": "0", "positionMM": "0", "adlRankIndicator": 0}

    def system(exec_id: str, price: str, qty: str, exec_type: str, create: str, at: int
               ) -> dict[str, Any]:
        # An order of the liquidation engine's: no orderLinkId, an id we never placed.
        return {**entry, **execution("", oid(90 + at % 10), exec_id, price, qty, "0", "USDT",
                                     side="Sell", maker=False, at=at, order_qty=qty,
                                     order_price=price, type_="Market"),
                "execType": exec_type, "createType": create, "closedSize": qty,
                "markPrice": price, "feeRate": "0"}

    c = C("liquidation",
          "a long of 0.01; after the check's ping the execution topic reports a takeover "
          "liquidation of 0.006 (BustTrade), then an ADL of 0.004 (AdlTrade) and repeats it; "
          "the position topic reports it flat; the check turns periodic polling off",
          expect={"liquidations": [
              {"pair": "BTC-USDT", "side": "BOTH", "amount": "0.006", "price": "27000",
               "reason": "liquidation"},
              {"pair": "BTC-USDT", "side": "BOTH", "amount": "0.004", "price": "27100",
               "reason": "adl"}]})
    bust = system("401", "27000", "0.006", "BustTrade", "CreateByTakeOver_PassThrough", 500)
    adl = system("402", "27100", "0.004", "AdlTrade", "CreateByAdl_PassThrough", 510)
    frames = [topic_message("execution", [bust], at=500, after_http="go"),
              topic_message("execution", [adl], at=510),
              topic_message("execution", [adl], at=511),  # a repeat: still one event
              topic_message("position", [closed], at=520)]
    start_traffic(c, positions=[position_entry(0, "Buy", "0.01")], user_frames=frames)
    ping_(c)
    return c


ALL = [positions_unavailable, positions, positions_by_stream, positions_hedge, leverage,
       leverage_refused, position_mode, position_mode_refused, funding, funding_by_stream,
       funding_payments, place_close, positions_closed, funding_unavailable, place_open,
       hedge_orders, fills_position_terms, place_close_larger, liquidation]
