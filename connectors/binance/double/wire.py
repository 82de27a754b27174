"""BinanceDouble: Binance spot's wire format for the harness' DoubleServer."""

from __future__ import annotations

from typing import Any

from connectors.binance.double import errors as e
from connectors.binance.double import markets, render, stream
from connectors.binance.double.endpoints import endpoint_for
from connectors.binance.double.rest import HANDLERS, Context
from connectors.binance.double.validate import TRANSIT_SLACK_MS, Parsed, check_timestamp, parse
from harness.double import (
    BalanceDelta,
    BalancesChanged,
    BaseWireFormat,
    DoubleRequest,
    DoubleResponse,
    DoubleWsConnection,
    Exchange,
    ExchangeEvent,
    HttpFault,
    HttpFaultKind,
    OrderCanceled,
    OrderEvent,
    OrderRejected,
)
from harness.standard.pair import TradingPair
from harness.subject import TEST_API_KEY, TEST_API_SECRET

RATE_LIMITED = ("Too much request weight used; current limit is 6000 request weight per 1 "
                "MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.")
BANNED = ("Way too much request weight used; IP banned until {until}. Please use WebSocket "
          "Streams for live updates to avoid bans.")
UNKNOWN_STATUS = "Unknown error, please check your request or try again later."
_ORDER_WINDOWS = {"X-MBX-ORDER-COUNT-10S": 10_000, "X-MBX-ORDER-COUNT-1D": 86_400_000}


