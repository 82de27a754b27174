"""Conformance replay (REST): what correct clients other than ours send is answered; what no
correct client could send is refused, naming the closest interaction and the rule.

Each accepted difference is one that Hummingbot's or ccxt's Binance connector makes (issue
14); each is paired with an illegal variant. The client is plain aiohttp (binance_client).
"""

from __future__ import annotations

from binance_client import binance_replay, order, refusal

from tests.fixtures.aio import run


def test_server_time_first_is_answered_even_where_the_scenario_never_recorded_it() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, body = await client.call("GET", "/api/v3/time")
            assert status == 200 and isinstance(body["serverTime"], int)
            status, _ = await client.call("GET", "/api/v3/exchangeInfo")
            assert status == 200 and not client.replay.mismatches
    run(scenario())


def test_an_endpoint_the_scenario_cannot_answer_is_refused_with_the_closest() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, body = await client.call("GET", "/api/v3/avgPrice", [("symbol", "BTCUSDT")])
            assert status == 500 and "harness_unmatched" in body
            assert "closest recorded interactions" in refusal(client.replay)
    run(scenario())


def test_exchange_info_is_answered_as_often_as_asked() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            for _ in range(3):
                status, body = await client.call("GET", "/api/v3/exchangeInfo")
                assert status == 200 and len(body["symbols"]) == 2
            status, body = await client.call("GET", "/api/v3/exchangeInfo",
                                             [("symbol", "ETHUSDT")])
            assert status == 200 and [s["symbol"] for s in body["symbols"]] == ["ETHUSDT"]
            assert not client.replay.mismatches
    run(scenario())


def test_exchange_info_for_a_symbol_the_scenario_lacks_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, _ = await client.call("GET", "/api/v3/exchangeInfo", [("symbol", "SOLUSDT")])
            assert status == 500
            assert "symbol=SOLUSDT names nothing this scenario holds" in refusal(client.replay)
    run(scenario())


def test_my_trades_with_start_time_gets_the_trades_since_then() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_polling") as client:
            placed = await client.call("POST", "/api/v3/order", [
                ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"),
                ("quantity", "0.01"), ("newClientOrderId", "CH-Bt1"), ("price", "30000"),
                ("timeInForce", "GTC")], signed=True)
            assert placed[0] == 200, placed
            first = await client.call("GET", "/api/v3/myTrades", [("symbol", "BTCUSDT")],
                                      signed=True)
            status, everything = await client.call("GET", "/api/v3/myTrades",
                                                   [("symbol", "BTCUSDT")], signed=True)
            assert first[0] == status == 200 and len(everything) >= 2
            since = str(max(trade["time"] for trade in everything))
            status, recent = await client.call(
                "GET", "/api/v3/myTrades", [("symbol", "BTCUSDT"), ("startTime", since)],
                signed=True)
            assert status == 200 and 1 <= len(recent) < len(everything)
            assert all(trade["time"] >= int(since) for trade in recent)
            assert not client.replay.mismatches
    run(scenario())


def test_no_trades_before_the_order_that_made_them_was_placed() -> None:
    # Hummingbot polls its symbols' trades from its start: before its order is placed the
    # scenario's trades (recorded after the placement) do not exist yet.
    async def scenario() -> None:
        async with binance_replay("fills_by_polling") as client:
            before = await client.call("GET", "/api/v3/myTrades", [("symbol", "BTCUSDT")],
                                       signed=True)
            assert before == (200, [])
            await client.call("POST", "/api/v3/order", [
                ("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"),
                ("quantity", "0.01"), ("newClientOrderId", "CH-Bt1"), ("price", "30000"),
                ("timeInForce", "GTC")], signed=True)
            status, after = await client.call("GET", "/api/v3/myTrades",
                                              [("symbol", "BTCUSDT")], signed=True)
            assert status == 200 and [trade["id"] for trade in after] == [100]
    run(scenario())


def test_my_trades_of_an_order_the_scenario_lacks_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_polling", refused=True) as client:
            status, _ = await client.call("GET", "/api/v3/myTrades",
                                          [("symbol", "BTCUSDT"), ("orderId", "999")], signed=True)
            assert status == 500 and "orderId=999 but the scenario has 50" in refusal(
                client.replay)
    run(scenario())


def test_a_symbols_trades_the_scenario_never_recorded_are_none() -> None:
    # Hummingbot polls each symbol's trades; exchange.yaml: default [] unless orderId.
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, trades = await client.call("GET", "/api/v3/myTrades",
                                               [("symbol", "ETHUSDT")], signed=True)
            assert (status, trades) == (200, [])
            assert not client.replay.mismatches
    run(scenario())


