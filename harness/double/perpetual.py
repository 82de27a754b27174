"""The in-memory exchange for linear perpetual contracts: the spot exchange's books and
matching, with margin, positions, leverage, position mode, mark price and funding.

Money (exchange-neutral, as unified linear accounts keep it): the account holds only the
settlement coin, and trading never locks it. Fees, realized PnL and funding move the wallet;
placing an order that may open needs its initial margin (order value / leverage) free
after the margin of the positions and of the other open orders. An order names the position
it acts on (index: 0 one-way, 1 hedge long, 2 hedge short) and may be reduce-only: such an
order is capped to the position when placed, refused when there is nothing to reduce, and
the exchange cancels resting reduce-only orders (furthest from the market first) once
together they would reduce more than the position holds, so that one never flips or grows
a position.

>>> from harness.double.market import MarketSpec
>>> ex = PerpetualExchange(clock=lambda: 1_000)
>>> pair = TradingPair("BTC", "USDT")
>>> ex.add_market(MarketSpec(pair, "BTCUSDT", Decimal("0.1"), Decimal("0.001")))
>>> ex.set_balance("USDT", Decimal("1000"))
>>> _ = ex.seed_liquidity(pair, TradeSide.SELL, Decimal("100"), Decimal("5"))
>>> _ = ex.place_perpetual("c1", pair, TradeSide.BUY, OrderType.MARKET, Decimal("2"))
>>> ex.position(pair, 0).signed
Decimal('2')
>>> ex.place_perpetual("c2", pair, TradeSide.BUY, OrderType.MARKET, Decimal("1"),
...                    reduce_only=True).reason
<RejectReason.INVALID_PARAMETER: 'INVALID_PARAMETER'>
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from harness.double.book import Book
from harness.double.events import ExchangeEvent, OrderRejected
from harness.double.exchange import Exchange
from harness.double.market import MarketSpec
from harness.double.orders import Order, OrderStatus, Rejection, RejectReason, TimeInForce
from harness.double.positions import LONG, ONE_WAY, SHORT, PositionBook, PositionState
from harness.double.settlement import Settled
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

_ZERO = Decimal(0)


class PositionMode(StrEnum):
    ONE_WAY = "ONE_WAY"
    HEDGE = "HEDGE"


@dataclass(frozen=True)
class OrderIntent:
    """What a perpetual order says besides the spot terms."""

    index: int = ONE_WAY
    reduce_only: bool = False
    close_on_trigger: bool = False


@dataclass(frozen=True)
class PositionChanged(ExchangeEvent):
    """A position after a fill, a leverage change or a mark price move."""

    position: PositionState
    mark: Decimal | None
    closed: Decimal = _ZERO
    """The quantity the fill closed (0 for other changes)."""


@dataclass(frozen=True)
class FundingSettled(ExchangeEvent):
    """One funding payment of one position: amount > 0 received, < 0 paid."""

    position: PositionState
    rate: Decimal
    amount: Decimal
    mark: Decimal
    wallet: Decimal
    """The settlement coin's wallet balance right after the payment."""


@dataclass(frozen=True)
class Liquidated(ExchangeEvent):
    """The exchange closed a position itself: a takeover liquidation, or auto-deleveraging
    (`adl`), of `qty` at `price` (an execution of no order of ours)."""

    position: PositionState
    """The position after (flat)."""
    side: TradeSide
    """The closing side (a long is liquidated by a sell)."""
    qty: Decimal
    price: Decimal
    adl: bool


@dataclass(frozen=True)
class MarkChanged(ExchangeEvent):
    """The mark (and index) price or the funding terms of a market changed."""

    pair: TradingPair
    mark: Decimal
    index: Decimal
    rate: Decimal
    next_funding_ms: int


@dataclass(frozen=True)
class Funding:
    """A market's funding terms: the rate of the next payment and when it is due."""

    rate: Decimal
    next_ms: int
    interval_ms: int = 8 * 3600 * 1000


