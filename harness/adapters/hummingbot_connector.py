"""A Hummingbot spot connector (any ExchangePyBase subclass) as a subject of the spot standard.

The manifest names Hummingbot's class and how its constructor takes the credentials
(`[adapter] connector_class`, `credentials`, `connector_args`); the connector is
`harness.adapters.hummingbot_connector:HummingbotSpotConnector` for every exchange.

What Hummingbot does is what the checks see: it starts with `start_network()` (what its
NetworkIterator does once its network check passes) and is ticked the way its own Clock ticks
it, on whole seconds of the harness clock (`_set_current_timestamp`, then `tick`), which is
what sets its event timestamps and wakes its status polling. Orders are placed with the
standard's client order id through `_create_order`, the coroutine Hummingbot's `buy`/`sell`
schedule, awaited so that `place_order` returns once the exchange answered. Cancels go through
`_execute_cancel` and `cancel_all`; books, rules, balances and orders are read from
Hummingbot's own state. Events: harness/adapters/hummingbot_events.py. Time, sessions and
routing: harness/adapters/hummingbot_runtime.py.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import math
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

from harness.adapters import hummingbot_runtime as rt
from harness.adapters import hummingbot_values as v
from harness.adapters.hummingbot_events import EventForwarder
from harness.base.client_ids import ClientOrderIdFactory
from harness.base.emitter import EventHub
from harness.standard.api import EventListener, SpotConnector, Unsubscribe
from harness.standard.config import ConnectorConfig
from harness.standard.enums import NetworkStatus, OrderType, PositionAction, TradeSide
from harness.standard.model import Balance, CancellationResult
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBook
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

log = logging.getLogger(__name__)
TICK_SIZE = 1.0  # Hummingbot's Clock default: one tick per second
# Hummingbot's status_dict keys -> the standard's readiness parts.
_STATUS = {"symbols_mapping_initialized": "symbols", "trading_rule_initialized": "trading_rules",
           "account_balance": "balances", "order_books_initialized": "order_books",
           "user_stream_initialized": "user_stream"}
HUMMINGBOT_REQUIRED = rt.HUMMINGBOT_REQUIRED


class HummingbotSpotConnector(SpotConnector):
    """Any Hummingbot spot connector, behind the standard's API."""

    name = "hummingbot"

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        options = config.options
        hb_class = rt.hummingbot_class(options.get("connector_class"))
        credentials = options.get("credentials")
        if not (isinstance(credentials, list) and len(credentials) == 2):
            raise rt.AdapterConfigError("[adapter] credentials: name the constructor's API key "
                                        "and secret parameters, e.g. [\"binance_api_key\", "
                                        "\"binance_api_secret\"]")
        self.clock = config.clock
        common = importlib.import_module("hummingbot.core.data_type.common")
        self._order_types, self._trade_types = common.OrderType, common.TradeType
        # Every connection Hummingbot makes goes through the session given here (on
        # loopback); Hummingbot's clock and sleeps run on the harness clock until stop().
        self._factory = rt.fresh_connections(rt.LoopbackSession(
            dict(options.get("production_urls", {})), config.urls))
        self._stack = ExitStack()
        self._stack.callback(rt.bind_clock(self.clock))
        self.hb: Any = hb_class(**{credentials[0]: config.api_key,
                                   credentials[1]: config.api_secret},
                                trading_pairs=[str(pair) for pair in config.trading_pairs],
                                trading_required=True, **dict(options.get("connector_args", {})))
        self._hub = EventHub()
        self._events = EventForwarder(self.hb, self._hub, self.clock)
        self._ids = ClientOrderIdFactory(str(self.hb.client_order_id_prefix),
                                         int(self.hb.client_order_id_max_length),
                                         config.session_tag)
        self._pending: set[asyncio.Future[Any]] = set()
        self._follow_order_updates()
        self._wrap_place_order()
        self._symbols: dict[str, str] = {}
        self._ticker: asyncio.Task[None] | None = None

    def _follow_order_updates(self) -> None:
        """Keep the tasks Hummingbot schedules to process each order update (its tracker
        processes them asynchronously), so an operation can wait for its own to be done."""
        tracker = self.hb._order_tracker
        process = tracker.process_order_update
        pending = self._pending

        def process_order_update(order_update: Any) -> Any:
            future = process(order_update)
            if isinstance(future, asyncio.Future):
                pending.add(future)
                future.add_done_callback(pending.discard)
            return future

        tracker.process_order_update = process_order_update

    async def _settled(self) -> None:
        """Wait until Hummingbot has processed the order updates it has scheduled."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _wrap_place_order(self) -> None:
        """Note which orders Hummingbot sent a request for (OrderFailed.request_sent)."""
        place = self.hb._place_order
        sent = self._events.sent

        async def _place_order(order_id: str, *args: Any, **kwargs: Any) -> Any:
            sent.add(order_id)
            return await place(order_id, *args, **kwargs)

        self.hb._place_order = _place_order

    # lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        self._tick(self._whole_second())
        await self.hb.start_network()
        self._ticker = asyncio.ensure_future(self._run_clock())

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        try:
            await self.hb.stop_network()
        finally:
            await self._factory.close()
            self._stack.close()

    def _whole_second(self) -> float:
        return math.floor(self.clock.time() / TICK_SIZE) * TICK_SIZE

    def _tick(self, timestamp: float) -> None:
        self.hb._set_current_timestamp(timestamp)
        self.hb.tick(timestamp)
        self._events.observe()

    async def _run_clock(self) -> None:
        """Hummingbot's Clock.run on the harness clock: a tick on every whole second."""
        while True:
            now = self.clock.time()
            following = self._whole_second() + TICK_SIZE
            await self.clock.sleep(following - now)
            try:
                self._tick(following)
                await self._read_symbols()
            except Exception:
                log.exception("Hummingbot tick failed")

    @property
    def status(self) -> Mapping[str, bool]:
        return {_STATUS.get(key, key): bool(value) for key, value in
                self.hb.status_dict.items()}

    @property
    def ready(self) -> bool:
        return bool(self.hb.ready)

    async def wait_ready(self) -> None:
        while not self.ready:
            await asyncio.sleep(0.01)
        await self._read_symbols()
        self._events.observe()

    async def check_network(self) -> NetworkStatus:
        # As Hummingbot's NetworkIterator asks it: bounded by its own check_network_timeout.
        try:
            status = await asyncio.wait_for(self.hb.check_network(), rt.loop_seconds(
                self.clock, self.hb.check_network_timeout))
        except TimeoutError:
            return NetworkStatus.NOT_CONNECTED
        return NetworkStatus(status.name) if status.name in NetworkStatus.__members__ \
            else NetworkStatus.NOT_CONNECTED

    # markets ---------------------------------------------------------------------
    async def fetch_trading_pairs(self) -> list[TradingPair]:
        pairs = await self.hb.all_trading_pairs()
        await self._read_symbols()
        return sorted(v.pair(p) for p in pairs)

    async def _read_symbols(self) -> None:
        """Hummingbot's symbol map (exchange symbol -> pair), once it has one: its lookups are
        coroutines, the standard's are not."""
        if self.hb.trading_pair_symbol_map_ready():
            self._symbols = dict(await self.hb.trading_pair_symbol_map())

    def exchange_symbol(self, pair: TradingPair) -> str:
        found = [symbol for symbol, name in self._symbols.items() if name == str(pair)]
        if not found:
            raise KeyError(str(pair))
        return str(found[0])

    def trading_pair(self, symbol: str) -> TradingPair:
        return v.pair(self._symbols[symbol])

    async def update_trading_rules(self) -> None:
        await self.hb._update_trading_rules()
        await self._read_symbols()

    @property
    def trading_rules(self) -> Mapping[TradingPair, TradingRule]:
        return {v.pair(name): v.trading_rule(rule) for name, rule in
                dict(self.hb.trading_rules).items()}

    def quantize_price(self, pair: TradingPair, price: Decimal) -> Decimal:
        return Decimal(self.hb.quantize_order_price(str(pair), price))

    def quantize_amount(self, pair: TradingPair, amount: Decimal) -> Decimal:
        return Decimal(self.hb.quantize_order_amount(str(pair), amount))

    def order_book(self, pair: TradingPair) -> OrderBook:
        """A copy of Hummingbot's book for `pair` as it is now (not loaded if it has none)."""
        book = OrderBook(pair)
        hb_book = dict(self.hb.order_books).get(str(pair))
        if hb_book is not None and (hb_book.snapshot_uid or hb_book.last_diff_uid):
            book.apply_snapshot(v.book_snapshot(
                pair, hb_book.bid_entries(), hb_book.ask_entries(),
                max(hb_book.snapshot_uid, hb_book.last_diff_uid), self.clock.time()))
        return book

    async def get_last_traded_prices(self, pairs: Sequence[TradingPair]
                                     ) -> dict[TradingPair, Decimal]:
        prices = await self.hb.get_last_traded_prices([str(p) for p in pairs])
        return {v.pair(name): v.decimal(price) for name, price in dict(prices).items()}

    # orders ----------------------------------------------------------------------
    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.NIL) -> str:
        client_id = self._ids.new("B" if side is TradeSide.BUY else "S")
        try:
            await self._create(client_id, pair, side, order_type, amount, price)
        except Exception:
            # Hummingbot's buy()/sell() run _create_order as a task whose exception is only
            # logged (safe_ensure_future); the order then stays as Hummingbot left it.
            log.exception("Hummingbot's _create_order raised for %s", client_id)
        await self._settled()
        return client_id

    async def _create(self, client_id: str, pair: TradingPair, side: TradeSide,
                      order_type: OrderType, amount: Decimal, price: Decimal | None) -> None:
        await self.hb._create_order(
            trade_type=self._trade_types[side.value], order_id=client_id,
            trading_pair=str(pair), amount=amount,
            order_type=self._order_types[order_type.value],
            price=Decimal("NaN") if price is None else price)

    async def cancel(self, client_order_id: str) -> CancellationResult:
        order = self.hb._order_tracker.fetch_order(client_order_id=client_order_id)
        if order is None:
            return CancellationResult(client_order_id, False, "not an order this connector placed")
        if order.is_done:
            return CancellationResult(client_order_id, False,
                                      f"already {v.state(order.current_state).value}")
        cancelled = await self.hb._execute_cancel(order.trading_pair, client_order_id)
        await self._settled()
        if cancelled is not None:
            return CancellationResult(client_order_id, True)
        return CancellationResult(client_order_id, False,
                                  f"order is {v.state(order.current_state).value}")

    async def cancel_all(self, timeout: float) -> list[CancellationResult]:
        results = await self.hb.cancel_all(timeout)
        await self._settled()
        return [CancellationResult(str(r.order_id), bool(r.success),
                                   None if r.success else "not cancelled") for r in results]

    @property
    def tracked_orders(self) -> Mapping[str, TrackedOrder]:
        now = self.clock.time()
        return {cid: v.tracked_order(order, now)
                for cid, order in dict(self.hb.in_flight_orders).items() if not order.is_done}

    def get_order(self, client_order_id: str) -> TrackedOrder | None:
        order = self.hb._order_tracker.all_orders.get(client_order_id)
        return None if order is None else v.tracked_order(order, self.clock.time())

    # account ---------------------------------------------------------------------
    async def update_balances(self) -> None:
        await self.hb._update_balances()
        self._events.observe()

    def balances(self) -> Mapping[str, Balance]:
        return v.balances(self.hb.get_all_balances(), self.hb.available_balances)

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        return self._hub.subscribe(listener)


__all__ = ["HUMMINGBOT_REQUIRED", "HummingbotSpotConnector"]