def test_ticker_24hr_is_answered_from_the_exchange_declaration() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, body = await client.call("GET", "/api/v3/ticker/24hr",
                                             [("symbol", "ETHUSDT")])
            assert status == 200 and body["symbol"] == "ETHUSDT"
            status, body = await client.call("GET", "/api/v3/ticker/24hr")
            assert status == 200 and {t["symbol"] for t in body} == {"BTCUSDT", "ETHUSDT"}

def test_ticker_24hr_for_a_symbol_the_scenario_lacks_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, _ = await client.call("GET", "/api/v3/ticker/24hr", [("symbol", "SOLUSDT")])
            assert status == 500 and "SOLUSDT" in refusal(client.replay)
    run(scenario())


def test_account_without_omit_zero_balances_is_answered() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            status, body = await client.call("GET", "/api/v3/account", signed=True)
            assert status == 200 and body["balances"]
            status, body = await client.call("GET", "/api/v3/account",
                                             [("omitZeroBalances", "true")], signed=True)
            assert status == 200 and all(
                float(b["free"]) or float(b["locked"]) for b in body["balances"])
            assert not client.replay.mismatches
    run(scenario())


def test_an_unsigned_request_to_a_signed_endpoint_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream", refused=True) as client:
            status, _ = await client.call("GET", "/api/v3/account")
            assert status == 500
            assert "request_verifier rejected it (no X-MBX-APIKEY header)" in refusal(
                client.replay)
    run(scenario())


def test_an_amount_with_trailing_zeros_is_the_same_amount() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, body = await client.call("POST", "/api/v3/order",
                                             order(quantity="0.01000000", price="30000.00"),
                                             signed=True)
            assert status == 200 and body["orderId"] == 28, body
    run(scenario())


def test_a_different_amount_is_refused_naming_the_placement_and_the_rule() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, _ = await client.call("POST", "/api/v3/order", order(quantity="0.02"),
                                          signed=True)
            assert status == 500
            message = refusal(client.replay)
            assert "'place'" in message
            assert "params failed: quantity=0.02 but the scenario has 0.01" in message
    run(scenario())


def test_the_clients_own_order_id_and_response_type_are_honoured() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, body = await client.call(
                "POST", "/api/v3/order",
                order(newClientOrderId="x-HBOT-B1", newOrderRespType="ACK"), signed=True)
            assert status == 200, body
            assert body["clientOrderId"] == "x-HBOT-B1" and body["orderId"] == 28
            assert set(body) == {"symbol", "orderId", "orderListId", "clientOrderId",
                                 "transactTime"}
    run(scenario())


def test_a_wrong_side_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, _ = await client.call("POST", "/api/v3/order",
                                          order(side="SELL", newClientOrderId="x-HBOT-B1"),
                                          signed=True)
            assert status == 500
            assert "side=SELL but the scenario has BUY" in refusal(client.replay)
    run(scenario())


def test_a_form_body_labelled_json_is_read_as_the_form_it_is() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy") as client:
            status, body = await client.call("POST", "/api/v3/order",
                                             order(newClientOrderId="x-HBOT-B1"), signed=True,
                                             body=True, content_type="application/json")
            assert status == 200 and body["clientOrderId"] == "x-HBOT-B1", body
    run(scenario())


def test_a_form_body_labelled_json_with_a_wrong_symbol_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", refused=True) as client:
            status, _ = await client.call("POST", "/api/v3/order", order(symbol="ETHUSDT"),
                                          signed=True, body=True,
                                          content_type="application/json")
            assert status == 500
            assert "symbol=ETHUSDT but the scenario has BTCUSDT" in refusal(client.replay)
    run(scenario())


def test_markets_loaded_first_then_balance_and_order_in_any_order() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream") as client:
            for path in ("/api/v3/exchangeInfo", "/api/v3/exchangeInfo"):
                assert (await client.call("GET", path))[0] == 200
            assert (await client.call("POST", "/api/v3/order", order(), signed=True))[0] == 200
            assert (await client.call("GET", "/api/v3/account", signed=True))[0] == 200
            assert (await client.call("GET", "/api/v3/time"))[0] == 200
            assert not client.replay.mismatches
    run(scenario())


def test_a_second_placement_the_scenario_holds_once_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_stream", refused=True) as client:
            assert (await client.call("POST", "/api/v3/order", order(), signed=True))[0] == 200
            status, _ = await client.call("POST", "/api/v3/order", order(), signed=True)
            assert status == 500 and "already served" in refusal(client.replay)
    run(scenario())


def test_strict_replay_still_refuses_a_changed_request() -> None:
    async def scenario() -> None:
        async with binance_replay("place_limit_buy", strict=True, refused=True) as client:
            status, _ = await client.call(
                "POST", "/api/v3/order",
                order(quantity="0.01000000", newClientOrderId="CH-Bt1",
                      newOrderRespType="FULL"), signed=True)
            assert status == 500
            assert "quantity=0.01000000 but recorded 0.01" in refusal(client.replay)
    run(scenario())


