"""Binance payloads in a cassette -> the market lint's order reports (harness/cassette/
market_rules.py), named by connector.toml `[cassettes] market_reader`.

Read: POST/GET/DELETE /api/v3/order answers and GET /api/v3/myTrades (rest-api.md), and
executionReport events, bare or wrapped in a WebSocket API `{"event": ...}`
(user-data-stream.md). Anything else, and payloads that are not in these formats (a
cassette's deliberate garbage), is not about orders and is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from harness.cassette.format import Cassette, Direction, FrameKind
from harness.cassette.market_rules import FillReport, OrderReport
from harness.standard.enums import OrderState, TradeSide

_STATES = {"NEW": OrderState.OPEN, "PENDING_NEW": OrderState.OPEN,
           "PARTIALLY_FILLED": OrderState.PARTIALLY_FILLED, "FILLED": OrderState.FILLED,
           "CANCELED": OrderState.CANCELED, "EXPIRED": OrderState.CANCELED,
           "EXPIRED_IN_MATCH": OrderState.CANCELED, "REJECTED": OrderState.FAILED}
_ORDER = "/api/v3/order"
_TRADES = "/api/v3/myTrades"
_BAD = (KeyError, TypeError, ValueError, InvalidOperation, AttributeError)


def read_orders(cassette: Cassette) -> Iterator[OrderReport]:
    """Every order report of a Binance cassette, HTTP answers first, then each connection's
    frames in order."""
    for index, interaction in enumerate(cassette.interactions):
        if interaction.fault is not None or interaction.response.status != 200:
            continue
        try:
            body = json.loads(interaction.response.body)
        except ValueError:
            continue
        method, path = interaction.request.method, urlsplit(interaction.request.uri).path
        where = f"http.interactions[{index}].response.body"
        try:
            if path == _ORDER and isinstance(body, dict):
                yield from _order_answer(where, body, placed=method == "POST")
            elif path == _TRADES and method == "GET" and isinstance(body, list):
                yield from (_my_trade(f"{where}[{n}]", t) for n, t in enumerate(body))
        except _BAD:
            continue
    for number, connection in enumerate(cassette.ws):
        for position, frame in enumerate(connection.frames):
            if frame.dir is not Direction.SERVER or frame.kind is not FrameKind.JSON:
                continue
            event = frame.value.get("event", frame.value) \
                if isinstance(frame.value, Mapping) else None
            if not isinstance(event, Mapping) or event.get("e") != "executionReport":
                continue
            try:
                yield _execution_report(f"ws[{number}].frames[{position}]", f"ws[{number}]",
                                        event)
            except _BAD:
                continue


def _order_id(symbol: Any, order_id: Any) -> str:
    return f"{symbol}:{order_id}"


def _limit(order_type: str, price: str) -> Decimal | None:
    return None if order_type == "MARKET" else Decimal(price)


def _rests(order_type: str, time_in_force: str | None) -> bool:
    """rest-api.md: LIMIT_MAKER always rests; LIMIT rests when GTC."""
    return order_type == "LIMIT_MAKER" or (order_type == "LIMIT" and time_in_force == "GTC")


def _order_answer(where: str, body: Mapping[str, Any], *, placed: bool) -> Iterator[OrderReport]:
    order_id = _order_id(body["symbol"], body["orderId"])
    order_type = str(body["type"])
    yield OrderReport(
        where=where, channel="http", order_id=order_id, state=_STATES.get(body["status"]),
        side=TradeSide(body["side"]), amount=Decimal(body["origQty"]),
        limit_price=_limit(order_type, body["price"]), executed=Decimal(body["executedQty"]),
        acknowledges=placed, rests=_rests(order_type, body.get("timeInForce")),
        on_book=body.get("isWorking"))
    # FULL placement answers: these trades happened as the order arrived, so it was the taker.
    for n, fill in enumerate(body.get("fills") or ()):
        yield OrderReport(where=f"{where}.fills[{n}]", channel="http", order_id=order_id,
                          fill=FillReport(str(fill["tradeId"]), Decimal(fill["price"]),
                                          Decimal(fill["qty"]), maker=False))


def _my_trade(where: str, trade: Mapping[str, Any]) -> OrderReport:
    return OrderReport(
        where=where, channel="http", order_id=_order_id(trade["symbol"], trade["orderId"]),
        side=TradeSide.BUY if trade["isBuyer"] else TradeSide.SELL,
        fill=FillReport(str(trade["id"]), Decimal(trade["price"]), Decimal(trade["qty"]),
                        maker=bool(trade["isMaker"])))


def _execution_report(where: str, channel: str, event: Mapping[str, Any]) -> OrderReport:
    order_type = str(event["o"])
    fill = None
    if event["x"] == "TRADE":
        fill = FillReport(str(event["t"]), Decimal(event["L"]), Decimal(event["l"]),
                          maker=bool(event["m"]))
    return OrderReport(
        where=where, channel=channel, order_id=_order_id(event["s"], event["i"]),
        state=_STATES.get(event["X"]), side=TradeSide(event["S"]), amount=Decimal(event["q"]),
        limit_price=_limit(order_type, event["p"]), executed=Decimal(event["z"]), fill=fill,
        event=True, acknowledges=event["x"] == "NEW",
        rests=_rests(order_type, event.get("f")), on_book=event.get("w"))