class BinanceDouble(BaseWireFormat):
    """The server side of Binance spot (REST /api/v3, market streams, WebSocket API user data
    stream) over the harness' in-memory exchange.

    >>> from harness.double import DoubleServer, FaultPlan
    >>> exchange = BinanceDouble.default_exchange()
    >>> server = DoubleServer(exchange, BinanceDouble(), FaultPlan())

    Requests are checked as Binance checks them (API key, HMAC signature made with the
    harness' test secret, parameters, filters, timestamp window); refused ones get Binance's
    error and, when the client is to blame, are marked invalid in the server's request log.

    `exchange` is only needed by WebSocket connections made before any REST request (the
    server hands the exchange to REST handlers only; the double remembers it from the first).
    `push_rejections` also pushes executionReport REJECTED for refused placements, which
    Binance does only for cancel-replace orders. A timestamp outside the window (older than
    recvWindow, or 1 s ahead) is refused with -1021 but blamed on the client only when it is
    `transit_slack_ms` further out (the harness' fast clocks turn milliseconds of transit
    into seconds).
    """

    default_exchange = staticmethod(markets.default_exchange)
    seed = staticmethod(markets.seed)
    # rest-api.md: POST/DELETE parameters go in the query string or a form body. Binance
    # reads the body as a form whatever the Content-Type says: Hummingbot's connector sends
    # its form bodies labelled application/json (rest_assistant.py sets the header, aiohttp
    # form-encodes the signed dict) and trades on Binance with them.
    body_is_form = True
    """Re-fund the account and re-seed liquidity after a server reset."""

    def __init__(self, exchange: Exchange | None = None, *, push_rejections: bool = False,
                 api_key: str = TEST_API_KEY, api_secret: str = TEST_API_SECRET,
                 transit_slack_ms: int = TRANSIT_SLACK_MS) -> None:
        self.exchange = exchange
        self.transit_slack_ms = transit_slack_ms
        self.push_rejections = push_rejections
        self.api_key = api_key
        self.api_secret = api_secret
        self.context = Context()
        self._weight_minute = -1
        self._weight = 0
        self._order_windows: dict[str, int] = {}
        self._order_counts_by_window: dict[str, int] = {}

    # -- REST ------------------------------------------------------------------------------------
    def operation_for(self, request: DoubleRequest) -> str:
        endpoint = endpoint_for(request.method, request.path)
        return endpoint.operation if endpoint is not None else "unknown"

    def validate(self, request: DoubleRequest) -> str | None:
        try:
            parse(request, self.api_key, self.api_secret)
        except e.BinanceError as err:
            return err.reason if err.invalid else None
        return None

    async def handle_http(self, request: DoubleRequest, exchange: Exchange) -> DoubleResponse:
        self.exchange = exchange
        weight = 1
        try:
            parsed = parse(request, self.api_key, self.api_secret)
            weight = _weight(parsed)
            if parsed.endpoint.signed:
                check_timestamp(parsed.values, exchange.now(),
                                transit_slack_ms=self.transit_slack_ms)
            body = HANDLERS[parsed.endpoint.operation](parsed, exchange, self.context)
        except e.BinanceError as err:
            if err.invalid and request.invalid_reason is None:
                request.mark_invalid(err.reason)
            return DoubleResponse.json(err.body, err.status, self._headers(exchange, weight))
        headers = self._headers(exchange, weight)  # rest-api.md: orders and cancels weigh 1
        if parsed.endpoint.operation == "place":
            headers.update(self._order_counts(exchange))
        return DoubleResponse.json(body, 200, headers)

    def render_fault(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        if fault.kind is HttpFaultKind.TIME_ERROR:
            return DoubleResponse.json(e.timestamp_error().body, 400)
        if fault.kind is HttpFaultKind.RATE_LIMIT:
            # The server adds Retry-After (the fault's seconds) when the wire layer does not.
            msg = RATE_LIMITED if fault.status != 418 else BANNED.format(
                until=(self.now_ms() or 0) + int(fault.retry_after * 1000))
            return DoubleResponse.json({"code": -1003, "msg": msg}, fault.status)
        msg = UNKNOWN_STATUS if fault.status == 503 else \
            "An unknown error occurred while processing the request."
        return DoubleResponse.json({"code": -1000, "msg": msg}, fault.status)

    def _order_counts(self, exchange: Exchange) -> dict[str, str]:
        """rest-api.md "Unfilled Order Count": every successful order response carries how
        many orders were placed in the current 10 s window and day."""
        now = exchange.now()
        counts = {}
        for header, window_ms in _ORDER_WINDOWS.items():
            window = now // window_ms
            if self._order_windows.get(header) != window:
                self._order_windows[header] = window
                self._order_counts_by_window[header] = 0
            self._order_counts_by_window[header] += 1
            counts[header] = str(self._order_counts_by_window[header])
        return counts

    def _headers(self, exchange: Exchange, weight: int) -> dict[str, str]:
        minute = exchange.now() // 60_000
        if minute != self._weight_minute:
            self._weight_minute, self._weight = minute, 0
        self._weight += weight
        return {"X-MBX-USED-WEIGHT-1M": str(self._weight)}

    # -- WebSocket -------------------------------------------------------------------------------
    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        if stream.is_market_path(conn.path):
            await stream.open_market(conn, self)
        elif conn.path == stream.WS_API_PATH:
            await stream.open_api(conn)
        else:
            conn.note(invalid=f"no Binance WebSocket endpoint at {conn.path}")
            await conn.close(1008, "no such endpoint")

    async def on_ws_message(self, conn: DoubleWsConnection, text: str) -> None:
        if conn.path == stream.WS_API_PATH:
            await stream.api_message(conn, self, text)
        else:
            await stream.market_message(conn, self, text)

    # -- what the streams need (stream.Venue) ----------------------------------------------------
    def symbol_of(self, pair: TradingPair) -> str:
        spec = self.exchange.market(pair) if self.exchange is not None else None
        return spec.symbol if spec is not None else pair.base + pair.quote

    def knows_symbol(self, symbol: str) -> bool:
        return self.exchange is None or self.exchange.market_by_symbol(symbol) is not None

    def now_ms(self) -> int | None:
        return self.exchange.now() if self.exchange is not None else None

    def user_payload(self, event: ExchangeEvent) -> dict[str, Any] | None:
        """The user data stream event for an exchange event (None: nothing to push)."""
        if isinstance(event, OrderEvent):
            symbol = self.symbol_of(event.order.pair)
            cancel_id = self.context.cancel_id_of(event.order) \
                if isinstance(event, OrderCanceled) else None
            return render.execution_report(event, symbol, cancel_id)
        if isinstance(event, OrderRejected):
            return render.rejection_report(event, self.symbol_of(event.pair)) \
                if self.push_rejections else None
        if isinstance(event, BalancesChanged):
            return render.account_position(event)
        if isinstance(event, BalanceDelta):
            return render.balance_update(event)
        return None


def _weight(parsed: Parsed) -> int:
    if parsed.endpoint.operation == "depth":
        limit = parsed.get("limit") or 100
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    if parsed.endpoint.operation == "trades" and parsed.get("orderId") is not None:
        return 5
    if parsed.endpoint.operation == "prices" and parsed.get("symbol") is None:
        return 4
    if parsed.endpoint.operation == "ticker_24hr" and parsed.get("symbol") is None:
        return 80
    return parsed.endpoint.weight
