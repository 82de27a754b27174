"""State and mechanics of the in-memory exchange: placement, matching, money, events.

`Exchange` (exchange.py) is the public face; this module holds what every operation shares,
so each file stays one concept: the engine commits changes and closes each operation by
emitting its events, the exchange decides which changes an operation makes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from harness.double.accounts import Account
from harness.double.book import Book, opposite
from harness.double.events import (
    BalancesChanged,
    BookDelta,
    ExchangeEvent,
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderTraded,
    PublicTrade,
)
from harness.double.market import MarketSpec, is_multiple
from harness.double.matching import plan_take
from harness.double.orders import (
    Order,
    OrderStatus,
    Rejection,
    RejectReason,
    TimeInForce,
    Trade,
)
from harness.double.settlement import Settled, locked_asset, release_all, settle_fill
from harness.double.validation import check_order
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

Clock = Callable[[], int]
Listener = Callable[[ExchangeEvent], None]
_ZERO = Decimal(0)


def wall_clock_ms() -> int:
    """The default exchange clock: wall time in ms."""
    return time.time_ns() // 1_000_000


class Engine:
    """Markets, account, books, orders and the pending events of the current operation."""

    def __init__(self, clock: Clock = wall_clock_ms, *, first_order_id: int = 1) -> None:
        self._clock = clock
        self._first_order_id = first_order_id
        self._listeners: list[Listener] = []
        self._markets: dict[TradingPair, MarketSpec] = {}
        self._by_symbol: dict[str, TradingPair] = {}
        self._account = Account()
        self.reset()

    def reset(self, *, keep_markets: bool = True) -> None:
        """Forget orders, trades, balances, books and history; keep subscribers (and markets).

        Meant for reusing one running server between property-test examples.
        """
        if not keep_markets:
            self._markets.clear()
            self._by_symbol.clear()
        self._account.reset()
        self._books: dict[TradingPair, Book] = {pair: Book() for pair in self._markets}
        self._orders: dict[int, Order] = {}
        self._open: dict[int, None] = {}
        self._by_client: dict[str, int] = {}
        self._trades: dict[int, list[Trade]] = {}
        self._trade_ids: dict[TradingPair, int] = {}
        self._last_price: dict[TradingPair, Decimal] = {}
        self._next_order_id = self._first_order_id
        self._seq = 0
        self._pending: list[ExchangeEvent] = []
        self._dirty_books: dict[TradingPair, None] = {}
        self._uncompletable: set[int] = set()
        self.history: list[ExchangeEvent] = []

    # -- internals: placement ------------------------------------------------------------

    def _place(self, client_order_id: str, pair: TradingPair, side: TradeSide,
               order_type: OrderType, qty: Decimal | None, price: Decimal | None,
               quote_qty: Decimal | None, tif: TimeInForce | None) -> Order | Rejection:
        spec = self._markets.get(pair)
        if spec is None:
            return Rejection(RejectReason.UNKNOWN_SYMBOL, f"no market {pair}")
        book = self._books[pair]
        reference = book.best(opposite(side)) if order_type is OrderType.MARKET else None
        rejection = check_order(spec, order_type, qty, quote_qty, price, tif, reference)
        if rejection is not None:
            return rejection
        if order_type is OrderType.LIMIT and tif is None:
            tif = TimeInForce.GTC
        known = self._by_client.get(client_order_id)
        if known is not None and known in self._open:
            return Rejection(RejectReason.DUPLICATE_CLIENT_ID,
                             f"client order id {client_order_id!r} is already open")
        if order_type is OrderType.LIMIT_MAKER and book.crosses(side, price):
            return Rejection(RejectReason.WOULD_TAKE, "LIMIT_MAKER order would trade at once")
        lock, qty, short = self._lock_and_qty(spec, book, side, order_type, qty, price,
                                              quote_qty)
        if qty <= 0:
            return Rejection(RejectReason.NO_LIQUIDITY, f"no liquidity to take on {pair}")
        if quote_qty is not None and qty < spec.min_qty:
            return Rejection(RejectReason.LOT_SIZE,
                             f"the book gives {qty} for {quote_qty}, below the minimum "
                             f"quantity {spec.min_qty}")
        asset = locked_asset(spec, side)
        if self._account.free(asset) < lock:
            return Rejection(RejectReason.INSUFFICIENT_BALANCE,
                             f"needs {lock} {asset}, free {self._account.free(asset)}")
        return self._accept(spec, client_order_id, side, order_type, qty, price, quote_qty,
                            tif, lock, short)

    def _lock_and_qty(self, spec: MarketSpec, book: Book, side: TradeSide,
                      order_type: OrderType, qty: Decimal | None, price: Decimal | None,
                      quote_qty: Decimal | None) -> tuple[Decimal, Decimal, bool]:
        """(amount to lock, base quantity of the order, whether the book falls short of a
        quote-quantity order)."""
        if order_type is not OrderType.MARKET:
            assert qty is not None and price is not None
            return (price * qty if side is TradeSide.BUY else qty), qty, False
        plan = plan_take(book, side, None, qty=qty, quote_qty=quote_qty, step=spec.step_size)
        if quote_qty is not None:
            lock = quote_qty if side is TradeSide.BUY else plan.qty
            return lock, plan.qty, plan.exhausted
        assert qty is not None
        # A market buy by quantity locks what the book will cost; a sell locks what it sells.
        lock = plan.quote if side is TradeSide.BUY else qty
        return lock, (qty if plan.qty else _ZERO), False

    def _accept(self, spec: MarketSpec, client_order_id: str, side: TradeSide,
                order_type: OrderType, qty: Decimal, price: Decimal | None,
                quote_qty: Decimal | None, tif: TimeInForce | None, lock: Decimal,
                short: bool) -> Order:
        now = self._clock()
        order_id = self._next_order_id
        self._next_order_id += 1
        order = Order(order_id, client_order_id, spec.pair, side, order_type, qty, price,
                      quote_qty, tif, OrderStatus.NEW, _ZERO, _ZERO, lock, now, now)
        self._orders[order_id] = order
        self._open[order_id] = None
        self._by_client[client_order_id] = order_id
        self._trades[order_id] = []
        self._account.lock(locked_asset(spec, side), lock)
        self._emit(OrderAccepted(self._next_seq(), now, order))
        book = self._books[spec.pair]
        fok_short = tif is TimeInForce.FOK and plan_take(book, side, price, qty=qty).exhausted
        if short:
            # The book cannot spend the whole quote: trade all it has, then expire.
            self._uncompletable.add(order_id)
        if not fok_short:
            self._take(spec.pair, side, price, qty, order_id)
        self._uncompletable.discard(order_id)
        order = self._orders[order_id]
        if order.is_open:
            if order_type is OrderType.MARKET or tif in (TimeInForce.IOC, TimeInForce.FOK):
                order = self._finish(order, OrderStatus.EXPIRED)
            else:
                assert price is not None
                book.add(side, price, order.remaining, order_id)
                self._dirty_books[spec.pair] = None
        return order

    # -- internals: matching and money ---------------------------------------------------

    def _take(self, pair: TradingPair, side: TradeSide, price: Decimal | None, qty: Decimal,
              order_id: int | None) -> Decimal:
        """Match `qty` against the book for our order `order_id` (None: another
        participant's order). Returns the quantity matched."""
        book = self._books[pair]
        taken = _ZERO
        while taken < qty:
            entry = next(book.matches(side, price), None)
            if entry is None:
                break
            take = min(entry.qty, qty - taken)
            maker_id, at = entry.order_id, entry.price
            trade_id = self._next_trade_id(pair)
            book.reduce(entry, take)
            self._dirty_books[pair] = None
            if order_id is not None:
                self._fill(order_id, at, take, False, trade_id)
            if maker_id is not None:
                self._fill(maker_id, at, take, True, trade_id)
            self._public_trade(pair, trade_id, at, take, side)
            taken += take
        return taken

    def _fill(self, order_id: int, price: Decimal, qty: Decimal, is_maker: bool,
              trade_id: int) -> None:
        order = self._orders[order_id]
        spec = self._markets[order.pair]
        now = self._clock()
        settled = self._settle(spec, order, price, qty, is_maker, now,
                               may_complete=order_id not in self._uncompletable)
        order = self._orders[order_id] = settled.order
        if not order.is_open:
            self._open.pop(order_id, None)
        trade = Trade(trade_id, order_id, order.client_order_id, order.pair, order.side, price,
                      qty, settled.fee, settled.fee_asset, is_maker, now)
        self._trades[order_id].append(trade)
        self._emit(OrderTraded(self._next_seq(), now, order, trade))

    def _settle(self, spec: MarketSpec, order: Order, price: Decimal, qty: Decimal,
                is_maker: bool, now: int, *, may_complete: bool) -> Settled:
        """The money of one fill (spot: settle_fill); a perpetual exchange moves margin and
        positions instead (harness.double.perpetual)."""
        return settle_fill(self._account, spec, order, price, qty, is_maker, now,
                           may_complete=may_complete)

    def _public_trade(self, pair: TradingPair, trade_id: int, price: Decimal, qty: Decimal,
                      taker_side: TradeSide) -> None:
        self._last_price[pair] = price
        self._emit(PublicTrade(self._next_seq(), self._clock(), pair, trade_id, price, qty,
                               taker_side))

    def _finish(self, order: Order, status: OrderStatus) -> Order:
        book = self._books[order.pair]
        entry = book.entry_of(order.order_id)
        if entry is not None:
            book.remove(entry)
            self._dirty_books[order.pair] = None
        now = self._clock()
        order = release_all(self._account, self._markets[order.pair], order, status, now)
        self._orders[order.order_id] = order
        self._open.pop(order.order_id, None)
        event = OrderCanceled if status is OrderStatus.CANCELED else OrderExpired
        self._emit(event(self._next_seq(), now, order))
        return order

    def _seed(self, pair: TradingPair, side: TradeSide, price: Decimal, qty: Decimal) -> Decimal:
        spec = self._spec(pair)
        if price <= 0 or qty <= 0 or not is_multiple(price, spec.tick_size) \
                or not is_multiple(qty, spec.step_size):
            raise ValueError(
                f"seeded liquidity {qty}@{price} on {pair} must be positive multiples of "
                f"step {spec.step_size} and tick {spec.tick_size}")
        rest = qty - self._take(pair, side, price, qty, None)
        if rest > 0:
            self._books[pair].add(side, price, rest)
            self._dirty_books[pair] = None
        return rest

    # -- internals: lookups, ids, events -------------------------------------------------

    def _spec(self, pair: TradingPair) -> MarketSpec:
        spec = self._markets.get(pair)
        if spec is None:
            raise KeyError(f"no market {pair}; add it with Exchange.add_market(MarketSpec(...))")
        return spec

    def _book(self, pair: TradingPair) -> Book:
        self._spec(pair)
        return self._books[pair]

    def _lookup(self, order_id: int | None, client_order_id: str | None,
                pair: TradingPair | None) -> Order | Rejection:
        if order_id is None and client_order_id is None:
            return Rejection(RejectReason.NOT_FOUND, "neither order id nor client order id given")
        if order_id is None:
            assert client_order_id is not None
            order_id = self._by_client.get(client_order_id)
        order = self._orders.get(order_id) if order_id is not None else None
        if order is None or (pair is not None and order.pair != pair) or (
                client_order_id is not None and order.client_order_id != client_order_id):
            return Rejection(RejectReason.NOT_FOUND,
                             f"no order id={order_id} client id={client_order_id!r}")
        return order

    def _find_open(self, order_id: int | None, client_order_id: str | None,
                   pair: TradingPair | None) -> Order | Rejection:
        found = self._lookup(order_id, client_order_id, pair)
        if isinstance(found, Order) and not found.is_open:
            return Rejection(RejectReason.NOT_OPEN,
                             f"order {found.order_id} is already {found.status.value}")
        return found

    def _next_trade_id(self, pair: TradingPair) -> int:
        self._trade_ids[pair] = trade_id = self._trade_ids.get(pair, 0) + 1
        return trade_id

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _emit(self, event: ExchangeEvent) -> None:
        self._pending.append(event)

    def _flush(self) -> None:
        """Close the operation: add BalancesChanged and BookDeltas, then tell subscribers."""
        touched = self._account.take_touched()
        now = self._clock()
        if touched:
            self._emit(BalancesChanged(self._next_seq(), now, touched))
        for pair in self._dirty_books:
            delta = self._books[pair].take_delta()
            if delta is not None:
                first, last, bids, asks = delta
                self._emit(BookDelta(self._next_seq(), now, pair, first, last, bids, asks))
        self._dirty_books.clear()
        events, self._pending = self._pending, []
        self.history.extend(events)
        for event in events:
            for listener in tuple(self._listeners):
                listener(event)
