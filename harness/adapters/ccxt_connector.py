"""A ccxt exchange (async_support + pro) as a subject of the spot standard.

The manifest names the ccxt exchange and its options (`[adapter] exchange_id`, `ccxt_options`);
the connector is `harness.adapters.ccxt_connector:CcxtSpotConnector` for every exchange.

What ccxt does is what the checks see: markets from `load_markets`, books from
`watch_order_book`, orders placed with `create_order` carrying the standard's client order id
(ccxt's `clientOrderId` param), tracked from `watch_orders` / `watch_my_trades` plus
`fetch_order` polling, balances from `fetch_balance` / `watch_balance`. The adapter only
translates ccxt's answers and exceptions into the standard's events (through the harness'
order tracker, which emits one event per transition); it checks nothing locally, retries
nothing and waits for nothing ccxt does not wait for.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.adapters import ccxt_values as v
from harness.adapters.ccxt_build import build_exchange
from harness.adapters.ccxt_errors import CCXT_REQUIRED, ccxt_module, classify
from harness.base.client_ids import ClientOrderIdFactory
from harness.base.emitter import EventHub
from harness.base.order_tracker import OrderTracker
from harness.standard.api import EventListener, SpotConnector, Unsubscribe
from harness.standard.config import ConnectorConfig
from harness.standard.enums import NetworkStatus, OrderState, OrderType, PositionAction, TradeSide
from harness.standard.events import BalanceUpdated, PublicTradeObserved
from harness.standard.model import Balance, CancellationResult
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBook
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

log = logging.getLogger(__name__)
EARLY_TRADES_KEPT = 1000
_CCXT_TYPES = {OrderType.LIMIT: "limit", OrderType.LIMIT_MAKER: "limit",
               OrderType.MARKET: "market"}


class CcxtSpotConnector(SpotConnector):
    """Any ccxt.pro exchange's spot markets, behind the standard's API."""

    name = "ccxt"

    def __init__(self, config: ConnectorConfig) -> None:
        super().__init__(config)
        ccxt_module()  # fail at construction, with the install command, if ccxt is missing
        self.clock = config.clock
        self.exchange: Any = build_exchange(config)
        self._hub = EventHub()
        self.orders = OrderTracker(self._hub, self.clock, config.lost_order_threshold)
        options = config.options
        self._ids = ClientOrderIdFactory(str(options.get("client_order_id_prefix", "CH-")),
                                         int(options.get("client_order_id_max_length", 36)),
                                         config.session_tag)
        self._rules: dict[TradingPair, TradingRule] = {}
        self._markets: dict[TradingPair, Mapping[str, Any]] = {}
        self._by_id: dict[str, TradingPair] = {}
        self._books = {pair: OrderBook(pair) for pair in config.trading_pairs}
        self._balances: dict[str, Balance] = {}
        self._balances_loaded = False
        self._user_stream_up = False
        self._placing: set[str] = set()
        # Trades ccxt reported for an order id not yet known here (a fill before the
        # placement's answer): applied once an order report names that id.
        self._early_trades: list[Mapping[str, Any]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Event()

    # lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        self._spawn(self._every(self.config.rules_refresh_interval, "markets",
                                self.update_trading_rules))
        self._spawn(self._every(self.config.poll_interval, "balances", self.update_balances))
        self._spawn(self._every(self.config.poll_interval, "status polling",
                                self.poll_order_status, first_wait=True))
        for pair in self.config.trading_pairs:
            self._spawn(self._watch(f"order book {pair}", self._book_update(pair)))
            self._spawn(self._watch(f"trades {pair}", self._public_trades(pair)))
        self._spawn(self._user_stream())

    async def stop(self) -> None:
        self._user_stream_up = False
        for book in self._books.values():
            book.clear()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.exchange.close()

    @property
    def status(self) -> Mapping[str, bool]:
        return {"symbols": bool(self._by_id), "trading_rules": bool(self._rules),
                "balances": self._balances_loaded,
                "order_books": all(book.loaded for book in self._books.values()),
                "user_stream": self._user_stream_up}

    @property
    def ready(self) -> bool:
        return all(self.status.values())

    async def wait_ready(self) -> None:
        while not self.ready:
            self._changed.clear()
            await self._changed.wait()

    async def check_network(self) -> NetworkStatus:
        try:
            # The manifest may name the exchange's own connectivity test (Binance: /ping);
            # ccxt's unified fetch_time asks for the server time otherwise.
            await getattr(self.exchange, str(self.config.options.get("network_check",
                                                                      "fetch_time")))()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("network check failed: %s", exc)
            return NetworkStatus.NOT_CONNECTED
        return NetworkStatus.CONNECTED

    # markets ---------------------------------------------------------------------
    async def fetch_trading_pairs(self) -> list[TradingPair]:
        try:
            await self.update_trading_rules()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("could not fetch trading pairs: %s", exc)
            return []
        return sorted(pair for pair, market in self._markets.items() if market.get("active"))

    async def update_trading_rules(self) -> None:
        markets = await self.exchange.load_markets(reload=True)
        spot = {}
        for market in markets.values():
            if not market.get("spot"):
                continue
            try:
                spot[v.pair_of(market)] = market
            except ValueError as exc:
                log.error("skipped market %s: %s", market.get("symbol"), exc)
        self._markets = spot
        self._by_id = {str(m["id"]): pair for pair, m in spot.items() if m.get("active")}
        self._rules = {pair: v.trading_rule(m, self.exchange.precisionMode)
                       for pair, m in spot.items()}
        self._changed.set()

    @property
    def trading_rules(self) -> Mapping[TradingPair, TradingRule]:
        return dict(self._rules)

    def exchange_symbol(self, pair: TradingPair) -> str:
        return str(self._markets[pair]["id"])

    def trading_pair(self, symbol: str) -> TradingPair:
        return self._by_id[symbol]

    def _symbol(self, pair: TradingPair) -> str:
        """ccxt's unified symbol (BTC/USDT) for a pair."""
        market = self._markets.get(pair)
        return str(market["symbol"]) if market else f"{pair.base}/{pair.quote}"

    def quantize_price(self, pair: TradingPair, price: Decimal) -> Decimal:
        return Decimal(self.exchange.price_to_precision(self._symbol(pair), str(price)))

    def quantize_amount(self, pair: TradingPair, amount: Decimal) -> Decimal:
        return Decimal(self.exchange.amount_to_precision(self._symbol(pair), str(amount)))

    def order_book(self, pair: TradingPair) -> OrderBook:
        return self._books[pair]

    async def get_last_traded_prices(self, pairs: Sequence[TradingPair]
                                     ) -> dict[TradingPair, Decimal]:
        prices = await self.exchange.fetch_last_prices([self._symbol(p) for p in pairs])
        wanted = {self._symbol(p): p for p in pairs}
        return {wanted[symbol]: v.dec0(entry.get("price"))
                for symbol, entry in prices.items() if symbol in wanted}

    # orders ----------------------------------------------------------------------
    async def place_order(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                          amount: Decimal, price: Decimal | None = None,
                          position_action: PositionAction = PositionAction.NIL) -> str:
        client_id = self._ids.new("B" if side is TradeSide.BUY else "S")
        # Tracked on the terms ccxt will send: its own amount_to_precision / price_to_precision.
        order = TrackedOrder(client_id, pair, side, order_type, self._sent(self.quantize_amount,
                             pair, amount), price and self._sent(self.quantize_price, pair, price),
                             self.clock.time(), position_action)
        self.orders.start_tracking(order)
        params: dict[str, Any] = {"clientOrderId": client_id}
        if order_type is OrderType.LIMIT_MAKER:
            params["postOnly"] = True
        self._placing.add(client_id)
        try:
            placed = await self.exchange.create_order(
                self._symbol(pair), _CCXT_TYPES[order_type], side.value.lower(),
                float(amount), float(price) if price is not None else None, params)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if classify(exc) == "unknown":
                log.warning("order %s: outcome unknown (%s: %s); status polling will settle it",
                            client_id, type(exc).__name__, exc)
            else:
                self.orders.fail(order, f"{type(exc).__name__}: {exc}",
                                 request_sent=classify(exc) != "local")
        else:
            self._apply_order(placed, order)
        finally:
            self._placing.discard(client_id)
        return client_id

    def _sent(self, quantize: Callable[[TradingPair, Decimal], Decimal], pair: TradingPair,
              value: Decimal) -> Decimal:
        """`value` as ccxt will send it; as given when ccxt cannot say (it then refuses the
        order itself, and that refusal is what the events report)."""
        try:
            return quantize(pair, value)
        except Exception:
            return value

    async def cancel(self, client_order_id: str) -> CancellationResult:
        order = self.orders.orders.get(client_order_id)
        if order is None:
            return CancellationResult(client_order_id, False, "not an order this connector placed")
        if order.is_terminal:
            return CancellationResult(client_order_id, False, f"already {order.state.value}")
        self.orders.begin_cancel(order)
        try:
            answer = await self.exchange.cancel_order(
                order.exchange_order_id or "", self._symbol(order.pair),
                {} if order.exchange_order_id else {"clientOrderId": client_order_id})
        except asyncio.CancelledError:
            self.orders.cancel_refused(order)
            raise
        except Exception as exc:
            self.orders.cancel_refused(order)
            if classify(exc) == "not_found":
                self.orders.process_not_found(order)
                return CancellationResult(client_order_id, False, f"not found: {exc}")
            return CancellationResult(client_order_id, False, f"{type(exc).__name__}: {exc}")
        self._apply_order(answer, order)
        cancelled = order.state is OrderState.CANCELED
        return CancellationResult(client_order_id, cancelled,
                                  None if cancelled else f"order is {order.state.value}")

    async def cancel_all(self, timeout: float) -> list[CancellationResult]:
        active = list(self.orders.active)
        if not active:
            return []
        try:
            async with asyncio.timeout(timeout):
                results = await asyncio.gather(*(self.cancel(cid) for cid in active))
                return list(results)
        except TimeoutError:
            return [CancellationResult(cid, self.orders.orders[cid].state is OrderState.CANCELED,
                                       None if self.orders.orders[cid].state
                                       is OrderState.CANCELED else "timed out")
                    for cid in active]

    @property
    def tracked_orders(self) -> Mapping[str, TrackedOrder]:
        return self.orders.active

    def get_order(self, client_order_id: str) -> TrackedOrder | None:
        return self.orders.orders.get(client_order_id)

    def _apply_order(self, answer: Mapping[str, Any], order: TrackedOrder | None = None) -> None:
        """One of ccxt's order structures: its trades as fills, then its status."""
        order = order or self.orders.find(answer.get("clientOrderId"),
                                          v.text(answer.get("id")))
        if order is None:
            return
        now = self.clock.time()
        if answer.get("id") is not None and order.exchange_order_id is None:
            order.exchange_order_id = str(answer["id"])
        early = [t for t in self._early_trades
                 if v.text(t.get("order")) == order.exchange_order_id]
        self._early_trades = [t for t in self._early_trades if t not in early]
        # A trade in an order's answer may carry no time (Binance's FULL placement fills):
        # it happened when the exchange says the order did, not when we read it.
        stamp = answer.get("timestamp")
        traded_at = stamp / 1000 if isinstance(stamp, int | float) and stamp else now
        for trade in [*early, *(answer.get("trades") or ())]:
            if trade.get("id") is not None:
                self.orders.process_fill(v.fill({**trade, "side": trade.get("side")
                                                 or order.side.value.lower()},
                                                order.client_order_id, order.pair, traded_at))
        update = v.order_update(answer, now)
        # The order is ours, whatever id ccxt's structure carries (a cancel's is its own).
        self.orders.process_update(dataclasses.replace(
            update, client_order_id=order.client_order_id,
            exchange_order_id=update.exchange_order_id or order.exchange_order_id))

    async def _fetch_fills(self, order: TrackedOrder) -> None:
        """Fills the order's status shows that no stream or response brought: myTrades."""
        if order.exchange_order_id is None:
            return
        trades = await self.exchange.fetch_my_trades(
            self._symbol(order.pair), None, None, {"orderId": order.exchange_order_id})
        now = self.clock.time()
        for trade in trades:
            if str(trade.get("order")) == order.exchange_order_id:
                self.orders.process_fill(v.fill(trade, order.client_order_id, order.pair, now))

    async def poll_order_status(self) -> None:
        """One round of fetch_order over every active and lost order."""
        watched = [*self.orders.active.values(),
                   *(self.orders.orders[cid] for cid in self.orders.lost)]
        for order in watched:
            if order.client_order_id in self._placing:
                continue
            try:
                answer = await self.exchange.fetch_order(
                    order.exchange_order_id or "", self._symbol(order.pair),
                    {} if order.exchange_order_id else {"clientOrderId": order.client_order_id})
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if classify(exc) == "not_found":
                    self.orders.process_not_found(order)
                else:
                    log.warning("status of %s unavailable: %s", order.client_order_id, exc)
                continue
            update = v.order_update(answer, self.clock.time())
            if order.exchange_order_id is None and update.exchange_order_id:
                order.exchange_order_id = update.exchange_order_id
            if update.executed_amount is not None and update.executed_amount > \
                    order.executed_amount:
                try:
                    await self._fetch_fills(order)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("could not fetch fills of %s: %s", order.client_order_id, exc)
            self._apply_order(answer, order)

    # account ---------------------------------------------------------------------
    async def update_balances(self) -> None:
        self._balances = v.balances(await self.exchange.fetch_balance())
        self._balances_loaded = True
        self._changed.set()

    def balances(self) -> Mapping[str, Balance]:
        return dict(self._balances)

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        return self._hub.subscribe(listener)

    # streams ---------------------------------------------------------------------
    def _book_update(self, pair: TradingPair) -> Callable[[], Awaitable[None]]:
        async def update() -> None:
            book = await self.exchange.watch_order_book(self._symbol(pair))
            self._books[pair].apply_snapshot(v.book_snapshot(book, pair))
            self._changed.set()
        return update

    def _public_trades(self, pair: TradingPair) -> Callable[[], Awaitable[None]]:
        async def update() -> None:
            for trade in await self.exchange.watch_trades(self._symbol(pair)):
                timestamp = trade.get("timestamp")
                self._hub.emit(PublicTradeObserved(
                    timestamp / 1000 if timestamp else self.clock.time(), pair,
                    str(trade.get("id")), v.dec0(trade.get("price")), v.dec0(trade.get("amount"))))
        return update

    async def _user_stream(self) -> None:
        authenticate = getattr(self.exchange, "authenticate", None)
        while True:
            try:
                if self.exchange.markets is None:
                    await self.exchange.load_markets()
                if authenticate is not None:
                    await authenticate({"type": "spot"})
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("user stream: %s: %s", type(exc).__name__, exc)
                await self.clock.sleep(self.config.reconnect_delay)
        self._user_stream_up = True
        self._changed.set()
        self._spawn(self._watch("orders", self._orders_update))
        self._spawn(self._watch("my trades", self._trades_update))
        self._spawn(self._watch("balance", self._balance_update))

    async def _orders_update(self) -> None:
        for answer in await self.exchange.watch_orders():
            self._apply_order(answer)

    async def _trades_update(self) -> None:
        now = self.clock.time()
        for trade in await self.exchange.watch_my_trades():
            order = self.orders.find(trade.get("clientOrderId"), v.text(trade.get("order")))
            if order is not None:
                self.orders.process_fill(v.fill(trade, order.client_order_id, order.pair, now))
            elif len(self._early_trades) < EARLY_TRADES_KEPT:
                self._early_trades.append(trade)

    async def _balance_update(self) -> None:
        balance = await self.exchange.watch_balance()
        for asset, value in v.balances(balance).items():
            if self._balances.get(asset) != value:
                self._balances[asset] = value
                self._hub.emit(BalanceUpdated(self.clock.time(), asset, value.total,
                                              value.available))

    # background work -------------------------------------------------------------
    def _spawn(self, coro: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    async def _watch(self, what: str, update: Callable[[], Awaitable[None]]) -> None:
        """Call a ccxt watch_* step forever; ccxt reconnects itself, errors are logged."""
        while True:
            try:
                await update()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s: %s: %s", what, type(exc).__name__, exc)
                await self.clock.sleep(self.config.reconnect_delay)

    async def _every(self, interval: float, what: str, action: Callable[[], Awaitable[None]],
                     *, first_wait: bool = False) -> None:
        if first_wait:
            await self.clock.sleep(interval)
        while True:
            try:
                await action()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Retried sooner, as the reference base does: a market load that failed at
                # start (a 503) must not wait a whole rules-refresh interval.
                log.warning("%s failed: %s: %s", what, type(exc).__name__, exc)
                await self.clock.sleep(min(interval, self.config.reconnect_delay))
                continue
            await self.clock.sleep(interval)


__all__ = ["CCXT_REQUIRED", "CcxtSpotConnector"]
