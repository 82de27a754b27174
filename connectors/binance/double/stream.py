"""Binance's WebSocket side: raw and combined market streams (web-socket-streams.md) and the
WebSocket API's user data stream (web-socket-api.md, user-data-stream.md).

Market streams: ``/ws`` then SUBSCRIBE/UNSUBSCRIBE, ``/ws/<stream>[/<stream>...]``, and
``/stream?streams=a/b`` (payloads wrapped as ``{"stream": name, "data": payload}``). Server
pushes are subscription kinds "depth" and "trade" (for faults and drops).
WebSocket API at ``/ws-api/v3``: `userDataStream.subscribe.signature`, `.unsubscribe`,
`session.subscriptions`, `ping`, `time`; events go out as kind "user" in the
``{"subscriptionId": N, "event": {...}}`` envelope.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from connectors.binance.auth import verify_ws_params
from connectors.binance.double import errors as e
from connectors.binance.double import render
from connectors.binance.double.validate import check_timestamp
from harness.double import BookDelta, DoubleWsConnection, ExchangeEvent, PublicTrade
from harness.double.wire import json_command
from harness.standard.pair import TradingPair

Json = dict[str, Any]
MARKET_PATHS = ("/ws", "/stream")
WS_API_PATH = "/ws-api/v3"
_STREAM = re.compile(r"^([a-z0-9]+)@(depth|depth@100ms|trade)$")
_KIND = {"depth": "depth", "depth@100ms": "depth", "trade": "trade"}
_SUBSCRIBE_WEIGHT = 2


class Venue(Protocol):
    """What the streams need of the double (BinanceDouble implements it)."""

    api_key: str
    api_secret: str
    transit_slack_ms: int

    def symbol_of(self, pair: TradingPair) -> str: ...

    def knows_symbol(self, symbol: str) -> bool: ...

    def now_ms(self) -> int | None: ...

    def user_payload(self, event: ExchangeEvent) -> Json | None: ...


def is_market_path(path: str) -> bool:
    return path in MARKET_PATHS or path.startswith("/ws/")


# -- market streams ------------------------------------------------------------------------------
async def open_market(conn: DoubleWsConnection, venue: Venue) -> None:
    """A market-stream connection: streams named in the URL start at once."""
    conn.state.update(streams=set(), combined=conn.path == "/stream")
    if conn.path == "/stream":
        names = dict(conn.query).get("streams", "")
        _add_streams(conn, venue, [n for n in names.split("/") if n])
    elif conn.path.startswith("/ws/"):
        # Binance opens /ws/<anything> and only streams what the path names correctly: ccxt
        # connects to /ws/0, /ws/1... (one connection per stream group) and then SUBSCRIBEs.
        _add_streams(conn, venue, [n for n in conn.path[4:].split("/") if _STREAM.match(n)])


async def market_message(conn: DoubleWsConnection, venue: Venue, text: str) -> None:
    try:
        frame = json.loads(text)
    except ValueError:
        conn.note(operation="market_request", invalid="frame is not JSON")
        await conn.send_json({"code": 3, "msg": "Invalid JSON: expected value at line 1 "
                                                "column 1"})
        return
    method = frame.get("method") if isinstance(frame, dict) else None
    conn.note(operation=str(method).lower() if method else "market_request")
    if not isinstance(frame, dict) or not isinstance(method, str):
        conn.note(invalid="control message without a method")
        await conn.send_json({"code": 2, "msg": "Invalid request: missing field `method`"})
        return
    request_id, params = frame.get("id"), frame.get("params", [])
    if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
        if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
            conn.note(invalid=f"{method} params must be a list of stream names")
            await conn.send_json({"code": 2, "msg": "Invalid request: invalid type for params",
                                  "id": request_id})
            return
        if method == "SUBSCRIBE":
            _add_streams(conn, venue, params)
        else:
            _remove_streams(conn, params)
        await conn.send_json({"result": None, "id": request_id})
    elif method == "LIST_SUBSCRIPTIONS":
        await conn.send_json({"result": sorted(conn.state["streams"]), "id": request_id})
    elif method == "SET_PROPERTY" and isinstance(params, list) and len(params) == 2 \
            and params[0] == "combined" and isinstance(params[1], bool):
        conn.state["combined"] = params[1]
        await conn.send_json({"result": None, "id": request_id})
    elif method == "GET_PROPERTY" and params == ["combined"]:
        await conn.send_json({"result": conn.state["combined"], "id": request_id})
    else:
        conn.note(invalid=f"unknown market stream method {method!r}")
        await conn.send_json({"code": 2, "msg": f"Invalid request: unknown variant `{method}`",
                              "id": request_id})


def _add_streams(conn: DoubleWsConnection, venue: Venue, names: list[str]) -> None:
    streams: set[str] = conn.state["streams"]
    for name in names:
        match = _STREAM.match(name)
        if match is None:
            conn.note(invalid=f"no such market stream {name!r}")
            continue
        if not venue.knows_symbol(match.group(1).upper()):
            conn.note(invalid=f"stream {name!r} names an unknown symbol")
        streams.add(name)
        kind = _KIND[match.group(2)]
        if kind not in conn.kinds:
            conn.subscribe(kind, _market_renderer(conn, venue, kind))


def _remove_streams(conn: DoubleWsConnection, names: list[str]) -> None:
    streams: set[str] = conn.state["streams"]
    streams.difference_update(names)
    left = {_kind_of(name) for name in streams}
    for kind in ("depth", "trade"):
        if kind not in left and kind in conn.kinds:
            conn.unsubscribe(kind)


def _kind_of(name: str) -> str | None:
    match = _STREAM.match(name)
    return _KIND[match.group(2)] if match else None


def _market_renderer(conn: DoubleWsConnection, venue: Venue, kind: str) -> Any:
    def render_event(event: ExchangeEvent) -> list[Json]:
        streams: set[str] = conn.state["streams"]
        if kind == "depth" and isinstance(event, BookDelta):
            symbol = venue.symbol_of(event.pair)
            payload = render.depth_update(event, symbol)
            names = [f"{symbol.lower()}@depth@100ms", f"{symbol.lower()}@depth"]
        elif kind == "trade" and isinstance(event, PublicTrade):
            symbol = venue.symbol_of(event.pair)
            payload = render.trade_event(event, symbol)
            names = [f"{symbol.lower()}@trade"]
        else:
            return []
        wanted = [name for name in names if name in streams]
        if conn.state["combined"]:
            return [{"stream": name, "data": payload} for name in wanted]
        return [payload for _ in wanted]
    return render_event


# -- WebSocket API -------------------------------------------------------------------------------
async def open_api(conn: DoubleWsConnection) -> None:
    conn.state.update(weight=0, next_subscription=0, subscription=None)


async def api_message(conn: DoubleWsConnection, venue: Venue, text: str) -> None:
    frame = json_command(text, "method")
    if frame is None:
        conn.note(operation="ws_api", invalid="WebSocket API request is not {id, method, params}")
        await _answer(conn, None, error=e.BinanceError(-1000, "Malformed request."))
        return
    request_id, params = frame.get("id"), frame.get("params", {})
    method = frame["method"].removeprefix("v3/")
    conn.note(operation=_API_OPERATIONS.get(method, method))
    if not isinstance(params, dict):
        conn.note(invalid="params must be an object")
        await _answer(conn, request_id, error=e.mandatory("params"))
        return
    try:
        result = await _call(conn, venue, method, params, request_id)
    except e.BinanceError as err:
        if err.invalid:
            conn.note(invalid=err.reason)
        await _answer(conn, request_id, error=err)
        return
    if result is not None:
        await _answer(conn, request_id, result=result)


_API_OPERATIONS = {"userDataStream.subscribe.signature": "user_stream",
                   "userDataStream.unsubscribe": "user_stream_stop",
                   "session.subscriptions": "user_stream_list", "ping": "ws_ping",
                   "time": "ws_time"}


async def _call(conn: DoubleWsConnection, venue: Venue, method: str, params: Json,
                request_id: Any) -> Any:
    """The method's result (None when it answered by itself), or raises BinanceError."""
    if method == "ping":
        conn.state["weight"] += 1
        return {}
    if method == "time":
        conn.state["weight"] += 1
        return {"serverTime": venue.now_ms()}
    if method == "userDataStream.subscribe.signature":
        conn.state["weight"] += _SUBSCRIBE_WEIGHT
        return _subscribe(conn, venue, params)
    if method == "userDataStream.unsubscribe":
        await _unsubscribe(conn, venue, params, request_id)
        return None
    if method == "session.subscriptions":
        active = conn.state["subscription"]
        return [] if active is None else [{"subscriptionId": active}]
    raise e.BinanceError(-1000, "An unknown error occurred while processing the request.",
                         reason=f"the double has no WebSocket API method {method!r}")


