"""Bybit v5 payloads in the documented formats (bybit-exchange/docs, docs/v5: market/*,
order/*, account/wallet-balance.mdx, websocket/public/*, websocket/private/*, error.mdx),
and the requests BybitSpotConnector sends."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.cassette.builder import (
    SCRUBBED,
    SERVICE_UNAVAILABLE_HTML,
    Cassette,
    client,
    flow,
    server,
)

REST = "https://api.bybit.com"
WS_PRIVATE = "wss://stream.bybit.com/v5/private"
T0 = 1795248000000  # 2026-11-21T08:00:00Z (meta.date), ms
AUTH = {"X-BAPI-API-KEY": SCRUBBED, "X-BAPI-TIMESTAMP": str(T0), "X-BAPI-RECV-WINDOW": "5000",
        "X-BAPI-SIGN": SCRUBBED}
LIMIT_HEADERS = {"X-Bapi-Limit-Status": "49", "X-Bapi-Limit": "50",
                 "X-Bapi-Limit-Reset-Timestamp": str(T0 + 1000)}
SPOT, LINEAR = "spot", "linear"


class Profile:
    """Which product the cassettes being written are for: Bybit's one API differs by
    category in a few places (instruments, book depth, order fields, fees, positions)."""

    category = SPOT

    @property
    def linear(self) -> bool:
        return self.category == LINEAR

    @property
    def depth(self) -> str:
        return "200" if self.linear else "50"

    @property
    def ws_public(self) -> str:
        return f"wss://stream.bybit.com/v5/public/{self.category}"

    @property
    def connector(self) -> str:
        return "bybit_perpetual" if self.linear else "bybit"

    def fee_asset(self, spot_asset: str) -> str:
        """Linear fees are paid in the settle coin (feeCurrency is empty)."""
        return "USDT" if self.linear else spot_asset


P = Profile()


def use(category: str) -> None:
    P.category = category


def ok(result: Any, at: int = 0) -> dict[str, Any]:
    """The envelope of every v5 answer."""
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": T0 + at}


def error(code: int, msg: str, at: int = 0) -> dict[str, Any]:
    return {"retCode": code, "retMsg": msg, "result": {}, "retExtInfo": {}, "time": T0 + at}


# instruments-info ---------------------------------------------------------------------------------
def instrument(name: str, base: str, quote: str, *, status: str = "Trading",
               base_precision: str = "0.000001", tick: str = "0.01", min_amt: str = "5",
               max_limit_qty: str = "9000", symbol_id: int = 9) -> dict[str, Any]:
    lot = {"basePrecision": base_precision, "quotePrecision": "0.00000001",
           "minOrderQty": base_precision, "maxOrderQty": max_limit_qty, "minOrderAmt": min_amt,
           "maxOrderAmt": "8000000", "maxLimitOrderQty": max_limit_qty,
           "maxMarketOrderQty": str(Decimal(max_limit_qty) / 2),
           "postOnlyMaxLimitOrderSize": "60000"}
    return {"symbolId": symbol_id, "symbol": name, "baseCoin": base, "quoteCoin": quote,
            "innovation": "0", "status": status, "marginTrading": "utaOnly", "stTag": "0",
            "lotSizeFilter": lot, "priceFilter": {"tickSize": tick},
            "riskParameters": {"priceLimitRatioX": "0.005", "priceLimitRatioY": "0.01"},
            "symbolType": ""}


BTCUSDT = instrument("BTCUSDT", "BTC", "USDT", base_precision="0.00001")
ETHUSDT = instrument("ETHUSDT", "ETH", "USDT", base_precision="0.0001", min_amt="10",
                     max_limit_qty="100000", symbol_id=10)
# Spot has only Trading symbols by default; others appear when a status filter asks, and a
# connector must not trade them.
SOLBTC_CLOSED = instrument("SOLBTC", "SOL", "BTC", status="Closed", base_precision="0.001",
                           tick="0.000001", min_amt="0.0001", symbol_id=11)
XYZUSDT_PRELAUNCH = instrument("XYZUSDT", "XYZ", "USDT", status="PreLaunch", symbol_id=12)


def linear_instrument(spot: dict[str, Any]) -> dict[str, Any]:
    """The USDT perpetual of a spot instrument above, with the same tick and step."""
    lot, tick = spot["lotSizeFilter"], spot["priceFilter"]["tickSize"]
    return {"symbol": spot["symbol"], "symbolId": spot["symbolId"],
            "contractType": "LinearPerpetual", "status": spot["status"],
            "baseCoin": spot["baseCoin"], "quoteCoin": spot["quoteCoin"],
            "launchTime": "1585526400000", "deliveryTime": "0", "deliveryFeeRate": "",
            "priceScale": "2",
            "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00",
                               "leverageStep": "0.01"},
            "priceFilter": {"minPrice": tick, "maxPrice": "1999999.98", "tickSize": tick},
            "lotSizeFilter": {"maxOrderQty": lot["maxLimitOrderQty"],
                              "minOrderQty": lot["basePrecision"],
                              "qtyStep": lot["basePrecision"],
                              "postOnlyMaxOrderQty": lot["maxLimitOrderQty"],
                              "maxMktOrderQty": lot["maxMarketOrderQty"],
                              "minNotionalValue": lot["minOrderAmt"]},
            "unifiedMarginTrade": True, "fundingInterval": 480, "settleCoin": "USDT",
            "copyTrading": "both", "upperFundingRate": "0.00375",
            "lowerFundingRate": "-0.00375", "isPreListing": False, "preListingInfo": None,
            "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
            "symbolType": ""}


def instruments(symbols: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    chosen = symbols if symbols is not None else [BTCUSDT, ETHUSDT]
    if P.linear:
        chosen = [linear_instrument(s) if "lotSizeFilter" in s else
                  {k: v for k, v in linear_instrument({**BTCUSDT, **s}).items()
                   if k != "lotSizeFilter"} for s in chosen]
    return ok({"category": P.category, "list": chosen})


# wallet ---------------------------------------------------------------------------------------
def coin(name: str, wallet: str, locked: str, usd: str = "0") -> dict[str, Any]:
    return {"coin": name, "equity": wallet, "usdValue": usd, "walletBalance": wallet,
            "availableToWithdraw": "", "availableToBorrow": "", "borrowAmount": "0",
            "accruedInterest": "0", "totalOrderIM": "0", "totalPositionIM": "0",
            "totalPositionMM": "0", "unrealisedPnl": "0", "cumRealisedPnl": "0", "bonus": "0",
            "collateralSwitch": True, "marginCollateral": True, "locked": locked,
            "spotHedgingQty": "0", "spotBorrow": "0"}


COINS = [coin("BTC", "2", "0.5", "60000"), coin("USDT", "10250", "250", "10250"),
         coin("MNT", "2", "0", "1.6")]


def wallet_account(coins: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"accountType": "UNIFIED", "accountLTV": "0", "accountIMRate": "0",
            "accountMMRate": "0", "totalEquity": "70251.6", "totalWalletBalance": "70251.6",
            "totalMarginBalance": "70251.6", "totalAvailableBalance": "55251.6",
            "totalPerpUPL": "0", "totalInitialMargin": "0", "totalMaintenanceMargin": "0",
            "coin": coins if coins is not None else COINS}


def wallet(coins: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return ok({"list": [wallet_account(coins)]})


# order books ----------------------------------------------------------------------------------
def book(symbol: str, update_id: int, bids: list[list[str]], asks: list[list[str]]
         ) -> dict[str, Any]:
    return {"s": symbol, "b": bids, "a": asks, "ts": T0 + update_id % 1000, "u": update_id,
            "seq": 7_961_638_000 + update_id}


BTC_BOOK = book("BTCUSDT", 1000, [["30000.00", "1.5"], ["29999.50", "2"], ["29999.00", "0.75"]],
                [["30000.50", "1"], ["30001.00", "3"], ["30002.00", "0.4"]])
ETH_BOOK = book("ETHUSDT", 500, [["2000.00", "10"], ["1999.90", "5"]],
                [["2000.10", "8"], ["2000.20", "12"]])

def market_topics() -> list[str]:
    topics = [f"{kind}.{symbol}" for symbol in ("BTCUSDT", "ETHUSDT")
              for kind in (f"orderbook.{P.depth}", "publicTrade")]
    return topics + (["tickers.BTCUSDT", "tickers.ETHUSDT"] if P.linear else [])


def subscribe_market() -> dict[str, Any]:
    return client(flow({"op": "subscribe", "args": market_topics()}))


def market_ack(after_client: int = 0) -> dict[str, Any]:
    return server(flow({"success": True, "ret_msg": "subscribe",
                        "conn_id": "2324d924-aa4d-45b0-a858-7b8be29ab52b", "op": "subscribe"}),
                  after_client=after_client)


def book_message(kind: str, data: dict[str, Any], **after: Any) -> dict[str, Any]:
    return server(flow({"topic": f"orderbook.{P.depth}.{data['s']}", "type": kind,
                        "ts": data["ts"],
                        "data": {k: data[k] for k in ("s", "b", "a", "u", "seq")},
                        "cts": data["ts"] - 2}), **after)


def snapshot_frame(data: dict[str, Any], **after: Any) -> dict[str, Any]:
    return book_message("snapshot", data, **after)


def delta_frame(symbol: str, update_id: int, bids: list[list[str]], asks: list[list[str]],
                **after: Any) -> dict[str, Any]:
    return book_message("delta", book(symbol, update_id, bids, asks), **after)


def trade_frame(symbol: str, trade_id: str, price: str, qty: str, taker_side: str,
                **after: Any) -> dict[str, Any]:
    return server(flow({"topic": f"publicTrade.{symbol}", "type": "snapshot", "ts": T0 + 5,
                        "data": [{"T": T0 + 4, "s": symbol, "S": taker_side, "v": qty,
                                  "p": price, "L": "PlusTick", "i": trade_id, "BT": False,
                                  "RPI": False, "seq": 7_961_639_000}]}), **after)


# private stream -----------------------------------------------------------------------------
def auth() -> dict[str, Any]:
    # args: [api key, expires (ms), signature]; the key and signature are scrubbed and the
    # expiry follows the connector's clock, so the frame is matched on its op alone.
    return client(flow({"op": "auth", "args": [SCRUBBED, T0 + 10000, SCRUBBED]}),
                  ignore=["args"])


def auth_ack(after_client: int = 0, success: bool = True, message: str = "") -> dict[str, Any]:
    return server(flow({"success": success, "ret_msg": message, "op": "auth",
                        "conn_id": "cejreaspqfh3sjdnldmg-p"}), after_client=after_client)


def subscribe_private() -> dict[str, Any]:
    topics = ["order", "execution", "wallet"] + (["position"] if P.linear else [])
    return client(flow({"op": "subscribe", "args": topics}))


def private_ack(after_client: int = 2, delay: float | None = None,
                after_http: str | None = None) -> dict[str, Any]:
    return server(flow({"success": True, "ret_msg": "", "op": "subscribe",
                        "conn_id": "cejreaspqfh3sjdnldmg-p"}),
                  after_client=after_client if after_http is None else None, delay=delay,
                  after_http=after_http)


def private_frames() -> list[dict[str, Any]]:
    return [auth(), auth_ack(), subscribe_private(), private_ack()]


def topic_message(topic: str, data: list[dict[str, Any]], at: int = 150, **after: Any
                  ) -> dict[str, Any]:
    return server(flow({"id": f"592324{at:04d}d5bd-4f1b-9e1e-{topic}", "topic": topic,
                        "creationTime": T0 + at + 2, "data": data}), **after)


# REST helpers -------------------------------------------------------------------------------
def time_(c: Cassette, *, repeat: bool = True, id: str | None = None) -> None:
    c.http("GET", REST, "/v5/market/time",
           body=ok({"timeSecond": str(T0 // 1000), "timeNano": f"{T0}000000"}),
           repeat=repeat, id=id)


def instruments_(c: Cassette, symbols: list[dict[str, Any]] | None = None, *,
                 repeat: bool = False, id: str | None = None, status: int = 200,
                 body: Any = None, fault: str | None = None,
                 response_headers: dict[str, str] | None = None) -> None:
    c.http("GET", REST, "/v5/market/instruments-info", {"category": P.category}, status=status,
           message=_reason(status), body=body if body is not None else instruments(symbols),
           repeat=repeat, id=id, fault=fault, response_headers=response_headers)


def wallet_(c: Cassette, coins: list[dict[str, Any]] | None = None, *, repeat: bool = True,
            id: str | None = None, body: Any = None) -> None:
    c.http("GET", REST, "/v5/account/wallet-balance", {"accountType": "UNIFIED"},
           request_headers=AUTH, body=body if body is not None else wallet(coins),
           repeat=repeat, id=id, response_headers=LIMIT_HEADERS)


def orderbook_(c: Cassette, symbol: str, data: dict[str, Any], *, id: str | None = None,
               repeat: bool = False) -> None:
    # market/orderbook.mdx: the REST book has s, b, a, ts and u (no seq, unlike the stream).
    c.http("GET", REST, "/v5/market/orderbook",
           {"category": P.category, "symbol": symbol, "limit": P.depth},
           body=ok({k: data[k] for k in ("s", "b", "a", "ts", "u")}), id=id, repeat=repeat)


def start_traffic(c: Cassette, *, symbols: list[dict[str, Any]] | None = None,
                  coins: list[dict[str, Any]] | None = None, wallet_repeat: bool = True,
                  btc_book: dict[str, Any] | None = None, eth_book: dict[str, Any] | None = None,
                  market_frames: list[dict[str, Any]] | None = None,
                  user_frames: list[dict[str, Any]] | None = None,
                  extra_market: list[list[dict[str, Any]]] | None = None,
                  extra_user: list[list[dict[str, Any]]] | None = None,
                  stream_snapshots: bool = True,
                  positions: list[dict[str, Any]] | None = None,
                  payments: list[tuple[str, list[dict[str, Any]], bool]] | None = None,
                  **perpetual: Any) -> None:
    """Everything `start()` does: time, instruments, wallet, both books, both streams.
    Bybit pushes a snapshot of each subscribed book first; it equals the REST one here."""
    btc, eth = btc_book or BTC_BOOK, eth_book or ETH_BOOK
    time_(c)
    instruments_(c, symbols)
    wallet_(c, coins, repeat=wallet_repeat)
    orderbook_(c, "BTCUSDT", btc, id="depth_btc")
    orderbook_(c, "ETHUSDT", eth, id="depth_eth")
    snapshots = [snapshot_frame(btc), snapshot_frame(eth)] if stream_snapshots else []
    if P.linear:
        perpetual_traffic(c, positions, payments, **perpetual)
    c.ws(P.ws_public, [subscribe_market(), market_ack(), *snapshots, *(market_frames or [])])
    for frames in extra_market or []:
        c.ws(P.ws_public, frames)
    c.ws(WS_PRIVATE, [*private_frames(), *(user_frames or [])])
    for frames in extra_user or []:
        c.ws(WS_PRIVATE, frames)


# orders ---------------------------------------------------------------------------------------
ORDER_ID_BASE = 1_900_000_000_000_000_000


def oid(n: int) -> str:
    """A spot order id as Bybit writes them (a long number, as a string)."""
    return str(ORDER_ID_BASE + n)


def order_params(cid: str, *, side: str = "Buy", type_: str = "Limit", qty: str = "0.01",
                 price: str | None = "30000", tif: str | None = "GTC",
                 symbol: str = "BTCUSDT") -> dict[str, str]:
    """The JSON body of a BybitSpotConnector placement."""
    body: dict[str, Any] = {"category": P.category, "symbol": symbol, "side": side,
                            "orderType": type_, "qty": qty}
    if type_ == "Market":
        if not P.linear:
            body["marketUnit"] = "baseCoin"
    else:
        body["price"] = price or ""
        body["timeInForce"] = tif or "GTC"
    body["orderLinkId"] = cid
    if P.linear:
        body["positionIdx"] = 0  # one-way mode; an opening order
    return body


def place_(c: Cassette, body: dict[str, Any], *, order_id: str | None = None,
           response: Any = None, status: int = 200, id: str | None = "place",
           fault: str | None = None, repeat: bool = False, at: int = 100) -> None:
    if response is None:
        response = ok({"orderId": order_id, "orderLinkId": body["orderLinkId"]}, at)
    c.http("POST", REST, "/v5/order/create", json_body=body, request_headers=AUTH,
           status=status, message=_reason(status), body=response, id=id, fault=fault,
           repeat=repeat, response_headers=LIMIT_HEADERS if status == 200 else None)


def order_ref(cid: str) -> dict[str, str]:
    return {"category": P.category, "symbol": "BTCUSDT", "orderLinkId": cid}


def order_entry(cid: str, order_id: str, *, status: str, side: str = "Buy",
                type_: str = "Limit", price: str = "30000", qty: str = "0.01",
                executed: str = "0", value: str = "0", fee: str = "0", tif: str = "GTC",
                update: int = 200, category: str | None = None, reject: str = "EC_NoError"
                ) -> dict[str, Any]:
    """An order as realtime and the `order` topic show it (spot, unified account)."""
    leaves = Decimal(qty) - Decimal(executed) if status in ("New", "PartiallyFilled") else 0
    average = "" if Decimal(executed) == 0 else \
        format((Decimal(value) / Decimal(executed)).normalize(), "f")
    entry: dict[str, Any] = {} if category is None else {"category": category}
    entry.update({
        "orderId": order_id, "orderLinkId": cid, "blockTradeId": "", "symbol": "BTCUSDT",
        "price": price, "qty": qty, "side": side, "isLeverage": "0", "positionIdx": 0,
        "orderStatus": status, "cancelType": "CancelByUser" if "Cancel" in status else "UNKNOWN",
        "rejectReason": reject, "avgPrice": average, "leavesQty": str(leaves),
        "leavesValue": str(leaves * Decimal(price)), "cumExecQty": executed,
        "cumExecValue": value, "cumExecFee": fee, "timeInForce": tif, "orderType": type_,
        "stopOrderType": "", "orderIv": "",
        "marketUnit": "baseCoin" if type_ == "Market" and not P.linear else "",
        "triggerPrice": "0", "takeProfit": "0", "stopLoss": "0", "tpslMode": "",
        "ocoTriggerBy": "", "tpLimitPrice": "0", "slLimitPrice": "0", "tpTriggerBy": "",
        "slTriggerBy": "", "triggerDirection": 0, "triggerBy": "", "lastPriceOnCreated": "30000",
        "reduceOnly": False, "closeOnTrigger": False, "placeType": "", "smpType": "None",
        "smpGroup": 0, "smpOrderId": "", "createdTime": str(T0 + 100),
        "updatedTime": str(T0 + update)})
    if P.linear:  # order/open-order.mdx: no borrowing flag on derivatives, a create type
        entry.update({"isLeverage": "", "createType": "CreateByUser"})
    return entry


def realtime(entries: list[dict[str, Any]], at: int = 0) -> dict[str, Any]:
    return ok({"list": entries, "nextPageCursor": "", "category": P.category}, at)


def status_(c: Cassette, cid: str, entries: list[dict[str, Any]], *, id: str | None = None,
            repeat: bool = False, body: Any = None, status: int = 200) -> None:
    c.http("GET", REST, "/v5/order/realtime", order_ref(cid), request_headers=AUTH,
           status=status, message=_reason(status),
           body=body if body is not None else realtime(entries), id=id, repeat=repeat,
           response_headers=LIMIT_HEADERS)


def cancel_(c: Cassette, cid: str, *, order_id: str | None = None, body: Any = None,
            status: int = 200, id: str | None = None, repeat: bool = False) -> None:
    if body is None:
        body = ok({"orderId": order_id, "orderLinkId": cid}, 300)
    c.http("POST", REST, "/v5/order/cancel", json_body=order_ref(cid), request_headers=AUTH,
           status=status, message=_reason(status), body=body, id=id, repeat=repeat,
           response_headers=LIMIT_HEADERS if status == 200 else None)


def execution(cid: str, order_id: str, exec_id: str, price: str, qty: str, fee: str,
              fee_coin: str, *, side: str = "Buy", maker: bool = True, at: int = 200,
              order_qty: str = "0.01", leaves: str = "0", order_price: str = "30000",
              type_: str = "Limit", category: str | None = None) -> dict[str, Any]:
    """An execution as execution/list and the `execution` topic show it (spot)."""
    entry: dict[str, Any] = {} if category is None else {"category": category}
    entry.update({
        "symbol": "BTCUSDT", "orderId": order_id, "orderLinkId": cid, "side": side,
        "orderPrice": order_price, "orderQty": order_qty, "leavesQty": leaves,
        "orderType": type_, "stopOrderType": "", "execFee": fee, "execId": exec_id,
        "execPrice": price, "execQty": qty, "execType": "Trade",
        "execValue": str(Decimal(price) * Decimal(qty)), "execTime": str(T0 + at),
        "feeCurrency": "" if P.linear else fee_coin, "isMaker": maker, "feeRate": "0.001",
        "tradeIv": "",
        "markIv": "", "markPrice": "", "indexPrice": "", "underlyingPrice": "",
        "blockTradeId": "", "closedSize": "", "seq": 4_688_002_000 + at, "extraFees": ""})
    if P.linear:  # order/execution.mdx: derivatives name the create type and the mark price
        entry.update({"createType": "CreateByUser", "markPrice": price})
    return entry


def executions_(c: Cassette, cid: str, entries: list[dict[str, Any]], *,
                id: str | None = None, repeat: bool = False) -> None:
    # execution/list answers newest first.
    body = ok({"nextPageCursor": "", "category": P.category, "list": list(reversed(entries))})
    c.http("GET", REST, "/v5/execution/list", order_ref(cid), request_headers=AUTH, body=body,
           id=id, repeat=repeat, response_headers=LIMIT_HEADERS)


def ping_(c: Cassette, *, id: str | None = "go", status: int = 200, fault: str | None = None,
          body: Any = None) -> None:
    """The check's ping: Bybit has no ping endpoint; the connector asks the system status
    (an empty list: no maintenance announced)."""
    c.http("GET", REST, "/v5/system/status", status=status, message=_reason(status),
           body=body if body is not None else ok({"list": []}), id=id, fault=fault)


def order_message(entry: dict[str, Any], at: int = 150, **after: Any) -> dict[str, Any]:
    return topic_message("order", [{"category": P.category, **entry}], at, **after)


def execution_message(entry: dict[str, Any], at: int = 200, **after: Any) -> dict[str, Any]:
    return topic_message("execution", [{"category": P.category, **entry}], at, **after)


def wallet_message(coins: list[dict[str, Any]], at: int = 400, **after: Any) -> dict[str, Any]:
    return topic_message("wallet", [wallet_account(coins)], at, **after)


def _reason(status: int) -> str:
    return {200: "OK", 400: "Bad Request", 403: "Forbidden", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}.get(status, "Error")


# perpetual -----------------------------------------------------------------------------------
def linear_ticker(symbol: str, last: str, **changes: str) -> dict[str, Any]:
    """A linear ticker (market/tickers.mdx): prices plus the funding fields."""
    return {"symbol": symbol, "lastPrice": last, "indexPrice": last, "markPrice": last,
            "prevPrice24h": last, "price24hPcnt": "0.0012", "highPrice24h": last,
            "lowPrice24h": last, "prevPrice1h": last, "openInterest": "50000",
            "openInterestValue": "1500000000", "turnover24h": "1000000", "volume24h": "40",
            "fundingRate": "0.0001", "nextFundingTime": str(T0 + 8 * 3600 * 1000),
            "predictedDeliveryPrice": "", "basisRate": "", "deliveryFeeRate": "",
            "deliveryTime": "0", "ask1Size": "0.6", "bid1Price": last, "ask1Price": last,
            "bid1Size": "0.5", "basis": "", **changes}


def perpetual_traffic(c: Cassette, positions: list[dict[str, Any]] | None = None,
                      payments: list[tuple[str, list[dict[str, Any]], bool]] | None = None,
                      *, later_positions: list[dict[str, Any]] | None = None,
                      tickers_status: int = 200, positions_status: int = 200) -> None:
    """What a perpetual connector's start() adds: positions (`later_positions`: what later
    polls answer), funding info of each pair, the funding history (transaction log;
    `payments`: (id, entries, repeat) answers)."""
    answers = [positions or []] + ([later_positions] if later_positions is not None else [])
    for index, listed in enumerate(answers, 1):
        c.http("GET", REST, "/v5/position/list", {"category": LINEAR, "settleCoin": "USDT"},
               request_headers=AUTH, status=positions_status,
               body=ok({"list": listed, "nextPageCursor": "", "category": LINEAR})
               if positions_status == 200 else SERVICE_UNAVAILABLE_HTML,
               repeat=index == len(answers), id=f"positions_{index}",
               response_headers=LIMIT_HEADERS)
    tickers = (("BTCUSDT", "30000.00"), ("ETHUSDT", "2000.00"))
    # A refused ticker stops the round at the first pair: the others are never asked for.
    for symbol, last in tickers if tickers_status == 200 else tickers[:1]:
        c.http("GET", REST, "/v5/market/tickers", {"category": LINEAR, "symbol": symbol},
               status=tickers_status,
               body=ok({"category": LINEAR, "list": [linear_ticker(symbol, last)]})
               if tickers_status == 200 else SERVICE_UNAVAILABLE_HTML,
               repeat=True)
    # The liquidations a connector may poll for in case its stream lost one: none here
    # (optional: the standard asks no connector to poll them).
    for exec_type in ("BustTrade", "AdlTrade"):
        c.http("GET", REST, "/v5/execution/list",
               {"category": LINEAR, "execType": exec_type, "limit": "100"},
               request_headers=AUTH, repeat=True, id=f"liquidations_{exec_type}", optional=True,
               body=ok({"nextPageCursor": "", "category": LINEAR, "list": []}),
               response_headers=LIMIT_HEADERS)
    for ident, entries, repeat in payments or [("payments", [], True)]:
        c.http("GET", REST, "/v5/account/transaction-log",
               {"accountType": "UNIFIED", "category": LINEAR, "currency": "USDT",
                "type": "SETTLEMENT"}, request_headers=AUTH,
               body=ok({"list": entries, "nextPageCursor": ""}), repeat=repeat, id=ident,
               response_headers=LIMIT_HEADERS)


def position_entry(idx: int, side: str, size: str, *, pnl: str = "1.2", leverage: str = "10",
                   category: str | None = None) -> dict[str, Any]:
    """A position as position/list and the `position` topic show it (linear)."""
    entry: dict[str, Any] = {} if category is None else {"category": category}
    entry.update({
        "positionIdx": idx, "riskId": 1, "riskLimitValue": "2000000", "symbol": "BTCUSDT",
        "side": side, "size": size, "avgPrice": "30000", "positionValue": "300",
        "tradeMode": 0, "positionStatus": "Normal", "autoAddMargin": 0,
        "adlRankIndicator": 2, "leverage": leverage, "breakEvenPrice": "30010",
        "positionBalance": "30", "markPrice": "30120", "liqPrice": "", "bustPrice": "",
        "positionMM": "1.5", "positionIM": "30", "tpslMode": "Full", "takeProfit": "0",
        "stopLoss": "0", "trailingStop": "0", "unrealisedPnl": pnl, "curRealisedPnl": "-0.18",
        "cumRealisedPnl": "-0.18", "seq": 4_688_002_500, "isReduceOnly": False,
        "createdTime": str(T0 - 1000), "updatedTime": str(T0)})
    return entry


def settlement(at: int, funding: str, side: str = "Buy", rate: str = "0.0001",
               symbol: str = "BTCUSDT") -> dict[str, Any]:
    """A funding settlement of the transaction log (account/transaction-log.mdx)."""
    return {"id": f"{symbol}-{at}", "symbol": symbol, "category": LINEAR, "side": side,
            "transactionTime": str(at), "type": "SETTLEMENT", "transSubType": "",
            "qty": "0.01", "size": "0.01", "currency": "USDT", "tradePrice": "30000",
            "funding": funding, "fee": "", "cashFlow": "0", "change": funding,
            "cashBalance": "10250", "feeRate": rate, "bonusChange": "", "tradeId": "",
            "orderId": "", "orderLinkId": "", "extraFees": ""}
