"""Invariants hold under random order flows, and the checks catch a corrupted exchange."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from double_fixtures import BTC_USDT, D, FakeClock, exchange, spec
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from harness.double import (
    BalanceDelta,
    BookDelta,
    Exchange,
    ExchangeEvent,
    Order,
    OrderCanceled,
    OrderStatus,
    OrderTraded,
    TimeInForce,
    check_exchange,
)
from harness.double.invariants import check_balances, check_books, check_history, check_orders
from harness.standard.enums import OrderType, TradeSide
from harness.standard.order_book import OrderBook, OrderBookDiff

sides = st.sampled_from([TradeSide.BUY, TradeSide.SELL])
prices = st.integers(190, 210).map(lambda i: Decimal(i) / 2)        # tick 0.5 around 100
qtys = st.integers(1, 300).map(lambda i: Decimal(i) / 100)          # step 0.01


class ExchangeFlows(RuleBasedStateMachine):
    """Random flows of our orders and other participants' liquidity on one market."""

    @initialize()
    def setup(self) -> None:
        self.ex = Exchange(clock=FakeClock())
        self.ex.add_market(spec(tick_size=D("0.5"), step_size=D("0.01"), min_qty=D("0.01"),
                                max_qty=D(0), min_notional=D("1")))
        self.expected: dict[str, Decimal] = defaultdict(Decimal)
        self.local = OrderBook(BTC_USDT)
        self.local.apply_snapshot(self.ex.snapshot(BTC_USDT, limit=None))
        self.ex.subscribe(self.account_for)
        for asset, amount in (("USDT", D("2000")), ("BTC", D("20"))):
            self.ex.deposit(asset, amount)
        self.client_ids = 0

    def account_for(self, event: ExchangeEvent) -> None:
        """Keep an independent ledger and book from the events alone."""
        if isinstance(event, BalanceDelta):
            self.expected[event.asset] += event.delta
        elif isinstance(event, OrderTraded):
            t = event.trade
            base, quote = (1, -1) if t.side is TradeSide.BUY else (-1, 1)
            self.expected["BTC"] += base * t.qty
            self.expected["USDT"] += quote * t.quote_qty
            self.expected[t.fee_asset] -= t.fee
        elif isinstance(event, BookDelta):
            diff = OrderBookDiff(event.pair, event.first_update_id, event.last_update_id,
                                 event.bids, event.asks)
            assert self.local.apply_diff(diff).value == "applied"

    def next_id(self) -> str:
        self.client_ids += 1
        return f"c{self.client_ids % 25}"  # reuse ids to exercise the duplicate check

    def our_open(self, index: int) -> Order | None:
        open_orders = self.ex.open_orders()
        return open_orders[index % len(open_orders)] if open_orders else None

    @rule(side=sides, price=prices, qty=qtys,
          order_type=st.sampled_from([OrderType.LIMIT, OrderType.LIMIT_MAKER]),
          tif=st.sampled_from([None, None, TimeInForce.IOC, TimeInForce.FOK]))
    def place_limit(self, side: TradeSide, price: Decimal, qty: Decimal,
                    order_type: OrderType, tif: TimeInForce | None) -> None:
        if order_type is OrderType.LIMIT_MAKER:
            tif = None
        self.ex.place(self.next_id(), BTC_USDT, side, order_type, qty, price,
                      time_in_force=tif)

    @rule(side=sides, qty=qtys, by_quote=st.booleans())
    def place_market(self, side: TradeSide, qty: Decimal, by_quote: bool) -> None:
        if by_quote:
            self.ex.place(self.next_id(), BTC_USDT, side, OrderType.MARKET,
                          quote_qty=qty * 100)
        else:
            self.ex.place(self.next_id(), BTC_USDT, side, OrderType.MARKET, qty)

    @rule(index=st.integers(0, 20), by_client_id=st.booleans())
    def cancel(self, index: int, by_client_id: bool) -> None:
        order = self.our_open(index)
        if order is not None:
            result = self.ex.cancel(client_order_id=order.client_order_id) if by_client_id \
                else self.ex.cancel(order.order_id)
            assert isinstance(result, Order)

    @rule(index=st.integers(0, 20), part=st.integers(1, 4))
    def fill_resting(self, index: int, part: int) -> None:
        order = self.our_open(index)
        if order is not None:
            qty = (order.remaining * part / 4).quantize(D("0.01"))
            self.ex.fill_resting(order.order_id, qty if qty > 0 else None)

    @rule(index=st.integers(0, 20))
    def expire(self, index: int) -> None:
        order = self.our_open(index)
        if order is not None:
            self.ex.expire(order.order_id)

    @rule(side=sides, price=prices, qty=qtys)
    def seed(self, side: TradeSide, price: Decimal, qty: Decimal) -> None:
        self.ex.seed_liquidity(BTC_USDT, side, price, qty)

    @rule(side=sides, price=prices)
    def remove(self, side: TradeSide, price: Decimal) -> None:
        self.ex.remove_liquidity(BTC_USDT, side, price)

    @rule(mid=prices, qty=qtys)
    def move(self, mid: Decimal, qty: Decimal) -> None:
        self.ex.move_book(BTC_USDT, [(mid - 1, qty), (mid - 2, qty)], [(mid + 1, qty)])

    @rule(asset=st.sampled_from(["BTC", "USDT"]), amount=qtys)
    def deposit(self, asset: str, amount: Decimal) -> None:
        self.ex.deposit(asset, amount)

    @invariant()
    def exchange_is_consistent(self) -> None:
        assert check_exchange(self.ex) == []

    @invariant()
    def totals_are_conserved_across_trades_minus_fees(self) -> None:
        for asset, balance in self.ex.balances().items():
            assert balance.total == self.expected[asset], asset

    @invariant()
    def book_rebuilt_from_deltas_matches_the_snapshot(self) -> None:
        snap = self.ex.snapshot(BTC_USDT, limit=None)
        assert self.local.update_id == snap.update_id
        assert tuple(self.local.bids) == snap.bids and tuple(self.local.asks) == snap.asks