def _subscribe(conn: DoubleWsConnection, venue: Venue, params: Json) -> Json:
    unknown = set(params) - {"apiKey", "timestamp", "signature", "recvWindow"}
    if unknown:
        raise e.unread(len(params) - len(unknown), len(params))
    for name in ("apiKey", "timestamp", "signature"):
        if params.get(name) in (None, ""):
            raise e.mandatory(name)
    if params["apiKey"] != venue.api_key:
        raise e.REJECTED_API_KEY
    problem = verify_ws_params(params, venue.api_secret)
    if problem is not None:
        raise e.BinanceError(e.BAD_SIGNATURE.code, e.BAD_SIGNATURE.msg, reason=problem)
    now = venue.now_ms()
    if now is not None:
        check_timestamp(_typed(params), now, transit_slack_ms=venue.transit_slack_ms)
    if conn.state["subscription"] is not None:
        raise e.BinanceError(-2035, "User Data Stream subscription already active.")
    subscription = conn.state["next_subscription"]
    conn.state.update(subscription=subscription, next_subscription=subscription + 1)

    def render_user(event: ExchangeEvent) -> list[Json]:
        payload = venue.user_payload(event)
        return [] if payload is None else [{"subscriptionId": subscription, "event": payload}]

    conn.subscribe("user", render_user)
    return {"subscriptionId": subscription}


