"""ExchangeBase end to end: the toy connector against the toy exchange on 127.0.0.1.

Every wait is on a condition with a deadline; the connector runs on a ScaledClock, so its
poll intervals, reconnect delays and Retry-After waits take a fraction of wall time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from harness.standard.clock import ScaledClock
from harness.standard.config import ConnectorConfig
from harness.standard.enums import NetworkStatus, OrderState, OrderType, TradeSide
from harness.standard.events import (
    BalanceUpdated,
    Event,
    OrderCompleted,
    OrderCreated,
    OrderEvent,
    OrderFailed,
    PublicTradeObserved,
)
from harness.standard.pair import TradingPair
from tests.fixtures.aio import eventually, run
from tests.fixtures.fake_exchange.connector import FakeExchange
from tests.fixtures.fake_exchange.server import API_KEY, API_SECRET, FakeVenue, running_venue

BTC = TradingPair("BTC", "USDT")
ETH = TradingPair("ETH", "USDT")
SPEED = 20.0
E = TypeVar("E", bound=Event)


@dataclass
class Live:
    connector: FakeExchange
    venue: FakeVenue
    clock: ScaledClock
    events: list[Event] = field(default_factory=list)

    def of(self, kind: type[E], cid: str | None = None) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)
                and (cid is None or getattr(e, "client_order_id", None) == cid)]

    def kinds(self, cid: str) -> list[str]:
        return [type(e).__name__ for e in self.events
                if isinstance(e, OrderEvent) and e.client_order_id == cid]

    async def place(self, amount: str = "0.1", price: str | None = "100",
                    order_type: OrderType = OrderType.LIMIT, side: TradeSide = TradeSide.BUY,
                    pair: TradingPair = BTC) -> str:
        return await self.connector.place_order(pair, side, order_type, Decimal(amount),
                                                Decimal(price) if price else None)


@asynccontextmanager
async def live(start: bool = True, **overrides: Any) -> AsyncIterator[Live]:
    clock = ScaledClock(speed=SPEED)
    async with running_venue(clock) as venue:
        ws = venue.base_url.replace("http://", "ws://")
        values: dict[str, Any] = dict(
            trading_pairs=(BTC,), api_key=API_KEY, api_secret=API_SECRET,
            urls={"rest": venue.base_url, "ws_public": ws, "ws_private": ws}, clock=clock,
            poll_interval=1.0, request_timeout=0.3, reconnect_delay=0.5, session_tag="t")
        values.update(overrides)
        connector = FakeExchange(ConnectorConfig(**values))
        state = Live(connector, venue, clock)
        connector.subscribe(state.events.append)
        try:
            if start:
                await connector.start()
                async with asyncio.timeout(5):
                    await connector.wait_ready()
            yield state
        finally:
            await connector.stop()


def scenario(body: Callable[[Live], Awaitable[None]], start: bool = True,
             **overrides: Any) -> None:
    async def main() -> None:
        async with live(start, **overrides) as state:
            await body(state)

    run(main(), deadline=15.0)


def test_start_reaches_ready_with_every_part_up() -> None:
    async def body(s: Live) -> None:
        c = s.connector
        assert c.ready
        assert c.status == {"symbols": True, "trading_rules": True, "balances": True,
                            "order_books": True, "user_stream": True}
        assert set(c.trading_rules) == {BTC, ETH}   # delisted and malformed markets left out
        assert c.exchange_symbol(BTC) == "BTCUSDT" and c.trading_pair("ETHUSDT") == ETH
        with pytest.raises(KeyError):
            c.trading_pair("OLDUSDT")
        assert c.quantize_price(BTC, Decimal("100.129")) == Decimal("100.12")
        assert c.quantize_amount(BTC, Decimal("0.12345")) == Decimal("0.123")
        assert c.balances()["USDT"].available == Decimal("9000")
        assert c.order_book(BTC).best_bid == Decimal("99")
        assert c.time_sync.synced
        assert await c.fetch_trading_pairs() == [BTC, ETH]
        assert await c.get_last_traded_prices([BTC, ETH]) == {BTC: Decimal("100.5"),
                                                               ETH: Decimal("2000")}
        await c.update_trading_rules()
        assert c.tracked_orders == {}

    scenario(body)


def test_a_placed_order_is_created_then_filled_through_the_user_stream() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.5")
        assert s.kinds(cid) == ["OrderCreated"]
        created = s.of(OrderCreated, cid)[0]
        assert created.exchange_order_id == s.venue.orders[cid].order_id
        assert s.connector.tracked_orders[cid].state is OrderState.OPEN
        await s.venue.fill(cid, "0.2")
        await eventually(lambda: s.connector.get_order(cid).state  # type: ignore[union-attr]
                         is OrderState.PARTIALLY_FILLED)
        await s.venue.fill(cid, "0.3", price="101")
        await eventually(lambda: s.of(OrderCompleted, cid), what="OrderCompleted")
        assert s.kinds(cid) == ["OrderCreated", "OrderFilled", "OrderFilled", "OrderCompleted"]
        completed = s.of(OrderCompleted, cid)[0]
        assert completed.executed_amount == Decimal("0.5")
        assert completed.executed_quote_amount == Decimal("50.3")
        assert cid not in s.connector.tracked_orders
        assert s.connector.get_order(cid).is_terminal  # type: ignore[union-attr]

    scenario(body)


def test_a_market_order_filled_at_once_reports_fills_before_completion() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.2", price=None, order_type=OrderType.MARKET,
                            side=TradeSide.SELL)
        assert s.kinds(cid) == ["OrderCreated", "OrderFilled", "OrderCompleted"]

    scenario(body)


def test_orders_are_quantized_down_before_they_are_sent() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.12345", price="100.129")
        order = s.venue.orders[cid]
        assert (order.amount, order.price) == (Decimal("0.123"), Decimal("100.12"))

    scenario(body)


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"amount": "0.01", "price": "100"}, "below the minimum notional"),
    ({"amount": "1", "price": None}, "a LIMIT order needs a price"),
    ({"amount": "1", "price": "1", "pair": TradingPair("XRP", "USDT")},
     "XRP-USDT is not a trading pair"),
    ({"amount": "0.0005", "price": None, "order_type": OrderType.MARKET, "pair": ETH},
     "below the minimum order size"),
    ({"amount": "0.0001", "price": "100"}, "amount 0.000 is not positive"),
])
def test_orders_breaking_the_rules_fail_without_a_request(kwargs: dict[str, Any],
                                                          reason: str) -> None:
    async def body(s: Live) -> None:
        cid = await s.place(**kwargs)
        failed = s.of(OrderFailed, cid)
        assert len(failed) == 1 and reason in failed[0].reason and not failed[0].request_sent
        assert s.venue.count("POST", "/api/order") == 0

    scenario(body)


def test_a_rejected_order_fails_with_the_exchange_reason() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="500", price="100")
        assert s.kinds(cid) == ["OrderFailed"]
        failed = s.of(OrderFailed, cid)[0]
        assert "insufficient balance" in failed.reason and failed.request_sent

    scenario(body)


def test_an_unknown_outcome_stays_pending_until_status_polling_settles_it() -> None:
    async def body(s: Live) -> None:
        s.venue.hang_next_place = True
        wall = time.monotonic()
        cid = await s.place()
        assert time.monotonic() - wall >= 0.2           # waited for the request timeout
        order = s.connector.get_order(cid)
        assert order is not None and order.state is OrderState.PENDING_CREATE
        assert s.kinds(cid) == []
        await eventually(lambda: s.of(OrderCreated, cid), what="polling to settle the order")
        assert s.venue.count("GET", "/api/order") >= 1
        assert s.venue.count("POST", "/api/order") == 1  # never re-sent
        assert s.kinds(cid) == ["OrderCreated"]

    # No poll before the placement times out (0.2 s): the first comes after 1 s of wall time.
    scenario(body, poll_interval=20.0, request_timeout=0.2)


def test_rate_limiting_waits_retry_after_on_the_scaled_clock() -> None:
    async def body(s: Live) -> None:
        # While the placement waits out Retry-After, status polls (every 1 s) run: they must
        # not count the in-flight order as "not found" (they did, and it failed after 3).
        s.venue.rate_limited["/api/order"] = (1, 3.0)
        wall = time.monotonic()
        cid = await s.place()
        elapsed = time.monotonic() - wall
        first, second = s.venue.stamps["POST /api/order"]
        assert second - first >= 3.0                    # honoured, in the connector's time
        assert elapsed < 3.0                             # ...at 20x: about 0.15 s of wall time
        assert s.kinds(cid) == ["OrderCreated"]

    scenario(body)


def test_a_time_error_resyncs_the_clock_and_retries_once() -> None:
    async def body(s: Live) -> None:
        time_calls = s.venue.count("GET", "/api/time")
        s.venue.skew_ms = 60_000.0   # the exchange's clock jumps a minute ahead
        cid = await s.place()
        assert s.venue.count("POST", "/api/order") == 2
        assert s.venue.count("GET", "/api/time") == time_calls + 1
        assert s.connector.time_sync.offset_ms == pytest.approx(60_000.0, abs=2_000.0)
        assert s.kinds(cid) == ["OrderCreated"]

    # Long intervals: no balance or status poll may resync before the placement does.
    scenario(body, poll_interval=10_000.0)


def test_garbage_frames_on_the_user_stream_are_skipped(caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.1")
        await s.venue.push_user("}}garbage{{")
        await s.venue.push_user({"ch": "mystery"})
        await s.venue.push_user({"ch": "balance", "asset": "BTC", "total": "2",
                                 "available": "1.5"})
        await s.venue.fill(cid, "0.1")
        await eventually(lambda: s.of(OrderCompleted, cid))
        assert s.of(BalanceUpdated)[0].total == Decimal("2")
        assert s.connector.balances()["BTC"].available == Decimal("1.5")
        assert s.connector.user_stream.connections == 1

    with caplog.at_level(logging.WARNING):
        scenario(body)
    assert "user stream: skipped a frame that is not JSON" in caplog.text


def test_a_dropped_market_stream_reconnects_resubscribes_and_reloads_the_book() -> None:
    async def body(s: Live) -> None:
        assert s.venue.subscriptions["market"] == 1 and s.venue.count("GET", "/api/depth") == 1
        s.venue.bids[Decimal("99.5")] = Decimal("7")
        s.venue.update_id = 150
        await s.venue.drop_market()
        await eventually(lambda: s.venue.subscriptions["market"] == 2, what="resubscription")
        await eventually(lambda: s.connector.order_book(BTC).update_id == 150,
                         what="a fresh snapshot")
        assert s.venue.count("GET", "/api/depth") == 2
        assert s.connector.order_book(BTC).best_bid == Decimal("99.5")
        await eventually(lambda: s.connector.ready)

    scenario(body)


def test_a_gap_in_book_updates_triggers_a_resync() -> None:
    async def body(s: Live) -> None:
        book = s.connector.order_book(BTC)
        await s.venue.depth_diff(101, 101, {"97": "5"})
        await eventually(lambda: book.update_id == 101)
        await s.venue.depth_diff(105, 106, {"96": "1"})   # 102..104 never sent
        await eventually(lambda: s.connector.order_books.resyncs == 1, what="a resync")
        await eventually(lambda: book.update_id == 106 and book.loaded)
        assert s.venue.count("GET", "/api/depth") == 2
        assert (Decimal("96"), Decimal("1")) in book.bids
        await s.venue.push_market({"ch": "trade", "symbol": "BTCUSDT", "id": 7,
                                   "price": "100.25", "amount": "0.5", "side": "SELL",
                                   "time": 1_000})
        await s.venue.push_market({"ch": "kline", "symbol": "BTCUSDT"})
        await eventually(lambda: s.of(PublicTradeObserved))
        assert s.connector.order_books.last_trade_prices[BTC] == Decimal("100.25")

    scenario(body)


def test_cancel_all_cancels_only_the_orders_this_connector_placed() -> None:
    async def body(s: Live) -> None:
        assert await s.connector.cancel_all(timeout=1.0) == []
        foreign = s.venue.add_foreign_order("SOMEONE-ELSES-1")
        mine = [await s.place(), await s.place(price="99")]
        results = await s.connector.cancel_all(timeout=2.0)
        assert sorted(r.client_order_id for r in results) == sorted(mine)
        assert all(r.success for r in results)
        assert foreign.status == "NEW"
        # The cancel answer and the stream's CANCELED reports: one event each, not two.
        await s.venue.push_user({"ch": "order", **s.venue.orders[mine[0]].report(1.0)})
        await s.venue.push_user({"ch": "balance", "asset": "X", "total": "1", "available": "1"})
        await eventually(lambda: s.of(BalanceUpdated), what="the stream to catch up")
        for cid in mine:
            assert s.kinds(cid) == ["OrderCreated", "OrderCancelled"]
        assert s.venue.count("DELETE", "/api/openOrders") == 0  # never without exclusivity

    scenario(body)


def test_an_exclusive_account_cancels_in_bulk_then_one_by_one_for_the_rest() -> None:
    async def body(s: Live) -> None:
        mine = [await s.place(), await s.place(price="99")]
        s.venue.orders[mine[1]].symbol = "OTHER"  # the bulk cancel misses this one
        results = await s.connector.cancel_all(timeout=2.0)
        assert [(r.client_order_id, r.success) for r in results] == [(cid, True) for cid in mine]
        assert s.venue.count("DELETE", "/api/openOrders") == 1
        assert s.venue.count("DELETE", "/api/order") == 1
        for cid in mine:
            assert s.kinds(cid) == ["OrderCreated", "OrderCancelled"]

    scenario(body, exclusive_account=True)


@pytest.mark.parametrize("options", [{"bulk_cancel": False}, {"bulk_cancel": True}])
def test_without_a_working_bulk_cancel_orders_are_cancelled_one_by_one(
        options: dict[str, Any]) -> None:
    async def body(s: Live) -> None:
        s.venue.failing["/api/openOrders"] = 1   # when there is one, it fails this time
        mine = [await s.place(), await s.place(price="99")]
        results = await s.connector.cancel_all(timeout=2.0)
        assert [(r.client_order_id, r.success) for r in results] == [(cid, True) for cid in mine]
        assert s.venue.count("DELETE", "/api/order") == 2

    scenario(body, exclusive_account=True, options=options)


def test_cancel_all_reports_orders_it_could_not_cancel_in_time() -> None:
    async def body(s: Live) -> None:
        cid = await s.place()
        s.venue.hang_cancel = True
        results = await s.connector.cancel_all(timeout=0.1)
        assert [(r.client_order_id, r.success, r.reason) for r in results] == \
            [(cid, False, "timed out")]
        assert s.connector.get_order(cid).state is OrderState.OPEN  # type: ignore[union-attr]

    scenario(body)


def test_refused_and_impossible_cancels_change_nothing() -> None:
    async def body(s: Live) -> None:
        cid = await s.place()
        s.venue.refuse_cancel.add(cid)
        result = await s.connector.cancel(cid)
        assert not result.success and "cannot be cancelled" in (result.reason or "")
        assert s.connector.get_order(cid).state is OrderState.OPEN  # type: ignore[union-attr]
        assert s.kinds(cid) == ["OrderCreated"]
        s.venue.unknown_orders.add(cid)
        result = await s.connector.cancel(cid)
        assert not result.success and (result.reason or "").startswith("not found")
        assert s.connector.get_order(cid).not_found_count == 1  # type: ignore[union-attr]
        unknown = await s.connector.cancel("never-placed")
        assert unknown.reason == "not an order this connector placed"
        done = await s.place(price=None, order_type=OrderType.MARKET)
        assert (await s.connector.cancel(done)).reason == "already FILLED"

    scenario(body, poll_interval=10_000.0)


def test_a_cancel_answered_with_a_fill_reports_the_real_state() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.1")
        await s.venue.fill(cid, "0.1", push=False)
        s.venue.orders[cid].status = "NEW"    # the cancel races the fill on the exchange
        result = await s.connector.cancel(cid)
        # The answer shows fills the connector had not seen: it fetches them first, so the
        # order is FILLED and the cancel did not happen.
        assert (result.success, result.reason) == (False, "order is FILLED")
        assert s.kinds(cid) == ["OrderCreated", "OrderFilled", "OrderCompleted"]
        assert s.connector.get_order(cid).state is OrderState.FILLED  # type: ignore[union-attr]

    scenario(body, poll_interval=10_000.0)


def test_status_polling_fetches_fills_the_stream_missed() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.5")
        await s.venue.fill(cid, "0.2", push=False)
        await s.venue.fill(cid, "0.3", push=False)
        await s.connector.poll_order_status()
        assert s.kinds(cid) == ["OrderCreated", "OrderFilled", "OrderFilled", "OrderCompleted"]
        assert s.venue.count("GET", "/api/fills") == 1

    scenario(body, poll_interval=10_000.0)


def test_polling_survives_a_failing_fills_endpoint(caplog: pytest.LogCaptureFixture) -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.5")
        await s.venue.fill(cid, "0.5", push=False)
        s.venue.fills_unavailable = True
        s.venue.failing["/api/balances"] = 1
        await s.connector.poll_order_status()
        assert s.kinds(cid) == ["OrderCreated", "OrderCompleted"]
        with pytest.raises(Exception, match="HTTP 503"):
            await s.connector.update_balances()

    with caplog.at_level(logging.WARNING):
        scenario(body, poll_interval=10_000.0)
    assert "could not fetch fills of" in caplog.text


def test_an_order_not_found_n_times_is_lost_and_its_later_fills_still_count() -> None:
    async def body(s: Live) -> None:
        cid = await s.place(amount="0.1")
        s.venue.unknown_orders.add(cid)
        s.venue.failing["/api/order"] = 1   # a failed poll neither counts nor breaks polling
        for _ in range(4):
            await s.connector.poll_order_status()
        assert cid in s.connector.orders.lost and cid not in s.connector.tracked_orders
        assert s.kinds(cid) == ["OrderCreated"]
        await s.venue.fill(cid, "0.1")
        await eventually(lambda: s.of(OrderCompleted, cid), what="the lost order's fill")
        assert s.kinds(cid) == ["OrderCreated", "OrderFilled", "OrderCompleted"]

    scenario(body, poll_interval=10_000.0)


def test_an_order_the_exchange_never_received_fails_after_n_polls() -> None:
    async def body(s: Live) -> None:
        s.venue.hang_next_place = True
        cid = await s.place()
        s.venue.unknown_orders.add(cid)
        for _ in range(3):
            await s.connector.poll_order_status()
        assert s.kinds(cid) == ["OrderFailed"]
        assert "never received" in s.of(OrderFailed, cid)[0].reason

    scenario(body, poll_interval=10_000.0)


def test_check_network_reports_connected_and_not_connected() -> None:
    async def body(s: Live) -> None:
        assert await s.connector.check_network() is NetworkStatus.CONNECTED
        s.venue.failing["/api/ping"] = 1
        assert await s.connector.check_network() is NetworkStatus.NOT_CONNECTED

    scenario(body, start=False)


def test_check_network_is_not_connected_when_nothing_listens() -> None:
    async def body(s: Live) -> None:
        assert await s.connector.check_network() is NetworkStatus.NOT_CONNECTED
        assert await s.connector.fetch_trading_pairs() == []

    scenario(body, start=False, urls={"rest": "http://127.0.0.1:1"})


def test_cancelling_check_network_propagates_cancelled_error() -> None:
    async def body(s: Live) -> None:
        s.venue.hang_ping = True
        task = asyncio.create_task(s.connector.check_network())
        await eventually(lambda: s.venue.count("GET", "/api/ping") == 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    scenario(body, start=False, request_timeout=5.0)


def test_cancelling_a_placement_in_flight_propagates_and_keeps_the_order_pending() -> None:
    async def body(s: Live) -> None:
        s.venue.hang_next_place = True
        task = asyncio.create_task(s.place())
        await eventually(lambda: s.venue.count("POST", "/api/order") == 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        (order,) = s.connector.orders.orders.values()
        assert order.state is OrderState.PENDING_CREATE

    scenario(body, request_timeout=5.0, poll_interval=10_000.0)


def test_failures_while_starting_are_retried_until_ready() -> None:
    async def body(s: Live) -> None:
        s.venue.failing.update({"/api/markets": 2, "/api/balances": 2, "/api/depth": 1})
        await s.connector.start()
        async with asyncio.timeout(5):
            await s.connector.wait_ready()
        assert s.venue.count("GET", "/api/markets") >= 3
        assert s.venue.count("GET", "/api/balances") >= 3

    scenario(body, start=False)


def test_urls_default_to_production_and_config_overrides_them() -> None:
    async def body(s: Live) -> None:
        assert s.connector.url("ws_private", "/ws/user").startswith("ws://127.0.0.1:")
        assert s.connector.url("ws_public") == "wss://stream.fake.example"

    scenario(body, start=False, urls={"ws_private": "ws://127.0.0.1:9/"})


def test_ready_is_signalled_when_the_order_book_is_the_last_part_to_load() -> None:
    async def body(s: Live) -> None:
        s.venue.depth_gate = asyncio.Event()
        await s.connector.start()
        waiter = asyncio.create_task(s.connector.wait_ready())
        others = ("symbols", "trading_rules", "balances", "user_stream")
        await eventually(lambda: all(s.connector.status[part] for part in others))
        assert not waiter.done()
        s.venue.depth_gate.set()
        async with asyncio.timeout(3):
            await waiter
        assert s.connector.ready

    # No balance poll and no market message wakes the waiter: only the book loading can.
    scenario(body, start=False, poll_interval=10_000.0)