ExchangeFlows.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow])
test_exchange_flows = ExchangeFlows.TestCase


# -- the checks find bugs ------------------------------------------------------------------


def resting_buy() -> tuple[Exchange, Order]:
    ex = exchange()
    order = ex.place("b", BTC_USDT, TradeSide.BUY, OrderType.LIMIT, D("1"), D("100"))
    assert isinstance(order, Order)
    return ex, order


def test_balance_check_finds_a_lock_no_order_explains() -> None:
    ex, _ = resting_buy()
    ex._account.lock("USDT", D("1"))
    assert check_balances(ex) == ["USDT locked 101 but open orders lock 100"]


def test_order_check_finds_executed_amounts_trades_do_not_explain() -> None:
    ex, order = resting_buy()
    ex._orders[order.order_id] = replace(order, executed_qty=D("0.5"))
    assert check_orders(ex) == ["order 1 (b) executed 0.5/0 but its trades sum to 0/0"]
    ex._orders[order.order_id] = replace(order, status=OrderStatus.FILLED)
    assert check_orders(ex) == ["order 1 (b) is FILLED with 0 of 1 executed",
                                "order 1 (b) is FILLED but still locks 100"]


def test_book_check_finds_a_crossed_book_and_a_wrong_resting_quantity() -> None:
    ex, order = resting_buy()
    ex.book(BTC_USDT).add(TradeSide.SELL, D("99"), D("1"))
    entry = ex.book(BTC_USDT).entry_of(order.order_id)
    assert entry is not None
    entry.qty = D("0.3")
    problems = check_books(ex)
    assert any("is crossed" in p for p in problems)
    assert any("rests as" in p for p in problems)


def test_history_check_finds_a_fill_after_the_end() -> None:
    ex, order = resting_buy()
    ex.cancel(order.order_id)
    canceled = ex.history[-3]
    assert isinstance(canceled, OrderCanceled)
    bogus = replace(canceled, seq=canceled.seq)  # same seq again, and a second ending
    problems = check_history([*ex.history, bogus])
    assert any("after it ended" in p for p in problems)
    assert any("follows event" in p for p in problems)