def _typed(params: Json) -> Json:
    try:
        typed = {"timestamp": int(params["timestamp"])}
        if "recvWindow" in params:
            typed["recvWindow"] = int(params["recvWindow"])
    except (TypeError, ValueError):
        raise e.illegal("timestamp", e.LONG_RANGE) from None
    return typed


async def _unsubscribe(conn: DoubleWsConnection, venue: Venue, params: Json,
                       request_id: Any) -> None:
    active = conn.state["subscription"]
    wanted = params.get("subscriptionId", active)
    if active is None or wanted != active:
        raise e.BinanceError(-2036, "User Data Stream subscription not active.", invalid=False)
    conn.unsubscribe("user")
    conn.state["subscription"] = None
    await conn.send_json({"subscriptionId": active,
                          "event": {"e": "eventStreamTerminated", "E": venue.now_ms() or 0}})
    await _answer(conn, request_id, result={})


async def _answer(conn: DoubleWsConnection, request_id: Any, *, result: Any = None,
                  error: e.BinanceError | None = None) -> None:
    limits = [{**render.RATE_LIMITS[0], "count": conn.state.get("weight", 0)}]
    if error is not None:
        await conn.send_json({"id": request_id, "status": error.status, "error": error.body,
                              "rateLimits": limits})
    else:
        await conn.send_json({"id": request_id, "status": 200, "result": result,
                              "rateLimits": limits})
