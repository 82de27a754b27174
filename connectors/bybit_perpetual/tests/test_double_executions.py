"""The linear double's execution/list (order/execution.mdx): the account's executions newest
first, its orders' trades and what the exchange did to its positions itself, with the
documented filters (orderId / orderLinkId first, then execType, startTime, endTime, limit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.bybit.double.rest import Context
from connectors.bybit.double.validate import Endpoint, Parsed
from connectors.bybit_perpetual.double import default_exchange
from connectors.bybit_perpetual.double.rest import HANDLERS, LinearContext
from harness.double.perpetual import PerpetualExchange
from harness.double.positions import ONE_WAY
from harness.standard.enums import OrderType, TradeSide
from harness.standard.pair import TradingPair

BTC = TradingPair("BTC", "USDT")


def listed(exchange: PerpetualExchange, ctx: Context, **params: Any) -> list[dict[str, Any]]:
    parsed = Parsed(Endpoint("trades", True), {"category": "linear", **params})
    entries: list[dict[str, Any]] = HANDLERS["trades"](parsed, exchange, ctx)["list"]
    return entries


def test_a_liquidation_is_listed_with_the_account_s_trades_and_filtered_as_documented(
        ) -> None:
    now = [1_795_248_000_000]
    exchange = default_exchange(lambda: now[0])
    ctx = LinearContext(exchange=exchange)
    exchange.place_perpetual("c1", BTC, TradeSide.BUY, OrderType.MARKET, Decimal("0.01"))
    now[0] += 1000
    assert exchange.liquidate(BTC, ONE_WAY) is not None
    everything = listed(exchange, ctx)
    assert everything[0]["execType"] == "BustTrade"  # newest first
    assert {e["execType"] for e in everything} == {"BustTrade", "Trade"}
    busts = listed(exchange, ctx, execType="BustTrade")
    assert [(e["execQty"], e["side"], e["orderLinkId"]) for e in busts] == [
        ("0.01", "Sell", "")]
    assert listed(exchange, ctx, execType="AdlTrade") == []
    assert listed(exchange, ctx, execType="BustTrade", startTime=str(now[0] + 1)) == []
    assert listed(exchange, ctx, execType="BustTrade", endTime=str(now[0] - 1)) == []
    assert len(listed(exchange, ctx, limit="1")) == 1
    # orderLinkId wins over every other filter: that order's trades only.
    mine = listed(exchange, ctx, orderLinkId="c1", execType="BustTrade")
    assert [e["execType"] for e in mine] and {e["orderLinkId"] for e in mine} == {"c1"}
