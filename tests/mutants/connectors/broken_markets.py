"""Mutants with one bug in symbols, trading rules, network checks or order books."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import ROUND_UP, Decimal
from typing import Any

from connectors.binance.connector import BinanceSpotConnector
from harness.base import MarketInfo
from harness.base.hooks import MarketMessage
from harness.base.stream import StreamConnection
from harness.standard.enums import NetworkStatus
from harness.standard.model import PublicTrade
from harness.standard.order_book import DiffOutcome, OrderBook, OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair


class LowercaseSymbols(BinanceSpotConnector):
    """exchange_symbol() answers btcusdt instead of BTCUSDT."""

    def exchange_symbol(self, pair: TradingPair) -> str:
        return super().exchange_symbol(pair).lower()


class ListsInactiveSymbols(BinanceSpotConnector):
    """Markets in BREAK, or not open to spot trading, are listed as tradable."""

    def parse_market(self, record: Any) -> MarketInfo | None:
        return super().parse_market({**record, "status": "TRADING",
                                     "isSpotTradingAllowed": True})


class SymbolFetchRaises(BinanceSpotConnector):
    """fetch_trading_pairs() lets a failed request escape instead of returning []."""

    async def fetch_trading_pairs(self) -> list[TradingPair]:
        return sorted(await self._load_markets())


class WrongLastPrices(BinanceSpotConnector):
    """Every pair gets the price of the first entry of the ticker answer."""

    async def request_last_prices(self, pairs: Sequence[TradingPair]
                                  ) -> dict[TradingPair, Decimal]:
        prices = await super().request_last_prices(pairs)
        first = next(iter(prices.values()))
        return dict.fromkeys(prices, first)


class RulesWithoutIncrements(BinanceSpotConnector):
    """Tick and step sizes are dropped, so nothing is quantized."""

    def parse_market(self, record: Any) -> MarketInfo | None:
        info = super().parse_market(record)
        if info is None:
            return None
        rule = replace(info.rule, min_price_increment=Decimal(0), min_base_increment=Decimal(0))
        return replace(info, rule=rule)


class MalformedRuleAborts(BinanceSpotConnector):
    """One malformed market makes the whole rules update fail."""

    async def _load_markets(self) -> dict[TradingPair, MarketInfo]:
        markets: dict[TradingPair, MarketInfo] = {}
        for record in await self.request_markets():
            info = self.parse_market(record)
            if info is not None:
                markets[info.pair] = info
        self._markets = markets
        self._symbols = {info.symbol: pair for pair, info in markets.items()}
        self._changed()
        return markets


class IgnoresPriceBounds(BinanceSpotConnector):
    """PRICE_FILTER's minPrice and maxPrice are dropped, so any price is sent."""

    def parse_market(self, record: Any) -> MarketInfo | None:
        info = super().parse_market(record)
        if info is None:
            return None
        return replace(info, rule=replace(info.rule, min_price=Decimal(0), max_price=Decimal(0)))


class QuantizeRoundsUp(BinanceSpotConnector):
    """quantize_price/quantize_amount round up to the tick and step."""

    @staticmethod
    def _up(value: Decimal, step: Decimal) -> Decimal:
        return (value / step).to_integral_value(rounding=ROUND_UP) * step if step else value

    def quantize_price(self, pair: TradingPair, price: Decimal) -> Decimal:
        return self._up(price, self.trading_rules[pair].min_price_increment)

    def quantize_amount(self, pair: TradingPair, amount: Decimal) -> Decimal:
        return self._up(amount, self.trading_rules[pair].min_base_increment)


class PingWrongEndpoint(BinanceSpotConnector):
    """check_network() pings a path Binance does not serve."""

    async def request_ping(self) -> None:
        await self._call("GET", "/api/v1/ping")


class NetworkAlwaysConnected(BinanceSpotConnector):
    """check_network() says CONNECTED whatever the ping answered."""

    async def check_network(self) -> NetworkStatus:
        await super().check_network()
        return NetworkStatus.CONNECTED


