"""DoubleServer end to end with a toy wire format: REST, WS pushes, the request log, reset."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp
import pytest
from double_server_helpers import KEY, PAIR, recv_json, run, toy, toy_exchange, until_connected
from double_toy_wire import ToyWire
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from harness.double import (
    DoubleServer,
    DoubleWsConnection,
    ExchangeEvent,
    OrderStatus,
)
from harness.standard.enums import TradeSide


def test_rest_place_query_cancel_and_user_stream_events() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            await until_connected(t.server, 1, "user")
            response = await t.place("a", qty="2", price="100.5")
            assert response.status == 200
            placed = await response.json()
            assert placed["status"] == "NEW" and placed["clientId"] == "a"
            pushed = [await recv_json(ws), await recv_json(ws)]
            assert [p["e"] for p in pushed] == ["OrderAccepted", "balances"]
            (balance,) = pushed[1]["B"]
            assert (balance["a"], Decimal(balance["f"]), Decimal(balance["l"])) == \
                ("USDT", Decimal("9799"), Decimal("201"))

            status = await t.http.get(t.url("/api/order"),
                                      params={"symbol": "BTCUSDT", "clientId": "a"})
            assert (await status.json())["orderId"] == placed["orderId"]
            cancel = await t.http.delete(t.url("/api/order"),
                                         params={"symbol": "BTCUSDT", "orderId": "1"})
            assert (await cancel.json())["status"] == "CANCELED"
            assert (await recv_json(ws))["e"] == "OrderCanceled"
            again = await t.http.delete(t.url("/api/order"),
                                        params={"symbol": "BTCUSDT", "orderId": "1"})
            assert again.status == 400 and (await again.json())["code"] == "NOT_OPEN"
            assert t.server.request_log.operations() == [
                "ws_connect", "place", "status", "cancel", "cancel"]
            assert [e.status for e in t.server.request_log] == [None, 200, 200, 200, 400]
            assert t.server.request_log[0].detail == "/ws/user"
            assert t.server.invalid_requests() == [] and t.server.errors == []

    run(scenario())


def test_fills_and_trades_over_rest_and_both_streams() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as user, \
                connect(t.ws_url("/ws/market")) as market:
            await until_connected(t.server, 1, "market")
            await until_connected(t.server, 1, "user")
            t.exchange.seed_liquidity(PAIR, TradeSide.SELL, Decimal("100"), Decimal("1"))
            depth = await recv_json(market)
            assert depth == {"e": "depth", "U": 1, "u": 1, "b": [], "a": [["100", "1"]]}
            response = await t.place("m", qty="0.5", price=None, order_type="MARKET")
            assert (await response.json())["status"] == "FILLED"
            kinds = [(await recv_json(user))["e"] for _ in range(3)]
            assert kinds == ["OrderAccepted", "trade", "balances"]
            assert await asyncio.wait_for(market.recv(), 2) == "trade 1 0.5@100"
            assert (await recv_json(market))["a"] == [["100", "0.5"]]
            trades = await t.http.get(t.url("/api/trades"),
                                      params={"symbol": "BTCUSDT", "orderId": "1"})
            (trade,) = await trades.json()
            assert (trade["id"], Decimal(trade["qty"]), Decimal(trade["fee"]),
                    trade["feeAsset"]) == (1, Decimal("0.5"), Decimal("0.0005"), "BTC")
            depth_rest = await t.http.get(t.url("/api/depth"), params={"symbol": "BTCUSDT"})
            assert await depth_rest.json() == {"lastUpdateId": 2, "bids": [],
                                               "asks": [["100", "0.5"]]}

    run(scenario())


def test_invalid_requests_and_frames_are_logged_with_the_reason() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            no_key = await t.http.get(t.url("/api/balances"), headers={"X-Key": "wrong"})
            assert no_key.status == 401
            too_precise = await t.place("p", price="100.001")
            assert too_precise.status == 401
            assert t.exchange.orders() == []
            await ws.send('{"op": "ping", "id": 7}')
            assert await recv_json(ws) == {"id": 7, "pong": True}
            await ws.send("not json")
            await ws.send(b'{"op": "ping", "id": 8}')
            assert (await recv_json(ws))["id"] == 8
            invalid = t.server.invalid_requests()
            assert [(e.operation, e.invalid_reason) for e in invalid] == [
                ("balances", "missing or wrong X-Key"),
                ("place", "price 100.001 has more decimals than the tick size"),
                ("garbage", "frame is not JSON"),
            ]
            frames = [e for e in t.server.request_log if e.channel.value == "ws"]
            assert [e.operation for e in frames] == ["ws_connect", "ping", "garbage", "ping"]
            assert frames[1].detail == '{"op": "ping", "id": 7}' and frames[1].path == "/ws/user"

    run(scenario())


def test_bases_keep_their_path_and_every_original_maps_to_the_same_servers() -> None:
    async def scenario() -> None:
        async with toy() as t:
            server = t.server
            assert server.http_base_for("https://api.a.example/api/") == \
                f"http://127.0.0.1:{server.http_port}/api"
            assert server.http_base_for("https://other.example") == server.http_base
            assert server.ws_base_for("wss://ws.example:9443/ws-api/v3") == \
                f"ws://127.0.0.1:{server.ws_port}/ws-api/v3"
            unknown = await t.http.get(server.http_base + "/nowhere")
            assert unknown.status == 404 and t.server.request_log[0].operation == "unknown"
            with pytest.raises(ConnectionClosed) as closed:
                async with connect(t.ws_url("/ws/nowhere")) as ws:
                    await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4004
            (refused,) = server.invalid_requests()
            assert (refused.method, refused.invalid_reason) == (
                "CONNECT", "no stream at /ws/nowhere")

    run(scenario())


class BrokenWire(ToyWire):
    def operation_for(self, request):  # type: ignore[no-untyped-def]
        if request.path == "/api/explode-classify":
            raise RuntimeError("classify boom")
        return super().operation_for(request)

    async def handle_http(self, request, exchange):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/explode"):
            raise RuntimeError("handler boom")
        return await super().handle_http(request, exchange)

    async def on_ws_connect(self, conn: DoubleWsConnection) -> None:
        def render(event: ExchangeEvent) -> list[object]:
            raise RuntimeError("render boom")

        if conn.path == "/ws/broken":
            conn.subscribe("user", render)
        else:
            await super().on_ws_connect(conn)


def test_wire_layer_exceptions_become_500s_and_server_errors() -> None:
    async def scenario() -> None:
        exchange = toy_exchange()
        async with DoubleServer(exchange, BrokenWire()) as server, \
                aiohttp.ClientSession(headers=KEY) as http, \
                connect(server.ws_base + "/ws/broken"), \
                connect(server.ws_base + "/ws/user") as good:
            await until_connected(server, 2, "user")
            response = await http.get(server.http_base + "/api/explode")
            assert response.status == 500
            response = await http.get(server.http_base + "/api/explode-classify")
            assert response.status == 500 and server.request_log[-1].operation == "?"
            exchange.deposit("BTC", Decimal("1"))
            assert (await recv_json(good))["e"] == "delta"  # others still get their events
            # Two handlers, one classifier, and the renderer for BalanceDelta + BalancesChanged.
            assert len(server.errors) == 5
            assert "render boom" in server.errors[-1]

    run(scenario())


def test_reset_reuses_the_sockets_with_fresh_state() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            ports = (t.server.http_port, t.server.ws_port)
            await until_connected(t.server, 1, "user")
            await t.place("a")
            t.faults.fail_next("place")
            await t.server.reset()
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            assert (t.server.http_port, t.server.ws_port) == ports
            assert len(t.server.request_log) == 0 and t.exchange.orders() == []
            assert t.faults.pending == 0
            t.exchange.set_balance("USDT", Decimal("1000"))
            response = await t.place("a")
            assert (await response.json())["orderId"] == 1
            async with connect(t.ws_url("/ws/user")) as again:
                await until_connected(t.server, 1, "user")
                t.exchange.cancel(1)
                assert (await recv_json(again))["status"] == OrderStatus.CANCELED.value

    run(scenario())


def test_server_starts_and_stops_repeatedly_and_serves_hundreds_of_requests() -> None:
    # Correctness only: how fast it does so is a benchmark's business (harness bench), not a
    # timed test's, which fails on a loaded machine for no fault of the code.
    async def scenario() -> list[int]:
        exchange = toy_exchange()
        for _ in range(20):
            server = await DoubleServer(exchange, ToyWire()).start()
            await server.stop()
        statuses = []
        async with toy() as t:
            for _ in range(300):
                response = await t.http.get(t.url("/api/time"))
                await response.read()
                statuses.append(response.status)
        return statuses

    assert run(scenario()) == [200] * 300


def test_events_and_drops_from_another_thread_reach_clients_on_the_loop() -> None:
    async def scenario() -> None:
        async with toy() as t, connect(t.ws_url("/ws/user")) as ws:
            await until_connected(t.server, 1, "user")
            await asyncio.to_thread(t.exchange.deposit, "BTC", Decimal("1"))
            assert (await recv_json(ws))["e"] == "delta"
            await asyncio.to_thread(t.faults.drop_ws, "user")
            with pytest.raises(ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.recv(), 2)

    run(scenario())
