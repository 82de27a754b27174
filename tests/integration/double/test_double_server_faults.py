"""Each fault kind, as a client sees it through real sockets."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import aiohttp
import pytest
from double_server_helpers import eventually, recv_json, run, toy, until_connected
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError

SHORT = aiohttp.ClientTimeout(total=0.3)


def test_server_error_answers_5xx_without_executing() -> None:
    async def scenario() -> None:
        async with toy() as t:
            t.faults.fail_next("place", status=502)
            response = await t.place("a")
            assert response.status == 502 and await response.json() == {"code": "INTERNAL"}
            assert t.exchange.orders() == []
            assert (await t.place("a")).status == 200  # only the next one
            assert [e.fault for e in t.server.request_log] == ["server_error", None]
            assert [e.status for e in t.server.request_log] == [502, 200]

    run(scenario())


def test_executed_then_server_error_creates_the_order_and_answers_the_same_5xx() -> None:
    async def scenario() -> None:
        async with toy() as t:
            t.faults.execute_then_fail_next("place", status=502)
            response = await t.place("a")
            # The client sees exactly what a 5xx without executing looks like...
            assert response.status == 502 and await response.json() == {"code": "INTERNAL"}
            # ...but the exchange created the order: only a query tells.
            order = t.exchange.order(client_order_id="a")
            assert order is not None and order.is_open
            assert [e.fault for e in t.server.request_log] == ["executed_then_server_error"]

    run(scenario())


def test_rate_limit_answers_429_with_retry_after() -> None:
    async def scenario() -> None:
        async with toy() as t:
            t.faults.rate_limit_next("*", 2, retry_after=2.5)
            first = await t.http.get(t.url("/api/time"))
            second = await t.http.get(t.url("/api/balances"))
            assert (first.status, first.headers["Retry-After"]) == (429, "2.5")
            assert second.status == 429 and await second.json() == {"code": "RATE"}
            assert (await t.http.get(t.url("/api/time"))).status == 200

    run(scenario())


def test_time_error_is_rendered_by_the_wire_layer() -> None:
    async def scenario() -> None:
        async with toy() as t:
            t.faults.time_error_next("place")
            response = await t.place("a")
            assert response.status == 400 and await response.json() == {"code": "TIMESTAMP"}
            assert t.exchange.orders() == []

    run(scenario())


def test_timeout_holds_the_request_until_the_client_gives_up() -> None:
    async def scenario() -> None:
        async with toy() as t:
            t.faults.timeout_next("place")
            began = time.perf_counter()
            with pytest.raises(asyncio.TimeoutError):
                await t.place("a", timeout=SHORT)
            assert time.perf_counter() - began >= 0.29
            assert t.exchange.orders() == []
            await eventually(lambda: t.server.held == 0)  # the server noticed the client left
            assert t.server.request_log[0].status is None
            assert t.server.request_log[0].fault == "timeout"

    run(scenario())


def test_accepted_then_timeout_executes_but_never_answers() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            await until_connected(t.server, 1, "user")
            t.faults.accept_then_timeout_next("place")
            with pytest.raises(asyncio.TimeoutError):
                await t.place("a", timeout=SHORT)
            order = t.exchange.order(client_order_id="a")
            assert order is not None and order.is_open  # the unknown-outcome case
            assert (await recv_json(ws))["e"] == "OrderAccepted"  # the stream still tells

    run(scenario())


def test_released_holds_end_in_a_dropped_connection() -> None:
    async def scenario() -> None:
        async with toy(hold_limit=5.0) as t:
            # POST: aiohttp silently retries idempotent methods once after a disconnect.
            t.faults.timeout_next("place")
            pending = asyncio.create_task(t.place("a"))
            await eventually(lambda: t.server.held == 1)
            t.server.release_held()
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await pending

    run(scenario())


def test_hold_limit_bounds_a_hold_the_client_waits_out() -> None:
    async def scenario() -> None:
        async with toy(hold_limit=0.1) as t:
            t.faults.timeout_next("place")
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await t.place("a")
            t.faults.timeout_next("time")
            # aiohttp retries a GET once after a disconnect: the second try gets through.
            assert (await t.http.get(t.url("/api/time"))).status == 200
            assert t.server.request_log.operations() == ["place", "time", "time"]

    run(scenario())


def test_duplicate_reorder_and_delay_of_user_stream_events() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            await until_connected(t.server, 1, "user")
            t.faults.duplicate_next()
            t.exchange.deposit("BTC", Decimal("1"))  # BalanceDelta (dup) + BalancesChanged
            seqs = [(await recv_json(ws))["seq"] for _ in range(3)]
            assert seqs[0] == seqs[1] and seqs[2] == seqs[0] + 1

            t.faults.reorder_next()
            t.exchange.deposit("BTC", Decimal("1"))
            swapped = [(await recv_json(ws))["seq"] for _ in range(2)]
            assert swapped[0] == swapped[1] + 1

            t.faults.delay_next(0.2)
            began = time.perf_counter()
            t.exchange.deposit("BTC", Decimal("1"))
            late = [(await recv_json(ws))["seq"] for _ in range(2)]
            assert time.perf_counter() - began >= 0.19
            assert late[1] == late[0] + 1  # the delay keeps order: what follows waits too

    run(scenario())


def test_a_reordered_event_without_successor_is_released_later() -> None:
    async def scenario() -> None:
        async with toy(reorder_release=0.05) as t, connect(t.ws_url("/ws/user")) as ws:
            await until_connected(t.server, 1, "user")
            t.faults.reorder_next()
            t.exchange.set_balance("ETH", Decimal("1"))  # a single BalancesChanged
            assert (await recv_json(ws))["e"] == "balances"

    run(scenario())


def test_ws_faults_only_hit_their_kind() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as user, \
                connect(t.ws_url("/ws/market")) as market:
            await until_connected(t.server, 1, "market")
            await until_connected(t.server, 1, "user")
            t.faults.duplicate_next(kind="market")
            t.exchange.deposit("BTC", Decimal("1"))  # user events: not duplicated
            from harness.standard.enums import TradeSide
            t.exchange.seed_liquidity(t.exchange.markets()[0].pair, TradeSide.BUY,
                                      Decimal("99"), Decimal("1"))
            user_seqs = [(await recv_json(user))["seq"] for _ in range(2)]
            assert user_seqs[1] == user_seqs[0] + 1
            first, second = await recv_json(market), await recv_json(market)
            assert first == second and first["e"] == "depth"

    run(scenario())


def test_abrupt_drop_of_a_kind_is_seen_by_its_clients_only() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as user, \
                connect(t.ws_url("/ws/market")) as market:
            await until_connected(t.server, 1, "market")
            await until_connected(t.server, 1, "user")
            assert await t.server.drop_ws("user") == 1
            with pytest.raises(ConnectionClosedError) as dropped:
                await asyncio.wait_for(user.recv(), 2)
            assert dropped.value.rcvd is None  # no close frame: a network failure
            await market.send('{"op": "ping", "id": 1}')
            assert (await recv_json(market))["pong"] is True
            await eventually(lambda: len(t.server.connections) == 1)

    run(scenario())


def test_graceful_drop_from_the_plan_closes_every_connection_with_1001() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as user:
            await until_connected(t.server, 1, "user")
            t.faults.drop_ws(abrupt=False)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(user.recv(), 2)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            assert [a.fault.kind.value for a in t.faults.applied] == ["drop"]

    run(scenario())
