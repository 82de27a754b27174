"""What a connector writes: the exchange-specific hooks ExchangeBase builds on.

A connector author reads this file to know their job. Everything not here (tracking,
polling, streams, books, throttling, retries) is the base's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from harness.base.rest import RestRequest
from harness.base.stream import StreamConnection
from harness.base.throttler import RateLimit
from harness.standard.errors import ConnectorError
from harness.standard.model import (
    Balance,
    BalanceChange,
    Fill,
    OrderUpdate,
    PlacementOutcome,
    PublicTrade,
)
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

# A stream snapshot (Bybit sends one on subscribing) replaces a loaded book.
MarketMessage = OrderBookDiff | OrderBookSnapshot | PublicTrade
UserMessage = OrderUpdate | Fill | BalanceChange


@dataclass(frozen=True)
class MarketInfo:
    """One tradable market as the exchange lists it."""

    symbol: str
    pair: TradingPair
    rule: TradingRule


class ExchangeHooks(ABC):
    """The exchange-specific part of a spot connector. Subclasses set the class attributes."""

    default_urls: ClassVar[Mapping[str, str]]
    rate_limits: ClassVar[Sequence[RateLimit]] = ()
    client_order_id_prefix: ClassVar[str] = "HB"
    client_order_id_max_length: ClassVar[int] = 32
    # A regex character class of what the exchange accepts in a client order id; the config's
    # session tag goes into every id, so a tag outside it fails at construction ("": any).
    client_order_id_charset: ClassVar[str] = ""

    @abstractmethod
    def authenticate(self, request: RestRequest) -> RestRequest:
        """Sign a private request (headers, timestamp, signature)."""

    def symbol_before_markets(self, pair: TradingPair) -> str:
        """The exchange's symbol for `pair` before its markets are loaded (streams start
        alongside them): base and quote run together unless the exchange says otherwise."""
        return pair.base + pair.quote

    @abstractmethod
    def classify_error(self, status: int, headers: Mapping[str, str], body: Any
                       ) -> ConnectorError | None:
        """Map an error response to the standard's errors; None if it is not an error."""

    @abstractmethod
    async def request_server_time_ms(self) -> float: ...

    @abstractmethod
    async def request_ping(self) -> None: ...

    @abstractmethod
    async def request_markets(self) -> Iterable[Any]:
        """The exchange's raw market records; each is parsed by `parse_market`."""

    @abstractmethod
    def parse_market(self, record: Any) -> MarketInfo | None:
        """One market, or None if it is not an active spot market. Raise if malformed."""

    @abstractmethod
    async def request_last_prices(self, pairs: Sequence[TradingPair]
                                  ) -> dict[TradingPair, Decimal]: ...

    @abstractmethod
    async def request_order_book_snapshot(self, pair: TradingPair) -> OrderBookSnapshot: ...

    @abstractmethod
    async def request_place_order(self, order: TrackedOrder) -> PlacementOutcome:
        """Send a new order. Raise OrderRejected, or UnknownOutcome when unsure."""

    @abstractmethod
    async def request_cancel(self, order: TrackedOrder) -> OrderUpdate:
        """Cancel; raise OrderNotFound or CancelRejected when the exchange refuses."""

    async def request_cancel_all(self, pair: TradingPair) -> list[OrderUpdate] | None:
        """Optional: cancel every open order on `pair` in one request; return the exchange's
        reports, or None (the default) when the exchange has no bulk cancel. Called only when
        `config.exclusive_account` says no one else's orders can be hit."""
        return None

    @abstractmethod
    async def request_order_status(self, order: TrackedOrder) -> OrderUpdate:
        """The order's state; raise OrderNotFound when the exchange does not know it."""

    @abstractmethod
    async def request_order_fills(self, order: TrackedOrder) -> list[Fill]: ...

    @abstractmethod
    async def request_balances(self) -> dict[str, Balance]: ...

    @abstractmethod
    def market_stream_url(self) -> str: ...

    @abstractmethod
    async def subscribe_market_stream(self, connection: StreamConnection) -> None: ...

    @abstractmethod
    def parse_market_message(self, message: Any) -> list[MarketMessage]: ...

    @abstractmethod
    def user_stream_url(self) -> str: ...

    @abstractmethod
    async def subscribe_user_stream(self, connection: StreamConnection) -> None: ...

    @abstractmethod
    def parse_user_message(self, message: Any) -> list[UserMessage]: ...