def test_status_polls_name_the_order_by_the_clients_own_id_or_the_exchanges() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_polling") as client:
            status, placed = await client.call("POST", "/api/v3/order",
                                               order(newClientOrderId="x-HBOT-B1"), signed=True)
            assert status == 200 and placed["clientOrderId"] == "x-HBOT-B1"
            states = []
            for ref in (("origClientOrderId", "x-HBOT-B1"), ("orderId", str(placed["orderId"])),
                        ("origClientOrderId", "x-HBOT-B1"), ("origClientOrderId", "x-HBOT-B1")):
                status, body = await client.call("GET", "/api/v3/order",
                                                 [("symbol", "BTCUSDT"), ref], signed=True)
                assert status == 200 and body["clientOrderId"] == "x-HBOT-B1", body
                states.append(body["status"])
            assert states[-1] == states[-2] == "FILLED"  # the latest state, as often as asked
            assert not client.replay.mismatches
    run(scenario())


def test_a_status_poll_for_another_clients_order_is_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("fills_by_polling", refused=True) as client:
            assert (await client.call("POST", "/api/v3/order",
                                      order(newClientOrderId="x-HBOT-B1"), signed=True))[0] == 200
            status, _ = await client.call("GET", "/api/v3/order",
                                          [("symbol", "BTCUSDT"), ("origClientOrderId", "CH-X9")],
                                          signed=True)
            assert status == 500
            assert "origClientOrderId=CH-X9 names no order of this scenario (it has orderId=50)" \
                in refusal(client.replay)
    run(scenario())


def test_a_request_for_every_ticker_sees_the_later_one_symbol_price() -> None:
    # ccxt asks /ticker/price without a symbol twice; the scenario recorded the later price
    # only as the ?symbol=BTCUSDT answer (one object): the second all-symbols answer is the
    # first one with BTCUSDT's entry updated from it (exchange.yaml: overlay).
    async def scenario() -> None:
        async with binance_replay("last_prices") as client:
            prices = []
            for _ in range(2):
                status, body = await client.call("GET", "/api/v3/ticker/price")
                assert status == 200 and isinstance(body, list) and len(body) == 4, body
                prices.append({t["symbol"]: t["price"] for t in body})
            assert prices[0]["BTCUSDT"] == "30000.10000000"
            assert prices[1] == {**prices[0], "BTCUSDT": "30000.20000000"}
            status, body = await client.call("GET", "/api/v3/ticker/price",
                                             [("symbol", "BTCUSDT")])
            assert status == 200 and body == {"symbol": "BTCUSDT", "price": "30000.20000000"}
            status, body = await client.call("GET", "/api/v3/ticker/price",
                                             [("symbol", "ETHUSDT")])  # from the wide answer
            assert status == 200 and body == {"symbol": "ETHUSDT", "price": "2000.05000000"}
            assert not client.replay.mismatches
    run(scenario())


def test_ticker_24hr_shows_the_prices_the_scenario_recorded_at_ticker_price() -> None:
    # Hummingbot reads a last price as /ticker/24hr?symbol=X lastPrice, one symbol at a
    # time; the scenario recorded its prices as /ticker/price answers (exchange.yaml:
    # view_of). The rest of each entry is the declared default.
    async def scenario() -> None:
        async with binance_replay("last_prices") as client:
            last = []
            for symbol in ("BTCUSDT", "ETHUSDT", "BTCUSDT"):
                status, body = await client.call("GET", "/api/v3/ticker/24hr",
                                                 [("symbol", symbol)])
                assert status == 200 and body["symbol"] == symbol, body
                last.append(body["lastPrice"])
            assert last == ["30000.10000000", "2000.05000000", "30000.20000000"]
            assert body["volume"] == "8913.30000000"
            status, body = await client.call("GET", "/api/v3/ticker/24hr")
            assert status == 200 and {t["symbol"]: t["lastPrice"] for t in body} == {
                "BTCUSDT": "30000.20000000", "ETHUSDT": "2000.05000000"}
            assert not client.replay.mismatches
    run(scenario())


def test_a_ticker_for_a_symbol_no_answer_holds_is_still_refused() -> None:
    async def scenario() -> None:
        async with binance_replay("last_prices", refused=True) as client:
            assert (await client.call("GET", "/api/v3/ticker/price"))[0] == 200
            status, _ = await client.call("GET", "/api/v3/ticker/price", [("symbol", "XRPUSDT")])
            assert status == 500
            assert "symbol=XRPUSDT names nothing this scenario holds" in refusal(client.replay)
    run(scenario())
