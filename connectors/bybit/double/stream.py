"""Bybit v5's WebSocket side (websocket/public/*, websocket/private/*, ws/connect.mdx).

Public, ``/v5/public/spot``: `{"op": "subscribe", "args": ["orderbook.50.BTCUSDT",
"publicTrade.BTCUSDT"]}`; a book subscription gets a snapshot at once, then deltas (kind
"depth"); trades are kind "trade". Private, ``/v5/private``: `auth` (verified against the
test secret and the exchange clock), then `subscribe` to order / execution / wallet (kind
"user"). Both answer `{"op": "ping"}`.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from connectors.bybit.auth import verify_ws_auth
from connectors.bybit.double import render
from connectors.bybit.double.rest import Context
from harness.double import (
    BookDelta,
    DoubleWsConnection,
    Exchange,
    ExchangeEvent,
    PublicTrade,
)
from harness.double.wire import json_command

Json = dict[str, Any]
PUBLIC_PATH = "/v5/public/spot"
PRIVATE_PATH = "/v5/private"
PRIVATE_TOPICS = frozenset({"order", "execution", "wallet"})
_BOOK = re.compile(r"^orderbook\.(1|50|200|1000)\.([A-Z0-9]+)$")
_TRADE = re.compile(r"^publicTrade\.([A-Z0-9]+)$")
CONN_ID = "dbl-conn-1"


class Venue(Protocol):
    """What the streams need of the double (BybitDouble implements it)."""

    api_key: str
    api_secret: str
    context: Context

    @property
    def private_topics(self) -> frozenset[str]: ...

    def extra_public_topic(self, topic: str) -> bool: ...

    async def after_public_subscribe(self, conn: DoubleWsConnection, topics: list[str]
                                     ) -> None: ...

    def current_exchange(self) -> Exchange | None: ...

    def user_payloads(self, event: ExchangeEvent) -> list[Json]: ...


def _ack(op: str, success: bool = True, message: str = "", req_id: Any = None) -> Json:
    ack: Json = {"success": success, "ret_msg": message, "conn_id": CONN_ID}
    if req_id is not None:
        ack["req_id"] = req_id
    ack["op"] = op
    return ack


async def _frame(conn: DoubleWsConnection, text: str) -> Json | None:
    frame = json_command(text, "op")
    if frame is None:
        conn.note(operation="stream_request", invalid="a frame that is not {\"op\": ...}")
        await conn.send_json(_ack("unknown", False, "Invalid request"))
        return None
    conn.note(operation=str(frame["op"]))
    if frame["op"] == "ping":
        await conn.send_json(_ack("pong", True, "pong", frame.get("req_id")))
        return None
    return frame


# -- public ------------------------------------------------------------------------------------
async def public_message(conn: DoubleWsConnection, venue: Venue, text: str) -> None:
    frame = await _frame(conn, text)
    if frame is None:
        return
    args, op = frame.get("args"), frame["op"]
    if op not in ("subscribe", "unsubscribe") or not isinstance(args, list) \
            or not all(isinstance(a, str) for a in args):
        conn.note(invalid=f"op {op!r} with args {args!r}")
        await conn.send_json(_ack(op, False, "Invalid request", frame.get("req_id")))
        return
    exchange = venue.current_exchange()
    topics: set[str] = conn.state.setdefault("topics", set())
    unknown = [a for a in args if not _known(a, exchange) and not venue.extra_public_topic(a)]
    if unknown:
        conn.note(invalid=f"no such topic {unknown}")
        await conn.send_json(_ack(op, False, f"Invalid topic: {unknown[0]}",
                                  frame.get("req_id")))
        return
    if op == "unsubscribe":
        topics.difference_update(args)
        await conn.send_json(_ack(op, True, "", frame.get("req_id")))
        return
    topics.update(args)
    await conn.send_json(_ack(op, True, "subscribe", frame.get("req_id")))
    for kind in ("depth", "trade"):
        if kind not in conn.kinds:
            conn.subscribe(kind, _public_renderer(conn, venue, kind))
    if exchange is not None:
        for topic in args:
            match = _BOOK.match(topic)
            if match:  # a book subscription starts with a snapshot
                await conn.send_json(_snapshot(exchange, venue.context, match.group(2),
                                               int(match.group(1))))
    await venue.after_public_subscribe(conn, args)


def _known(topic: str, exchange: Exchange | None) -> bool:
    match = _BOOK.match(topic) or _TRADE.match(topic)
    if match is None:
        return False
    symbol = match.group(match.lastindex or 1)
    return exchange is None or exchange.market_by_symbol(symbol) is not None


def _snapshot(exchange: Exchange, ctx: Context, symbol: str, depth: int) -> Json:
    spec = exchange.market_by_symbol(symbol)
    assert spec is not None
    book = exchange.snapshot(spec.pair, depth)
    now = exchange.now()
    return {"topic": f"orderbook.{depth}.{symbol}", "type": "snapshot", "ts": now,
            "data": {"s": symbol, "b": render.levels(book.bids), "a": render.levels(book.asks),
                     "u": ctx.sequence(spec.pair).u_for(book.update_id),
                     "seq": book.update_id},
            "cts": now}


def _public_renderer(conn: DoubleWsConnection, venue: Venue, kind: str) -> Any:
    def render_event(event: ExchangeEvent) -> list[Json]:
        exchange = venue.current_exchange()
        topics: set[str] = conn.state.get("topics", set())
        spec = exchange.market(event.pair) if exchange is not None and isinstance(
            event, BookDelta | PublicTrade) else None
        if spec is None:
            return []
        if kind == "depth" and isinstance(event, BookDelta):
            wanted = [t for t in topics if (m := _BOOK.match(t)) and m.group(2) == spec.symbol]
            if not wanted:
                return []
            u = venue.context.sequence(event.pair).u_for(event.last_update_id)
            return [{"topic": topic, "type": "delta", "ts": event.time_ms,
                     "data": {"s": spec.symbol, "b": render.levels(event.bids),
                              "a": render.levels(event.asks), "u": u,
                              "seq": event.last_update_id},
                     "cts": event.time_ms} for topic in sorted(wanted)]
        if kind == "trade" and isinstance(event, PublicTrade):
            if f"publicTrade.{spec.symbol}" not in topics:
                return []
            return [{"topic": f"publicTrade.{spec.symbol}", "type": "snapshot",
                     "ts": event.time_ms,
                     "data": [{"T": event.time_ms, "s": spec.symbol,
                               "S": render.side(event.taker_side), "v": render.dec(event.qty),
                               "p": render.dec(event.price), "L": "PlusTick",
                               "i": str(event.trade_id), "BT": False, "RPI": False,
                               "seq": event.seq}]}]
        return []

    return render_event


# -- private -----------------------------------------------------------------------------------
async def private_message(conn: DoubleWsConnection, venue: Venue, text: str) -> None:
    frame = await _frame(conn, text)
    if frame is None:
        return
    op, args, req_id = frame["op"], frame.get("args"), frame.get("req_id")
    if op == "auth":
        exchange = venue.current_exchange()
        now = exchange.now() if exchange is not None else 0
        problem = verify_ws_auth(args, venue.api_key, venue.api_secret, now)
        if problem is not None:
            conn.note(invalid=problem)
            await conn.send_json(_ack("auth", False, problem, req_id))
            return
        conn.state["authed"] = True
        await conn.send_json(_ack("auth", True, "", req_id))
    elif op == "subscribe":
        if not conn.state.get("authed"):
            conn.note(invalid="subscribe before auth")
            await conn.send_json(_ack(op, False, "Request not authorized", req_id))
            return
        if not isinstance(args, list) or not args or not set(args) <= venue.private_topics:
            conn.note(invalid=f"private topics {args!r}")
            await conn.send_json(_ack(op, False, f"Invalid topic: {args!r}", req_id))
            return
        topics: set[str] = conn.state.setdefault("topics", set())
        topics.update(args)
        conn.subscribe("user", _private_renderer(conn, venue))
        await conn.send_json(_ack(op, True, "", req_id))
    else:
        conn.note(invalid=f"unknown op {op!r}")
        await conn.send_json(_ack(op, False, f"Invalid op: {op}", req_id))


def _private_renderer(conn: DoubleWsConnection, venue: Venue) -> Any:
    def render_event(event: ExchangeEvent) -> list[Json]:
        topics: set[str] = conn.state.get("topics", set())
        return [payload for payload in venue.user_payloads(event) if payload["topic"] in topics]

    return render_event
