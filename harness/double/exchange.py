"""The exchange-neutral in-memory exchange that every connector's exchange double renders.

One account, any number of markets, price-time priority books holding our orders and the
liquidity of "other participants" the harness seeds. Every operation is synchronous and
emits its events (see `harness.double.events`) to subscribers once it is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from harness.double.book import Book, Level, opposite
from harness.double.engine import Engine, Listener
from harness.double.events import AssetBalance, BalanceDelta, OrderRejected
from harness.double.market import MarketSpec, MarketStatus
from harness.double.orders import Order, OrderStatus, Rejection, TimeInForce, Trade
from harness.standard.enums import OrderType, TradeSide
from harness.standard.order_book import OrderBookSnapshot
from harness.standard.pair import TradingPair

_ZERO = Decimal(0)


class Exchange(Engine):
    """In-memory spot exchange with one trading account.

    >>> ex = Exchange(clock=lambda: 1_000)
    >>> pair = TradingPair("BTC", "USDT")
    >>> ex.add_market(MarketSpec(pair, "BTCUSDT", Decimal("0.01"), Decimal("0.001")))
    >>> ex.set_balance("USDT", Decimal("100"))
    >>> _ = ex.seed_liquidity(pair, TradeSide.SELL, Decimal("20"), Decimal("2"))
    >>> ex.place("c1", pair, TradeSide.BUY, OrderType.MARKET, Decimal("1")).status
    <OrderStatus.FILLED: 'FILLED'>
    >>> ex.balance("BTC").free, ex.balance("USDT").free
    (Decimal('1'), Decimal('80'))
    """

    def add_market(self, spec: MarketSpec) -> None:
        """Add a market, or replace its spec (its book and orders stay)."""
        old = self._markets.get(spec.pair)
        if old is not None:
            self._by_symbol.pop(old.symbol, None)
        self._markets[spec.pair] = spec
        self._by_symbol[spec.symbol] = spec.pair
        self._books.setdefault(spec.pair, Book())

    def set_market_status(self, pair: TradingPair, status: MarketStatus) -> None:
        """Halt or reopen a market: placements on a halted market are MARKET_CLOSED."""
        self.add_market(replace(self._spec(pair), status=status))

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with every event from now on; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def now(self) -> int:
        """The exchange clock, in ms."""
        return self._clock()

    # -- trading -------------------------------------------------------------------------

    def place(self, client_order_id: str, pair: TradingPair, side: TradeSide,
              order_type: OrderType, qty: Decimal | None = None, price: Decimal | None = None,
              *, quote_qty: Decimal | None = None,
              time_in_force: TimeInForce | None = None) -> Order | Rejection:
        """Validate, lock, match and (for GTC limits) rest an order of our account.

        A rejection changes nothing but emits OrderRejected. A MARKET order that cannot be
        filled completely fills what the book has and then expires.
        """
        result = self._place(client_order_id, pair, side, order_type, qty, price,
                             quote_qty, time_in_force)
        if isinstance(result, Rejection):
            self._emit(OrderRejected(self._next_seq(), self._clock(), client_order_id, pair,
                                     side, order_type, qty, price, result.reason,
                                     result.message))
        self._flush()
        return result

    def cancel(self, order_id: int | None = None, *, client_order_id: str | None = None,
               pair: TradingPair | None = None) -> Order | Rejection:
        """Cancel one open order, found by exchange id or client id (and market, if given)."""
        found = self._find_open(order_id, client_order_id, pair)
        if isinstance(found, Order):
            found = self._finish(found, OrderStatus.CANCELED)
            self._flush()
        return found

    def cancel_all(self, pair: TradingPair) -> list[Order]:
        """Cancel every open order on a market; returns them canceled, oldest first."""
        done = [self._finish(self._orders[order_id], OrderStatus.CANCELED)
                for order_id in list(self._open) if self._orders[order_id].pair == pair]
        self._flush()
        return done

    def expire(self, order_id: int) -> Order | Rejection:
        """The exchange ends an open order on its own (for example a maintenance sweep)."""
        found = self._find_open(order_id, None, None)
        if isinstance(found, Order):
            found = self._finish(found, OrderStatus.EXPIRED)
            self._flush()
        return found

    def fill_resting(self, order_id: int, qty: Decimal | None = None) -> Order | Rejection:
        """Another participant takes `qty` (default: all that is left) of our resting order.

        The order trades as maker at its own price, whatever stands ahead of it.
        """
        found = self._find_open(order_id, None, None)
        if isinstance(found, Rejection):
            return found
        entry = self._books[found.pair].entry_of(order_id)
        if entry is None:
            raise ValueError(f"order {order_id} is open but not resting in the book")
        take = entry.qty if qty is None else qty
        if take <= 0 or take > entry.qty:
            raise ValueError(f"fill_resting qty must be in (0, {entry.qty}], got {take}")
        trade_id = self._next_trade_id(found.pair)
        self._books[found.pair].reduce(entry, take)
        self._dirty_books[found.pair] = None
        self._fill(order_id, entry.price, take, True, trade_id)
        self._public_trade(found.pair, trade_id, entry.price, take, opposite(found.side))
        self._flush()
        return self._orders[order_id]

    # -- liquidity of other participants -------------------------------------------------

    def seed_liquidity(self, pair: TradingPair, side: TradeSide, price: Decimal,
                       qty: Decimal) -> Decimal:
        """Another participant sends a limit order: it takes what it crosses (our resting
        orders fill as makers), and the rest joins the book. Returns the quantity resting."""
        resting = self._seed(pair, side, price, qty)
        self._flush()
        return resting

    def remove_liquidity(self, pair: TradingPair, side: TradeSide, price: Decimal,
                         qty: Decimal | None = None) -> Decimal:
        """Other participants pull `qty` (default: all theirs) at a level, newest first.

        Returns the quantity removed; our orders at the level stay.
        """
        book = self._book(pair)
        left = qty
        removed = _ZERO
        for entry in reversed(book.queue(side, price)):
            if entry.order_id is not None:
                continue
            take = entry.qty if left is None else min(entry.qty, left - removed)
            if take <= 0:
                break
            book.reduce(entry, take)
            removed += take
        self._dirty_books[pair] = None
        self._flush()
        return removed

    def move_book(self, pair: TradingPair, bids: Iterable[Level],
                  asks: Iterable[Level]) -> None:
        """Replace all other participants' liquidity by these levels (one BookDelta).

        Levels that cross our resting orders trade with them, as `seed_liquidity` does.
        """
        book = self._book(pair)
        for side in (TradeSide.BUY, TradeSide.SELL):
            for price, _ in book.levels(side):
                for entry in book.queue(side, price):
                    if entry.order_id is None:
                        book.remove(entry)
        self._dirty_books[pair] = None
        for side, levels in ((TradeSide.BUY, bids), (TradeSide.SELL, asks)):
            for price, qty in levels:
                self._seed(pair, side, price, qty)
        self._flush()

    # -- balances ------------------------------------------------------------------------

    def set_balance(self, asset: str, free: Decimal) -> None:
        """Set an asset's free balance (setup; emits BalancesChanged, not BalanceDelta)."""
        self._account.set_free(asset, free)
        self._flush()

    def deposit(self, asset: str, amount: Decimal) -> None:
        """A balance change outside trading (negative: a withdrawal); emits BalanceDelta."""
        self._account.credit(asset, amount)
        self._emit(BalanceDelta(self._next_seq(), self._clock(), asset, amount,
                                self._account.balance(asset)))
        self._flush()

    # -- queries -------------------------------------------------------------------------

    def market(self, pair: TradingPair) -> MarketSpec | None:
        return self._markets.get(pair)

    def market_by_symbol(self, symbol: str) -> MarketSpec | None:
        pair = self._by_symbol.get(symbol)
        return self._markets[pair] if pair is not None else None

    def markets(self) -> list[MarketSpec]:
        return list(self._markets.values())

    def order(self, order_id: int | None = None, *, client_order_id: str | None = None,
              pair: TradingPair | None = None) -> Order | None:
        """An order by exchange id, or the latest one with that client id; None if unknown."""
        found = self._lookup(order_id, client_order_id, pair)
        return found if isinstance(found, Order) else None

    def orders(self, pair: TradingPair | None = None) -> list[Order]:
        return [o for o in self._orders.values() if pair is None or o.pair == pair]

    def open_orders(self, pair: TradingPair | None = None) -> list[Order]:
        return [self._orders[i] for i in self._open
                if pair is None or self._orders[i].pair == pair]

    def trades(self, order_id: int | None = None, *,
               pair: TradingPair | None = None) -> list[Trade]:
        """Our trades, oldest first: of one order, or of a market, or all."""
        if order_id is not None:
            return list(self._trades.get(order_id, ()))
        every = [t for ts in self._trades.values() for t in ts if pair is None or t.pair == pair]
        return sorted(every, key=lambda t: (t.time_ms, t.trade_id))

    def balance(self, asset: str) -> AssetBalance:
        return self._account.balance(asset)

    def balances(self) -> dict[str, AssetBalance]:
        return self._account.balances()

    def snapshot(self, pair: TradingPair, limit: int | None = 100) -> OrderBookSnapshot:
        """Best `limit` aggregated levels per side and the update id they include."""
        book = self._book(pair)
        return OrderBookSnapshot(pair, book.update_id, book.levels(TradeSide.BUY, limit),
                                 book.levels(TradeSide.SELL, limit), self._clock() / 1000)

    def book(self, pair: TradingPair) -> Book:
        """The market's book, for reading (invariant checks); change it only through here."""
        return self._book(pair)

    def last_price(self, pair: TradingPair) -> Decimal | None:
        return self._last_price.get(pair)


def levels(pairs: Sequence[tuple[str, str]]) -> list[Level]:
    """Levels from strings, for tests and scenarios: ``levels([("10.5", "2")])``."""
    return [(Decimal(price), Decimal(qty)) for price, qty in pairs]
