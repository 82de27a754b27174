"""BybitDouble: Bybit v5 spot's wire format for the harness' DoubleServer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.bybit.double import markets, render, stream
from connectors.bybit.double.rest import HANDLERS, Context, Handler
from connectors.bybit.double.validate import (
    ENDPOINTS,
    TRANSIT_SLACK_MS,
    BybitError,
    Endpoint,
    check_timestamp,
    endpoint_for,
    parse,
)
from harness.double import (
    BalancesChanged,
    BaseWireFormat,
    DoubleRequest,
    DoubleResponse,
    DoubleWsConnection,
    Exchange,
    ExchangeEvent,
    HttpFault,
    HttpFaultKind,
    OrderEvent,
    OrderTraded,
)
from harness.subject import TEST_API_KEY, TEST_API_SECRET

Json = dict[str, Any]
TOO_MANY_VISITS = "Too many visits. Exceeded the API Rate Limit."


class BybitDouble(BaseWireFormat):
    """The server side of Bybit v5 spot (REST /v5, public and private streams) over the
    harness' in-memory exchange.

    >>> from harness.double import DoubleServer, FaultPlan
    >>> server = DoubleServer(BybitDouble.default_exchange(), BybitDouble(), FaultPlan())

    Requests are checked as Bybit checks them (API key, header signature made with the
    harness' test secret, recv window, parameters, precision); refused ones get Bybit's
    retCode and, when the client is to blame, are marked invalid in the request log.
    """

    default_exchange = staticmethod(markets.default_exchange)
    seed = staticmethod(markets.seed)
    # What the linear double (connectors/bybit_perpetual/double) changes: its routes and
    # handlers, its public stream path and its private topics.
    endpoints: ClassVar[Mapping[tuple[str, str], Endpoint]] = ENDPOINTS
    handlers: ClassVar[Mapping[str, Handler]] = HANDLERS
    public_path: ClassVar[str] = stream.PUBLIC_PATH
    private_topics: ClassVar[frozenset[str]] = stream.PRIVATE_TOPICS

    def __init__(self, exchange: Exchange | None = None, *, api_key: str = TEST_API_KEY,
                 api_secret: str = TEST_API_SECRET,
                 transit_slack_ms: int = TRANSIT_SLACK_MS) -> None:
        self.exchange = exchange
        self.api_key = api_key
        self.api_secret = api_secret
        self.transit_slack_ms = transit_slack_ms
        self.context = self.new_context()

    def new_context(self) -> Context:
        return Context()

    # -- REST --------------------------------------------------------------------------------
    def operation_for(self, request: DoubleRequest) -> str:
        endpoint = endpoint_for(request, self.endpoints)
        return endpoint.operation if endpoint is not None else "unknown"

    def validate(self, request: DoubleRequest) -> str | None:
        try:
            parse(request, self.api_key, self.api_secret, self.endpoints)
        except BybitError as err:
            return err.reason if err.invalid else None
        return None

    async def handle_http(self, request: DoubleRequest, exchange: Exchange) -> DoubleResponse:
        self.exchange = exchange
        now = exchange.now()
        try:
            parsed = parse(request, self.api_key, self.api_secret, self.endpoints)
            if parsed.endpoint.signed:
                check_timestamp(request, now, self.transit_slack_ms)
            result = self.handlers[parsed.endpoint.operation](parsed, exchange, self.context)
        except BybitError as err:
            if err.invalid and request.invalid_reason is None:
                request.mark_invalid(err.reason)
            return DoubleResponse.json(render.failure(err.code, err.message, now), err.status)
        return DoubleResponse.json(render.ok(result, now), 200, self._limit_headers(now))

    def render_fault(self, request: DoubleRequest, fault: HttpFault) -> DoubleResponse:
        now = self.exchange.now() if self.exchange is not None else 0
        if fault.kind is HttpFaultKind.TIME_ERROR:
            return DoubleResponse.json(render.failure(
                10002, "invalid request, please check your server timestamp or recv_window "
                       "param.", now))
        if fault.kind is HttpFaultKind.RATE_LIMIT:
            if fault.status == 418:  # a ban: Bybit answers an IP over its limit with 403
                return DoubleResponse.plain("access too frequent", 403)
            reset = now + int(fault.retry_after * 1000)
            return DoubleResponse.json(render.failure(10006, TOO_MANY_VISITS, now), 200, {
                "X-Bapi-Limit-Status": "0", "X-Bapi-Limit": "20",
                "X-Bapi-Limit-Reset-Timestamp": str(reset)})
        return DoubleResponse.plain(f"<html><body>{fault.status} Service Unavailable"
                                    "</body></html>", fault.status)

    def _limit_headers(self, now: int) -> dict[str, str]:
        return {"X-Bapi-Limit-Status": "49", "X-Bapi-Limit": "50",
                "X-Bapi-Limit-Reset-Timestamp": str(now + 1000)}

    # -- WebSocket ---------------------------------------------------------------------------
    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        if conn.path not in (self.public_path, stream.PRIVATE_PATH):
            conn.note(invalid=f"no Bybit WebSocket endpoint at {conn.path}")
            await conn.close(1008, "no such endpoint")

    async def on_ws_message(self, conn: DoubleWsConnection, text: str) -> None:
        if conn.path == stream.PRIVATE_PATH:
            await stream.private_message(conn, self, text)
        else:
            await stream.public_message(conn, self, text)

    # -- what the streams need (stream.Venue) ------------------------------------------------
    def current_exchange(self) -> Exchange | None:
        return self.exchange

    def extra_public_topic(self, topic: str) -> bool:
        """A public topic besides books and trades that this double serves (spot: none)."""
        return False

    async def after_public_subscribe(self, conn: DoubleWsConnection, topics: list[str]) -> None:
        """Send what a subscription to `extra_public_topic`s starts with (spot: nothing)."""

    def user_payloads(self, event: ExchangeEvent) -> list[Json]:
        """The private-stream messages for an exchange event (possibly none)."""
        exchange = self.exchange
        if isinstance(event, OrderEvent) and exchange is not None:
            order = event.order
            spec = exchange.market(order.pair)
            symbol = spec.symbol if spec is not None else order.pair.base + order.pair.quote
            messages: list[Json] = []
            if isinstance(event, OrderTraded):
                messages.append(_message("execution", event.time_ms, [
                    self.context.execution_json(event.trade, order, symbol,
                                                category=self.context.category)]))
            messages.append(_message("order", event.time_ms, [self.context.order_json(
                order, symbol, category=self.context.category)]))
            return messages
        if isinstance(event, BalancesChanged):
            return [_message("wallet", event.time_ms,
                             [render.wallet_account(list(event.balances))])]
        return []


def _message(topic: str, time_ms: int, data: list[Json]) -> Json:
    return {"id": f"{topic}-{time_ms}", "topic": topic, "creationTime": time_ms, "data": data}
