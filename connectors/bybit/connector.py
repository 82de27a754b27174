"""BybitSpotConnector: Bybit v5 spot on the shared connector base.

Only what is Bybit's own lives here: which endpoint answers each hook, the parameters it
takes, and which parser reads its answer. Tracking, polling, retries, throttling, books and
reconnects are the base's (harness/base/). The linear-perpetual connector reuses this class
with another category (see connectors/bybit/README.md).

Conventions: a GET carries its parameters in the query string, a POST in a JSON body, and both
are signed in headers (auth.py). Bybit acknowledges a placement or a cancel with ids only:
a successful cancel is taken as done (the private stream confirms it), and a MARKET order,
which matches at once, is settled by reading its status and executions right after the
acknowledgement rather than waiting for the stream or the next poll.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from connectors.bybit import constants as c
from connectors.bybit import parsing, user_stream
from connectors.bybit.auth import json_body, sign_rest_request
from connectors.bybit.errors import classify_error
from harness.base import ExchangeBase, MarketInfo, RateLimit, RestRequest
from harness.base.hooks import MarketMessage, UserMessage
from harness.base.payload_values import format_decimal
from harness.base.stream import StreamConnection
from harness.standard.enums import OrderState, OrderType
from harness.standard.errors import (
    ConnectorError,
    ExchangeError,
    OrderNotFound,
    OrderRejected,
    RateLimited,
    TimeSyncError,
)
from harness.standard.model import Balance, Fill, OrderUpdate, PlacementOutcome
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair

# The stream allows ten topics per subscribe request (ws/connect.mdx).
_TOPICS_PER_REQUEST = 10


class BybitSpotConnector(ExchangeBase):
    """Bybit spot: REST /v5 with category=spot, /v5/public/spot, /v5/private."""

    name = "bybit"
    category: ClassVar[str] = "spot"
    book_depth: ClassVar[int] = c.SPOT_BOOK_DEPTH
    private_topics: ClassVar[tuple[str, ...]] = user_stream.TOPICS
    default_urls = c.DEFAULT_URLS
    rate_limits: ClassVar[Sequence[RateLimit]] = c.RATE_LIMITS
    client_order_id_prefix = c.CLIENT_ORDER_ID_PREFIX
    client_order_id_max_length = c.CLIENT_ORDER_ID_MAX_LENGTH
    client_order_id_charset = c.CLIENT_ORDER_ID_CHARSET

    # signing and errors -------------------------------------------------------------------
    def authenticate(self, request: RestRequest) -> RestRequest:
        return sign_rest_request(request, self.config.api_key, self.config.api_secret,
                                 self.time_sync.now_ms())

    def classify_error(self, status: int, headers: Mapping[str, str], body: Any
                       ) -> ConnectorError | None:
        return classify_error(status, headers, body, self.time_sync_now)

    def time_sync_now(self) -> float:
        """The exchange's time in seconds, as far as the clock offset is known."""
        return self.time_sync.now_ms() / 1000

    async def _get(self, path: str, params: Mapping[str, str], *, signed: bool = False) -> Any:
        return await self.rest.request(RestRequest(
            "GET", self.url("rest", path), dict(params), is_auth=signed,
            limit_id=c.limit_id("GET", path)))

    async def _post(self, path: str, payload: Mapping[str, Any]) -> Any:
        return await self.rest.request(RestRequest(
            "POST", self.url("rest", path), body=json_body(payload),
            headers={"Content-Type": "application/json"}, is_auth=True,
            limit_id=c.limit_id("POST", path)))

    # public REST --------------------------------------------------------------------------
    async def request_server_time_ms(self) -> float:
        payload = await self._get(c.TIME_PATH, {})
        return int(payload["result"]["timeNano"]) / 1_000_000

    async def request_ping(self) -> None:
        # Bybit has no ping endpoint; its system status answers when the API is up, and says
        # when a maintenance is under way (system-status.mdx).
        payload = await self._get(c.SYSTEM_STATUS_PATH, {})
        ongoing = [entry for entry in parsing.result_list(payload)
                   if entry.get("state") == "ongoing"]
        if ongoing:
            raise ExchangeError(f"Bybit is under maintenance: {ongoing[0].get('title')}")

    async def request_markets(self) -> Iterable[Any]:
        payload = await self._get(c.INSTRUMENTS_PATH, {"category": self.category})
        return parsing.result_list(payload)

    def parse_market(self, record: Any) -> MarketInfo | None:
        return parsing.parse_spot_market(record)

    async def request_last_prices(self, pairs: Sequence[TradingPair]
                                  ) -> dict[TradingPair, Decimal]:
        wanted = {self._symbol(pair): pair for pair in pairs}
        if not wanted:
            return {}
        params = {"category": self.category}
        if len(wanted) == 1:
            params["symbol"] = next(iter(wanted))
        return parsing.parse_last_prices(await self._get(c.TICKERS_PATH, params), wanted)

    async def request_order_book_snapshot(self, pair: TradingPair) -> OrderBookSnapshot:
        payload = await self._get(c.ORDERBOOK_PATH, {
            "category": self.category, "symbol": self._symbol(pair),
            "limit": str(self.book_depth)})
        return parsing.parse_snapshot(pair, payload)

    # orders --------------------------------------------------------------------------------
    def order_payload(self, order: TrackedOrder) -> dict[str, Any]:
        """The body of POST /v5/order/create for `order` (create-order.mdx)."""
        payload: dict[str, Any] = {"category": self.category, "symbol": self._symbol(order.pair),
                   "side": parsing.side_text(order.side),
                   "orderType": "Market" if order.order_type is OrderType.MARKET else "Limit",
                   "qty": format_decimal(order.amount)}
        if order.order_type is OrderType.MARKET:
            # A spot market buy's qty is in the quote coin unless told otherwise.
            payload["marketUnit"] = "baseCoin"
        else:
            if order.price is None:  # the base refuses these before asking; stay safe anyway
                raise OrderRejected(f"a {order.order_type.value} order needs a price")
            payload["price"] = format_decimal(order.price)
            payload["timeInForce"] = ("PostOnly" if order.order_type is OrderType.LIMIT_MAKER
                                      else "GTC")
        payload["orderLinkId"] = order.client_order_id
        return payload

    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        try:
            payload = await self._post(c.CREATE_PATH, self.order_payload(order))
        except (ExchangeError, TimeSyncError, RateLimited) as exc:
            # Bybit refused the request itself (a bad parameter, the balance, a stale
            # timestamp, a rate limit): the order was never accepted and never will be.
            raise OrderRejected(str(exc)) from exc
        exchange_id = str(payload["result"]["orderId"])
        timestamp = parsing.seconds(payload["time"])
        if order.order_type is not OrderType.MARKET:
            return PlacementOutcome(exchange_id, timestamp)
        return await self._settled_at_once(order, exchange_id, timestamp)

    async def _settled_at_once(self, order: TrackedOrder, exchange_id: str, timestamp: float
                               ) -> PlacementOutcome:
        """A MARKET order's outcome, read right after its acknowledgement; if it is not
        final yet (or cannot be read), the stream and status polling settle it."""
        try:
            update = await self.request_order_status(order)
            fills = (await self.request_order_fills(order)
                     if update.state is not OrderState.OPEN else [])
        except ConnectorError:
            return PlacementOutcome(exchange_id, timestamp)
        return PlacementOutcome(exchange_id, timestamp, update.state, tuple(fills))

    async def request_cancel(self, order: TrackedOrder) -> OrderUpdate:
        payload = await self._post(c.CANCEL_PATH, self._order_ref(order))
        return OrderUpdate(order.client_order_id, str(payload["result"]["orderId"]),
                           OrderState.CANCELED, parsing.seconds(payload["time"]))

    async def request_cancel_all(self, pair: TradingPair) -> list[OrderUpdate] | None:
        payload = await self._post(c.CANCEL_ALL_PATH, {"category": self.category,
                                                       "symbol": self._symbol(pair)})
        stamp = parsing.seconds(payload["time"])
        return [OrderUpdate(str(entry["orderLinkId"]), str(entry["orderId"]),
                            OrderState.CANCELED, stamp) for entry in parsing.result_list(payload)]

    async def request_order_status(self, order: TrackedOrder) -> OrderUpdate:
        payload = await self._get(c.REALTIME_PATH, self._order_ref(order), signed=True)
        found = parsing.result_list(payload)
        if not found:  # Bybit answers an unknown orderLinkId with an empty list
            raise OrderNotFound(f"Bybit has no order {order.client_order_id}")
        return parsing.parse_order(found[0], order.client_order_id)

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        payload = await self._get(c.EXECUTIONS_PATH, self._order_ref(order), signed=True)
        return parsing.parse_executions(order, payload)

    async def request_balances(self) -> dict[str, Balance]:
        payload = await self._get(c.WALLET_PATH, {"accountType": c.ACCOUNT_TYPE}, signed=True)
        return parsing.parse_wallet(payload)

    def _order_ref(self, order: TrackedOrder) -> dict[str, str]:
        return {"category": self.category, "symbol": self._symbol(order.pair),
                "orderLinkId": order.client_order_id}

    # market stream -------------------------------------------------------------------------
    def market_stream_url(self) -> str:
        return self.url("ws_public", c.PUBLIC_STREAM_PATH.format(category=self.category))

    def market_topics(self) -> list[str]:
        return [topic for pair in self.config.trading_pairs
                for topic in (f"orderbook.{self.book_depth}.{self._symbol(pair)}",
                              f"publicTrade.{self._symbol(pair)}")]

    async def subscribe_market_stream(self, connection: StreamConnection) -> None:
        topics = self.market_topics()
        for start in range(0, len(topics), _TOPICS_PER_REQUEST):
            await connection.send_json({"op": "subscribe",
                                        "args": topics[start:start + _TOPICS_PER_REQUEST]})

    def parse_market_message(self, message: Any) -> list[MarketMessage]:
        return parsing.parse_market_message(message, self._pair_of)

    # user stream ---------------------------------------------------------------------------
    def user_stream_url(self) -> str:
        return self.url("ws_private", c.PRIVATE_STREAM_PATH)

    async def subscribe_user_stream(self, connection: StreamConnection) -> None:
        if not self.time_sync.synced:
            await self.sync_time()
        expires = self.time_sync.now_ms() + c.WS_AUTH_EXPIRES_MS
        try:
            await user_stream.authenticate_and_subscribe(
                connection, self.config.api_key, self.config.api_secret, expires,
                self.private_topics)
        except user_stream.OperationRefused as exc:
            if "expire" in exc.message:
                await self.sync_time()  # so that the reconnect signs a fresh expiry
            raise

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return user_stream.parse_user_message(message, self._pair_of, self.category)
