"""ExchangeBase: the public connector API, implemented once, on exchange-specific hooks.

A connector subclasses this and writes only what differs between exchanges: URLs, signing,
error codes, and how to turn the exchange's payloads into the standard's values (the
`request_*`, `parse_*` and stream hooks below). Everything else lives here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.base.client_ids import ClientOrderIdFactory
from harness.base.emitter import EventHub
from harness.base.hooks import ExchangeHooks, MarketInfo
from harness.base.order_book_tracker import OrderBookTracker
from harness.base.order_tracker import OrderTracker
from harness.base.rest import RestClient
from harness.base.stream import ManagedStream, StreamConnection
from harness.base.throttler import Throttler
from harness.base.time_sync import TimeSynchronizer
from harness.standard.api import EventListener, SpotConnector, Unsubscribe
from harness.standard.config import ConnectorConfig
from harness.standard.enums import (
    NetworkStatus,
    OrderState,
    OrderType,
    PositionAction,
    TradeSide,
)
from harness.standard.errors import (
    CancelRejected,
    OrderNotFound,
    OrderRejected,
)
from harness.standard.events import BalanceUpdated
from harness.standard.model import (
    Balance,
    BalanceChange,
    CancellationResult,
    Fill,
    OrderUpdate,
)
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBook, OrderBookDiff, OrderBookSnapshot
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

log = logging.getLogger(__name__)

class ExchangeBase(ExchangeHooks, SpotConnector):
    """Base of spot connectors: the public API, on the hooks of `ExchangeHooks`."""

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        self.clock = config.clock
        self._hub = EventHub()
        self.time_sync = TimeSynchronizer(self.clock)
        self.throttler = Throttler(self.rate_limits, now=self.clock.time, sleep=self.clock.sleep)
        self.rest = RestClient(
            throttler=self.throttler, clock=self.clock, authenticate=self.authenticate,
            classify_error=self.classify_error, resync_time=self.sync_time,
            timeout=config.request_timeout, max_retry_after=config.max_retry_after,
            before_signing=self._time_known_before_signing)
        self._time_lock = asyncio.Lock()
        self._started = False
        self.orders = OrderTracker(self._hub, self.clock, config.lost_order_threshold)
        self.order_books = OrderBookTracker(config.trading_pairs, self.request_order_book_snapshot,
                                            self._hub, self.clock, config.reconnect_delay,
                                            on_loaded=lambda: self._changed())
        self._ids = ClientOrderIdFactory(self.client_order_id_prefix,
                                         self.client_order_id_max_length, config.session_tag,
                                         self.client_order_id_charset, self.name)
        self._markets: dict[TradingPair, MarketInfo] = {}
        self._symbols: dict[str, TradingPair] = {}
        self._balances: dict[str, Balance] = {}
        self._balances_loaded = False
        self._user_stream_up = False
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()
        # Orders whose placement request has not been answered yet (e.g. waiting out a 429):
        # the exchange may not know them yet, so polling must not count them as not found.
        self._placing: set[str] = set()

    def url(self, role: str, path: str = "") -> str:
        """A base URL by role, overridden by the config (that is how the harness redirects)."""
        base = self.config.urls.get(role) or self.default_urls[role]
        return base.rstrip("/") + path

    # lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        self._started = True
        self._spawn(self._repeat("market initialisation", self._refresh_markets,
                                 self.config.rules_refresh_interval), "markets")
        self._spawn(self._repeat("balance update", self.update_balances,
                                 self.config.poll_interval), "balances")
        self._spawn(self._stream(self._market_stream()), "market stream")
        self._spawn(self._stream(self._user_stream()), "user stream")
        self._spawn(self._status_polling_loop(), "status polling")

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.order_books.close()
        await self.rest.close()

    @property
    def status(self) -> Mapping[str, bool]:
        return {
            "symbols": bool(self._symbols),
            "trading_rules": bool(self._markets),
            "balances": self._balances_loaded,
            "order_books": self.order_books.initialized,
            "user_stream": self._user_stream_up,
        }

    @property
    def ready(self) -> bool:
        return all(self.status.values())

    async def wait_ready(self) -> None:
        while not self.ready:
            self._ready.clear()
            await self._ready.wait()

    def _changed(self) -> None:
        """Something that readiness depends on changed: wake `wait_ready`."""
        self._ready.set()

    async def check_network(self) -> NetworkStatus:
        try:
            await self.request_ping()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("network check failed: %s", exc)
            return NetworkStatus.NOT_CONNECTED
        return NetworkStatus.CONNECTED

    async def sync_time(self) -> None:
        async with self._time_lock:
            await self.time_sync.sync(self.request_server_time_ms)

    async def _time_known_before_signing(self) -> None:
        """Once started, a signed request waits for the server-time offset: start() loads
        balances (positions, payments) alongside the markets task that measures it, and a
        timestamp from the local clock alone is refused wherever the exchange's clock
        differs by more than its receive window. (Before start() a caller signs as it is;
        the exchange's refusal then resyncs, as SPOT-RES-3 requires.)"""
        if not self._started or self.time_sync.synced:
            return
        async with self._time_lock:
            if not self.time_sync.synced:
                await self.time_sync.sync(self.request_server_time_ms)

    # markets --------------------------------------------------------------------
    async def fetch_trading_pairs(self) -> list[TradingPair]:
        try:
            markets = await self._load_markets()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("could not fetch trading pairs: %s", exc)
            return []
        return sorted(markets)

    async def update_trading_rules(self) -> None:
        await self._load_markets()

    async def _load_markets(self) -> dict[TradingPair, MarketInfo]:
        markets: dict[TradingPair, MarketInfo] = {}
        for record in await self.request_markets():
            try:
                info = self.parse_market(record)
            except Exception as exc:
                log.error("skipped a malformed market record (%s: %s): %.200r",
                          type(exc).__name__, exc, record)
                continue
            if info is not None:
                markets[info.pair] = info
        self._markets = markets
        self._symbols = {info.symbol: pair for pair, info in markets.items()}
        self._changed()
        return markets

    @property
    def trading_rules(self) -> Mapping[TradingPair, TradingRule]:
        return {pair: info.rule for pair, info in self._markets.items()}

    def exchange_symbol(self, pair: TradingPair) -> str:
        return self._markets[pair].symbol

    def trading_pair(self, symbol: str) -> TradingPair:
        return self._symbols[symbol]

    def _symbol(self, pair: TradingPair) -> str:
        """The listed symbol, or the one the exchange would use while markets still load."""
        try:
            return self.exchange_symbol(pair)
        except KeyError:
            return self.symbol_before_markets(pair)

    def _pair_of(self, symbol: str) -> TradingPair | None:
        """The traded pair of a symbol in a payload; None for a pair this connector ignores."""
        try:
            return self.trading_pair(symbol)
        except KeyError:
            return next((pair for pair in self.config.trading_pairs
                         if self.symbol_before_markets(pair) == symbol), None)

    def quantize_price(self, pair: TradingPair, price: Decimal) -> Decimal:
        return self._markets[pair].rule.quantize_price(price)

    def quantize_amount(self, pair: TradingPair, amount: Decimal) -> Decimal:
        return self._markets[pair].rule.quantize_amount(amount)

    def order_book(self, pair: TradingPair) -> OrderBook:
        return self.order_books.books[pair]

    async def get_last_traded_prices(self, pairs: Sequence[TradingPair]
                                     ) -> dict[TradingPair, Decimal]:
        return await self.request_last_prices(pairs)

    # orders ---------------------------------------------------------------------
    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.NIL) -> str:
        client_id = self._ids.new("B" if side is TradeSide.BUY else "S")
        info = self._markets.get(pair)
        rule = info.rule if info else None
        quantized_amount = rule.quantize_amount(amount) if rule else amount
        quantized_price = (rule.quantize_price(price) if rule and price is not None else price)
        order = TrackedOrder(client_id, pair, side, order_type, quantized_amount,
                             quantized_price, self.clock.time(), position_action)
        self.orders.start_tracking(order)
        problem = self._local_problem(order, rule)
        if problem:
            self.orders.fail(order, problem, request_sent=False)
            return client_id
        self._placing.add(client_id)
        try:
            outcome = await self.request_place_order(order)
        except OrderRejected as exc:
            self.orders.fail(order, str(exc), request_sent=True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Unknown outcome: keep it PENDING_CREATE; status polling will settle it.
            log.warning("order %s: outcome unknown (%s); status polling will settle it",
                        client_id, exc)
        else:
            self.orders.process_placement(order, outcome)
        finally:
            self._placing.discard(client_id)
        return client_id

    def _local_problem(self, order: TrackedOrder, rule: TradingRule | None) -> str | None:
        if rule is None:
            return f"{order.pair} is not a trading pair of this exchange"
        if order.order_type is not OrderType.MARKET and order.price is None:
            return f"a {order.order_type.value} order needs a price"
        if order.price is not None:
            return rule.violation(order.amount, order.price)
        return rule.violation(order.amount, self._reference_price(order), reference=True)

    def _reference_price(self, order: TrackedOrder) -> Decimal | None:
        """For MARKET orders the notional check uses the side of the book the order takes."""
        book = self.order_books.books.get(order.pair)
        if book is None:
            return None
        return book.best_ask if order.side is TradeSide.BUY else book.best_bid

    async def cancel(self, client_order_id: str) -> CancellationResult:
        order = self.orders.orders.get(client_order_id)
        if order is None:
            return CancellationResult(client_order_id, False, "not an order this connector placed")
        if order.is_terminal:
            return CancellationResult(client_order_id, False, f"already {order.state.value}")
        self.orders.begin_cancel(order)
        try:
            update = await self.request_cancel(order)
        except OrderNotFound as exc:
            self.orders.cancel_refused(order)
            self.orders.process_not_found(order)
            return CancellationResult(client_order_id, False, f"not found: {exc}")
        except asyncio.CancelledError:
            self.orders.cancel_refused(order)
            raise
        except (CancelRejected, Exception) as exc:
            self.orders.cancel_refused(order)
            return CancellationResult(client_order_id, False, str(exc) or type(exc).__name__)
        await self._apply_update(update)
        return CancellationResult(client_order_id, order.state.value == "CANCELED",
                                  None if order.state.value == "CANCELED"
                                  else f"order is {order.state.value}")

    async def cancel_all(self, timeout: float) -> list[CancellationResult]:
        orders = list(self.orders.active)
        if not orders:
            return []
        try:
            async with asyncio.timeout(timeout):
                if self.config.exclusive_account:
                    await self._cancel_in_bulk(orders)
                # Whatever a bulk cancel did not settle is cancelled one by one.
                done = {cid: CancellationResult(cid, True) for cid in orders
                        if self.orders.orders[cid].state is OrderState.CANCELED}
                rest = [cid for cid in orders if cid not in done]
                done.update(zip(rest, await asyncio.gather(*(self.cancel(cid) for cid in rest)),
                                strict=True))
                return [done[cid] for cid in orders]
        except TimeoutError:
            return [CancellationResult(cid, self.orders.orders[cid].state.value == "CANCELED",
                                       None if self.orders.orders[cid].state.value == "CANCELED"
                                       else "timed out") for cid in orders]

    async def _cancel_in_bulk(self, orders: Sequence[str]) -> None:
        for pair in sorted({self.orders.orders[cid].pair for cid in orders}):
            try:
                updates = await self.request_cancel_all(pair)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("bulk cancel on %s failed (%s); cancelling one by one", pair, exc)
                continue
            for update in updates or ():
                await self._apply_update(update)

    @property
    def tracked_orders(self) -> Mapping[str, TrackedOrder]:
        return self.orders.active

    def get_order(self, client_order_id: str) -> TrackedOrder | None:
        return self.orders.orders.get(client_order_id)

    async def _apply_update(self, update: OrderUpdate) -> None:
        """Apply a status report, fetching fills first if the report shows ones we missed."""
        if self.orders.missing_fills(update):
            order = self.orders.find(update.client_order_id, update.exchange_order_id)
            if order is not None:
                try:
                    for fill in await self.request_order_fills(order):
                        self.orders.process_fill(fill)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("could not fetch fills of %s: %s", order.client_order_id, exc)
        self.orders.process_update(update)

    async def poll_order_status(self) -> None:
        """One round of status polling over every active and lost order."""
        watched = [*self.orders.active.values(),
                   *(self.orders.orders[cid] for cid in self.orders.lost)]
        for order in watched:
            if order.client_order_id in self._placing:
                continue
            try:
                update = await self.request_order_status(order)
            except OrderNotFound:
                self.orders.process_not_found(order)
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("status of %s unavailable: %s", order.client_order_id, exc)
                continue
            await self._apply_update(update)

    # account --------------------------------------------------------------------
    async def update_balances(self) -> None:
        balances = await self.request_balances()
        # A full response is the truth: assets it does not mention are gone.
        self._balances = dict(balances)
        self._balances_loaded = True
        self._changed()

    def balances(self) -> Mapping[str, Balance]:
        return dict(self._balances)

    def _apply_balance(self, change: BalanceChange) -> None:
        self._balances[change.asset] = Balance(change.total, change.available)
        self._hub.emit(BalanceUpdated(self.clock.time(), change.asset, change.total,
                                      change.available))

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        return self._hub.subscribe(listener)

    # background work ------------------------------------------------------------
    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=f"{self.name} {name}")
        self._tasks.append(task)

    async def _repeat(self, what: str, action: Callable[[], Awaitable[None]],
                      interval: float) -> None:
        """Run `action` every `interval`; after a failure, retry sooner (reconnect_delay)."""
        while True:
            try:
                await action()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s failed (%s); retrying", what, exc)
                await self.clock.sleep(self.config.reconnect_delay)
                continue
            await self.clock.sleep(interval)

    async def _refresh_markets(self) -> None:
        await self.sync_time()
        await self._load_markets()

    async def _status_polling_loop(self) -> None:
        while True:
            await self.clock.sleep(self.config.poll_interval)
            try:
                await self.poll_order_status()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("status polling round failed")

    async def _stream(self, stream: ManagedStream) -> None:
        await stream.run()

    def _on_market_item(self, item: Any) -> None:
        """One parsed market-stream item (a perpetual base adds funding info)."""
        if isinstance(item, OrderBookDiff):
            self.order_books.on_diff(item)
        elif isinstance(item, OrderBookSnapshot):
            self.order_books.on_snapshot(item)
        else:
            self.order_books.on_trade(item)

    async def _on_user_item(self, item: Any) -> None:
        """One parsed user-stream item (a perpetual base adds positions)."""
        if isinstance(item, Fill):
            self.orders.process_fill(item)
        elif isinstance(item, OrderUpdate):
            await self._apply_update(item)
        else:
            self._apply_balance(item)

    def _market_stream(self) -> ManagedStream:
        async def on_connected(connection: StreamConnection) -> None:
            await self.subscribe_market_stream(connection)
            self.order_books.connected()

        async def on_message(message: Any) -> None:
            for item in self.parse_market_message(message):
                self._on_market_item(item)
            self._changed()

        def on_disconnected() -> None:
            self.order_books.disconnected()

        self.market_stream = ManagedStream(
            "market", url=self.market_stream_url, session=lambda: self.rest.session,
            on_connected=on_connected, on_message=on_message, on_disconnected=on_disconnected,
            clock=self.clock, reconnect_delay=self.config.reconnect_delay)
        return self.market_stream

    def _user_stream(self) -> ManagedStream:
        async def on_connected(connection: StreamConnection) -> None:
            await self.subscribe_user_stream(connection)
            self._user_stream_up = True
            self._changed()

        async def on_message(message: Any) -> None:
            for item in self.parse_user_message(message):
                await self._on_user_item(item)

        def on_disconnected() -> None:
            self._user_stream_up = False

        self.user_stream = ManagedStream(
            "user", url=self.user_stream_url, session=lambda: self.rest.session,
            on_connected=on_connected, on_message=on_message, on_disconnected=on_disconnected,
            clock=self.clock, reconnect_delay=self.config.reconnect_delay)
        return self.user_stream