class SwallowsCancellation(BinanceSpotConnector):
    """check_network() turns its own cancellation into NOT_CONNECTED."""

    async def check_network(self) -> NetworkStatus:
        try:
            return await super().check_network()
        except asyncio.CancelledError:
            return NetworkStatus.NOT_CONNECTED


class WaitReadyReturnsEarly(BinanceSpotConnector):
    """wait_ready() returns at once, ready or not."""

    async def wait_ready(self) -> None:
        return


class ReadyBeforeUserStream(BinanceSpotConnector):
    """`ready` ignores the user stream."""

    @property
    def ready(self) -> bool:
        return all(up for part, up in self.status.items() if part != "user_stream")


class StopKeepsStreams(BinanceSpotConnector):
    """stop() stops polling but leaves both streams connected."""

    async def stop(self) -> None:
        for task in list(self._tasks):
            if "stream" not in task.get_name():
                task.cancel()


class SwappedBookSides(BinanceSpotConnector):
    """Snapshots are read with bids and asks swapped."""

    async def request_order_book_snapshot(self, pair: TradingPair) -> OrderBookSnapshot:
        snapshot = await super().request_order_book_snapshot(pair)
        return replace(snapshot, bids=snapshot.asks, asks=snapshot.bids)


def _renumbering(book: OrderBook, renumber: Callable[[OrderBook, OrderBookDiff], OrderBookDiff]
                 ) -> Callable[[OrderBookDiff], DiffOutcome]:
    apply = book.apply_diff

    def apply_renumbered(diff: OrderBookDiff) -> DiffOutcome:
        return apply(renumber(book, diff) if book.loaded else diff)

    return apply_renumbered


class AppliesStaleDiffs(BinanceSpotConnector):
    """A diff older than the book is renumbered so that it is applied."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for book in self.order_books.books.values():
            book.apply_diff = _renumbering(book, self._freshen)  # type: ignore[method-assign]

    @staticmethod
    def _freshen(book: OrderBook, diff: OrderBookDiff) -> OrderBookDiff:
        if diff.last_update_id > book.update_id:
            return diff
        return replace(diff, first_update_id=book.update_id + 1,
                       last_update_id=book.update_id + 1)


class NoResyncOnGap(BinanceSpotConnector):
    """A diff that skips update ids is applied as if it continued the book."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for book in self.order_books.books.values():
            book.apply_diff = _renumbering(book, self._close_gap)  # type: ignore[method-assign]

    @staticmethod
    def _close_gap(book: OrderBook, diff: OrderBookDiff) -> OrderBookDiff:
        if diff.first_update_id > book.update_id + 1:
            return replace(diff, first_update_id=book.update_id + 1)
        return diff


class NoBookReloadOnReconnect(BinanceSpotConnector):
    """After a reconnect the books wait for a snapshot that is never requested."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        load = self.order_books.connected
        self._market_connections = 0

        def first_time_only() -> None:
            self._market_connections += 1
            if self._market_connections == 1:
                load()

        self.order_books.connected = first_time_only  # type: ignore[method-assign]


class DropsPublicTrades(BinanceSpotConnector):
    """Trades on the public tape are parsed and thrown away."""

    def parse_market_message(self, message: Any) -> list[MarketMessage]:
        return [item for item in super().parse_market_message(message)
                if not isinstance(item, PublicTrade)]


class SubscribesFirstPairOnly(BinanceSpotConnector):
    """The market-stream subscription names the first pair's streams only."""

    async def subscribe_market_stream(self, connection: StreamConnection) -> None:
        symbol = self._symbol(self.config.trading_pairs[0]).lower()
        await connection.send_json({"method": "SUBSCRIBE", "id": next(self._market_request_ids),
                                    "params": [f"{symbol}@depth@100ms", f"{symbol}@trade"]})