class PerpetualExchange(Exchange):
    """In-memory linear perpetual exchange with one unified account (see module doc)."""

    settle_asset = "USDT"
    max_leverage = 100

    def reset(self, *, keep_markets: bool = True) -> None:
        super().reset(keep_markets=keep_markets)
        self.positions = getattr(self, "positions", None) or PositionBook()
        self.positions.reset()
        self.mode = PositionMode.ONE_WAY
        self.intents: dict[int, OrderIntent] = {}
        self.asked: dict[str, OrderIntent] = {}
        """What each placement asked for, by client order id, accepted or refused."""
        self.fill_effects: dict[tuple[int, int], tuple[Decimal, PositionState]] = {}
        """By (order id, trade id): closedSize and the position after the fill."""
        self.funding_log: list[FundingSettled] = []
        self.liquidations: list[Liquidated] = []
        self._marks: dict[TradingPair, Decimal] = {}
        self._index: dict[TradingPair, Decimal] = {}
        self._funding: dict[TradingPair, Funding] = {}
        self._intent = OrderIntent()

    # -- placing -------------------------------------------------------------------------

    def place_perpetual(self, client_order_id: str, pair: TradingPair, side: TradeSide,
                        order_type: OrderType, qty: Decimal, price: Decimal | None = None, *,
                        index: int = ONE_WAY, reduce_only: bool = False,
                        close_on_trigger: bool = False,
                        time_in_force: TimeInForce | None = None) -> Order | Rejection:
        """Place an order for the position at `index`; refusals as `Rejection`s (their
        reasons: INVALID_PARAMETER for a position index the mode does not have or nothing to
        reduce, INSUFFICIENT_BALANCE for the margin)."""
        self.asked[client_order_id] = OrderIntent(index, reduce_only, close_on_trigger)
        problem = self._perpetual_problem(pair, side, order_type, qty, price, index,
                                          reduce_only or close_on_trigger)
        if problem is None and (reduce_only or close_on_trigger):
            room = self.positions.room_to_reduce(pair, index, side)
            qty = min(qty, room)
        if problem is not None:
            self._emit(OrderRejected(self._next_seq(), self._clock(), client_order_id, pair,
                                     side, order_type, qty, price, problem.reason,
                                     problem.message))
            self._flush()
            return problem
        self._intent = OrderIntent(index, reduce_only, close_on_trigger)
        try:
            return self.place(client_order_id, pair, side, order_type, qty, price,
                              time_in_force=time_in_force)
        finally:
            self._intent = OrderIntent()

    def _perpetual_problem(self, pair: TradingPair, side: TradeSide, order_type: OrderType,
                           qty: Decimal, price: Decimal | None, index: int,
                           reducing: bool) -> Rejection | None:
        if (index == ONE_WAY) != (self.mode is PositionMode.ONE_WAY) or index not in (
                ONE_WAY, LONG, SHORT):
            return Rejection(RejectReason.INVALID_PARAMETER,
                             f"position index {index} does not match position mode "
                             f"{self.mode.value}")
        if reducing:
            if self.positions.room_to_reduce(pair, index, side) <= 0:
                return Rejection(RejectReason.INVALID_PARAMETER,
                                 f"a reduce-only {side.value} has no position to reduce "
                                 f"(index {index})")
            return None
        reference = price if price is not None else self._reference(pair, side)
        needed = qty * reference / self.positions.leverage(pair) if reference else _ZERO
        free = self.available_margin()
        if needed > free:
            return Rejection(RejectReason.INSUFFICIENT_BALANCE,
                             f"needs {needed} {self.settle_asset} of initial margin, "
                             f"{free} available")
        return None

    def _reference(self, pair: TradingPair, side: TradeSide) -> Decimal | None:
        book = self._books.get(pair)
        best = book.best(TradeSide.SELL if side is TradeSide.BUY else TradeSide.BUY) \
            if book is not None else None
        return best or self._last_price.get(pair)

    def available_margin(self) -> Decimal:
        """Wallet balance less the margin of positions and of open non-reducing orders."""
        used = sum((state.margin for state in self.positions.open()), _ZERO)
        for order in self.open_orders():
            intent = self.intents.get(order.order_id, OrderIntent())
            if not intent.reduce_only and order.price is not None:
                used += order.remaining * order.price / self.positions.leverage(order.pair)
        return self._account.free(self.settle_asset) - used

    def _accept(self, spec: MarketSpec, client_order_id: str, side: TradeSide,
                order_type: OrderType, qty: Decimal, price: Decimal | None,
                quote_qty: Decimal | None, tif: TimeInForce | None, lock: Decimal,
                short: bool) -> Order:
        self.intents[self._next_order_id] = self._intent
        return super()._accept(spec, client_order_id, side, order_type, qty, price, quote_qty,
                               tif, lock, short)

    def _lock_and_qty(self, spec: MarketSpec, book: Book, side: TradeSide,
                      order_type: OrderType, qty: Decimal | None, price: Decimal | None,
                      quote_qty: Decimal | None) -> tuple[Decimal, Decimal, bool]:
        _, qty_out, short = super()._lock_and_qty(spec, book, side, order_type, qty, price,
                                                  quote_qty)
        return _ZERO, qty_out, short  # margin is checked by place_perpetual, never locked

    def _settle(self, spec: MarketSpec, order: Order, price: Decimal, qty: Decimal,
                is_maker: bool, now: int, *, may_complete: bool) -> Settled:
        intent = self.intents.get(order.order_id, OrderIntent())
        rate = spec.maker_fee if is_maker else spec.taker_fee
        fee = (price * qty * rate).quantize(spec.fee_quantum, rounding=ROUND_HALF_UP)
        effect = self.positions.apply(order.pair, intent.index, order.side, qty, price,
                                      reduce_only=intent.reduce_only or intent.close_on_trigger,
                                      now_ms=now)
        self._pay(effect.realized - fee)
        trade_id = self._trade_ids.get(order.pair, 0)  # the trade about to be recorded
        self.fill_effects[(order.order_id, trade_id)] = (effect.closed, effect.after)
        self._emit(PositionChanged(self._next_seq(), now, effect.after,
                                   self._marks.get(order.pair), effect.closed))
        executed = order.executed_qty + qty
        completes = may_complete and executed >= order.qty
        updated = replace(order, executed_qty=executed,
                          executed_quote=order.executed_quote + price * qty,
                          status=OrderStatus.FILLED if completes
                          else OrderStatus.PARTIALLY_FILLED, updated_ms=now)
        return Settled(updated, fee, spec.quote)

    def _pay(self, amount: Decimal) -> None:
        """Credit (or debit) the wallet; a loss beyond it empties it (no negative wallet)."""
        free = self._account.free(self.settle_asset)
        self._account.credit(self.settle_asset, max(amount, -free))

    def _flush(self) -> None:
        self._trim_reduce_only()
        super()._flush()

    def _trim_reduce_only(self) -> None:
        """Cancel resting reduce-only orders, furthest from the market first, while together
        they would reduce a position by more than it holds."""
        groups: dict[tuple[TradingPair, int, TradeSide], list[Order]] = {}
        for order in self.open_orders():
            intent = self.intents.get(order.order_id, OrderIntent())
            if intent.reduce_only or intent.close_on_trigger:
                groups.setdefault((order.pair, intent.index, order.side), []).append(order)
        for (pair, index, side), orders in groups.items():
            room = self.positions.room_to_reduce(pair, index, side)
            # Kept nearest the market first (the lowest sell, the highest buy): those
            # furthest from it go (a market order, no price, is nearest of all).
            orders.sort(key=lambda o: (o.price is not None,
                                       (o.price or _ZERO) * (1 if side is TradeSide.SELL else -1)))
            for order in orders:
                if order.remaining <= room:
                    room -= order.remaining
                else:
                    self._finish(order, OrderStatus.CANCELED)

    # -- settings ------------------------------------------------------------------------

    def set_leverage(self, pair: TradingPair, leverage: int) -> Rejection | None:
        if not 1 <= leverage <= self.max_leverage:
            return Rejection(RejectReason.INVALID_PARAMETER,
                             f"leverage {leverage} is outside 1..{self.max_leverage}")
        now = self._clock()
        for state in self.positions.set_leverage(pair, leverage, now):
            self._emit(PositionChanged(self._next_seq(), now, state, self._marks.get(pair)))
        self._flush()
        return None

    def set_mode(self, mode: PositionMode) -> Rejection | None:
        """Switch the position mode; refused while any position or order is open."""
        if self.positions.open() or self.open_orders():
            return Rejection(RejectReason.INVALID_PARAMETER,
                             "positions or open orders: the position mode cannot switch")
        self.mode = mode
        return None

    # -- mark price and funding ----------------------------------------------------------

    def set_funding(self, pair: TradingPair, rate: Decimal, next_ms: int) -> None:
        self._funding[pair] = Funding(rate, next_ms)

    def funding(self, pair: TradingPair) -> Funding:
        return self._funding.get(pair) or Funding(Decimal("0.0001"), _next_slot(self._clock()))

    def mark_price(self, pair: TradingPair) -> Decimal | None:
        return self._marks.get(pair) or self._last_price.get(pair)

    def index_price(self, pair: TradingPair) -> Decimal | None:
        return self._index.get(pair) or self.mark_price(pair)

    def move_mark(self, pair: TradingPair, mark: Decimal, index: Decimal | None = None) -> None:
        """A new mark (and index) price: every open position of the market re-marks."""
        self._marks[pair] = mark
        self._index[pair] = index if index is not None else mark
        now = self._clock()
        funding = self.funding(pair)
        self._emit(MarkChanged(self._next_seq(), now, pair, mark, self._index[pair],
                               funding.rate, funding.next_ms))
        for state in self.positions.open():
            if state.pair == pair:
                self._emit(PositionChanged(self._next_seq(), now, state, mark))
        self._flush()

    def settle_funding(self, pair: TradingPair) -> list[FundingSettled]:
        """The funding payment now due: each open position of `pair` pays (long, positive
        rate) or receives value-at-mark * rate, once; the next payment is an interval on."""
        funding = self.funding(pair)
        mark = self.mark_price(pair) or _ZERO
        now = self._clock()
        paid = []
        for state in self.positions.open():
            if state.pair != pair:
                continue
            amount = -(state.signed * mark * funding.rate)
            self._pay(amount)
            event = FundingSettled(self._next_seq(), now, state, funding.rate, amount, mark,
                                   self._account.free(self.settle_asset))
            self._emit(event)
            paid.append(event)
        self.funding_log.extend(paid)
        self._funding[pair] = replace(funding, next_ms=now + funding.interval_ms)
        self._emit(MarkChanged(self._next_seq(), now, pair, mark,
                               self.index_price(pair) or mark, funding.rate,
                               now + funding.interval_ms))
        self._flush()
        return paid

    def liquidate(self, pair: TradingPair, index: int, *, adl: bool = False
                  ) -> Liquidated | None:
        """Close the position at `index` at the mark price, as the liquidation engine (or
        ADL) does; None when it is flat."""
        state = self.positions.get(pair, index)
        mark = self.mark_price(pair)
        if not state.signed or mark is None:
            return None
        side = TradeSide.SELL if state.signed > 0 else TradeSide.BUY
        now = self._clock()
        effect = self.positions.apply(pair, index, side, state.size, mark, reduce_only=True,
                                      now_ms=now)
        self._pay(effect.realized)
        event = Liquidated(self._next_seq(), now, effect.after, side, state.size, mark, adl)
        self._emit(event)
        self._emit(PositionChanged(self._next_seq(), now, effect.after, mark, state.size))
        self.liquidations.append(event)
        self._flush()
        return event

    # -- queries -------------------------------------------------------------------------

    def position(self, pair: TradingPair, index: int) -> PositionState:
        return self.positions.get(pair, index)

    def intent(self, order: Order) -> OrderIntent:
        return self.intents.get(order.order_id, OrderIntent())

    def fill_effect(self, order_id: int, trade_id: int
                    ) -> tuple[Decimal, PositionState] | None:
        """(closedSize, the position after) of one of our trades."""
        return self.fill_effects.get((order_id, trade_id))

    def open_positions(self, pairs: Iterable[TradingPair] | None = None) -> list[PositionState]:
        wanted = set(pairs) if pairs is not None else None
        return [s for s in self.positions.open() if wanted is None or s.pair in wanted]


def _next_slot(now_ms: int, interval_ms: int = 8 * 3600 * 1000) -> int:
    return (now_ms // interval_ms + 1) * interval_ms
