"""BinanceSpotConnector: Binance spot on the shared connector base.

Only what is Binance's own lives here: which endpoint answers each hook, the parameters it
takes, and which parser reads its answer. Order tracking, polling, retries, throttling, order
books and reconnects are the base's (harness/base/).

Conventions (see README.md): signed requests carry all their parameters in the query string;
the user stream is the WebSocket API's `userDataStream.subscribe.signature`; a placement that
Binance answers with any definite error is a rejected order.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from connectors.binance import constants as c
from connectors.binance import parsing, user_stream
from connectors.binance.auth import sign_rest_request
from connectors.binance.errors import classify_error
from harness.base import ExchangeBase, MarketInfo, RestRequest
from harness.base.hooks import MarketMessage, UserMessage
from harness.base.payload_values import format_decimal
from harness.base.stream import StreamConnection
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderType
from harness.standard.errors import (
    ConnectorError,
    ExchangeError,
    OrderRejected,
    RateLimited,
    TimeSyncError,
)
from harness.standard.model import Balance, Fill, OrderUpdate, PlacementOutcome
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair

_MARKET_CHANNELS = ("depth@100ms", "trade")


class BinanceSpotConnector(ExchangeBase):
    """Binance spot: REST /api/v3, raw market streams, user data over the WebSocket API."""

    name = "binance"
    default_urls = c.DEFAULT_URLS
    rate_limits = c.RATE_LIMITS
    client_order_id_prefix = c.CLIENT_ORDER_ID_PREFIX
    client_order_id_max_length = c.CLIENT_ORDER_ID_MAX_LENGTH
    client_order_id_charset = c.CLIENT_ORDER_ID_CHARSET

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        # One id counter per stream: ids then do not depend on which stream connects first,
        # so recorded traffic replays exactly.
        self._market_request_ids = itertools.count(1)
        self._user_request_ids = itertools.count(1)

    # signing and errors -------------------------------------------------------------------
    def authenticate(self, request: RestRequest) -> RestRequest:
        return sign_rest_request(request, self.config.api_key, self.config.api_secret,
                                 self.time_sync.now_ms())

    def classify_error(self, status: int, headers: Mapping[str, str], body: Any
                       ) -> ConnectorError | None:
        return classify_error(status, body)

    async def _call(self, method: str, path: str, params: Mapping[str, str] | None = None,
                    *, signed: bool = False, limit_id: str = "") -> Any:
        return await self.rest.request(RestRequest(
            method, self.url("rest", path), params or {}, is_auth=signed,
            limit_id=limit_id or c.limit_id(method, path)))

    # public REST --------------------------------------------------------------------------
    async def request_server_time_ms(self) -> float:
        payload = await self._call("GET", c.TIME_PATH)
        return float(payload["serverTime"])

    async def request_ping(self) -> None:
        await self._call("GET", c.PING_PATH)

    async def request_markets(self) -> Iterable[Any]:
        payload = await self._call("GET", c.EXCHANGE_INFO_PATH)
        return list(payload["symbols"])

    def parse_market(self, record: Any) -> MarketInfo | None:
        return parsing.parse_market(record)

    async def request_last_prices(self, pairs: Sequence[TradingPair]
                                  ) -> dict[TradingPair, Decimal]:
        wanted = {self._symbol(pair): pair for pair in pairs}
        if not wanted:
            return {}
        if len(wanted) == 1:  # one symbol weighs 2; all symbols (one request) weigh 4
            payload = await self._call("GET", c.TICKER_PRICE_PATH, {"symbol": next(iter(wanted))})
        else:
            payload = await self._call("GET", c.TICKER_PRICE_PATH, limit_id=c.TICKER_PRICE_ALL)
        return parsing.parse_last_prices(payload, wanted)

    async def request_order_book_snapshot(self, pair: TradingPair) -> OrderBookSnapshot:
        payload = await self._call("GET", c.DEPTH_PATH,
                                   {"symbol": self._symbol(pair), "limit": str(c.DEPTH_LIMIT)})
        return parsing.parse_snapshot(pair, payload, self.clock.time())

    # orders --------------------------------------------------------------------------------
    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        params = {"symbol": self._symbol(order.pair), "side": order.side.value,
                  "type": order.order_type.value, "quantity": format_decimal(order.amount),
                  "newClientOrderId": order.client_order_id, "newOrderRespType": "FULL"}
        if order.order_type is not OrderType.MARKET:
            if order.price is None:  # the base refuses these before asking; stay safe anyway
                raise OrderRejected(f"a {order.order_type.value} order needs a price")
            params["price"] = format_decimal(order.price)
        if order.order_type is OrderType.LIMIT:
            params["timeInForce"] = "GTC"
        try:
            payload = await self._call("POST", c.ORDER_PATH, params, signed=True)
        except (ExchangeError, TimeSyncError, RateLimited) as exc:
            # Binance refused the request itself (a filter failure, a bad parameter, a stale
            # timestamp, a rate limit): the order was never accepted and never will be.
            # Only UnknownOutcome (5xx, -1007, a timeout) leaves it for status polling.
            raise OrderRejected(str(exc)) from exc
        return parsing.parse_placement(order, payload)

    async def request_cancel(self, order: TrackedOrder) -> OrderUpdate:
        payload = await self._call("DELETE", c.ORDER_PATH, self._order_ref(order), signed=True)
        return parsing.parse_order(payload, order.client_order_id)

    async def request_cancel_all(self, pair: TradingPair) -> list[OrderUpdate] | None:
        payload = await self._call("DELETE", c.OPEN_ORDERS_PATH,
                                   {"symbol": self._symbol(pair)}, signed=True)
        return parsing.parse_cancel_all(payload)

    async def request_order_status(self, order: TrackedOrder) -> OrderUpdate:
        payload = await self._call("GET", c.ORDER_PATH, self._order_ref(order), signed=True)
        return parsing.parse_order(payload, order.client_order_id)

    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]:
        # myTrades filters by orderId only; an order whose placement outcome was unknown
        # learns its id from a status query first.
        exchange_id = (order.exchange_order_id
                       or (await self.request_order_status(order)).exchange_order_id)
        params = {"symbol": self._symbol(order.pair), "orderId": str(exchange_id)}
        payload = await self._call("GET", c.MY_TRADES_PATH, params, signed=True)
        return parsing.parse_trades(order, payload)

    async def request_balances(self) -> dict[str, Balance]:
        payload = await self._call("GET", c.ACCOUNT_PATH, {"omitZeroBalances": "true"},
                                   signed=True)
        return parsing.parse_balances(payload)

    def _order_ref(self, order: TrackedOrder) -> dict[str, str]:
        return {"symbol": self._symbol(order.pair), "origClientOrderId": order.client_order_id}

    # market stream -------------------------------------------------------------------------
    def market_stream_url(self) -> str:
        return self.url("ws_public", c.MARKET_STREAM_PATH)

    async def subscribe_market_stream(self, connection: StreamConnection) -> None:
        streams = [f"{self._symbol(pair).lower()}@{channel}"
                   for pair in self.config.trading_pairs for channel in _MARKET_CHANNELS]
        await connection.send_json({"method": "SUBSCRIBE", "params": streams,
                                    "id": next(self._market_request_ids)})

    def parse_market_message(self, message: Any) -> list[MarketMessage]:
        return parsing.parse_market_message(message, self._pair_of)

    # user stream ---------------------------------------------------------------------------
    def user_stream_url(self) -> str:
        return self.url("ws_private", c.WS_API_PATH)

    async def subscribe_user_stream(self, connection: StreamConnection) -> None:
        if not self.time_sync.synced:
            await self.sync_time()
        try:
            async with asyncio.timeout(self.config.request_timeout):
                await user_stream.subscribe(connection, next(self._user_request_ids),
                                            self.config.api_key, self.config.api_secret,
                                            self.time_sync.now_ms())
        except user_stream.SubscriptionRefused as exc:
            if exc.code == c.INVALID_TIMESTAMP:
                await self.sync_time()  # so that the reconnect signs a fresh timestamp
            raise

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return user_stream.parse_user_message(message, self._pair_of)
