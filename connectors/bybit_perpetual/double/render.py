"""Bybit v5's linear JSON shapes (instruments, tickers, positions, executions, orders, the
unified wallet, funding) for the double's answers and pushes; the fields spot and linear
share come from the spot double's render (connectors/bybit/double/render.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.bybit.double import render as spot
from connectors.bybit.double.render import dec
from harness.double import MarketSpec, Order, Trade
from harness.double.perpetual import FundingSettled, Liquidated, PerpetualExchange
from harness.double.positions import PositionState

Json = dict[str, Any]
CATEGORY = "linear"
SETTLE_COIN = "USDT"
FUNDING_INTERVAL_MIN = 480


def instrument(spec: MarketSpec, symbol_id: int, max_leverage: int) -> Json:
    """A linear instruments-info entry (market/instrument.mdx)."""
    return {"symbol": spec.symbol, "contractType": "LinearPerpetual",
            "status": "Trading" if spec.status.value == "TRADING" else "Closed",
            "baseCoin": spec.pair.base, "quoteCoin": spec.pair.quote,
            "launchTime": "1585526400000", "deliveryTime": "0", "deliveryFeeRate": "",
            "priceScale": str(max(0, -int(spec.tick_size.as_tuple().exponent))),
            "leverageFilter": {"minLeverage": "1", "maxLeverage": f"{max_leverage}.00",
                               "leverageStep": "0.01"},
            "priceFilter": {"minPrice": dec(spec.min_price), "maxPrice": dec(spec.max_price),
                            "tickSize": dec(spec.tick_size)},
            "lotSizeFilter": {"maxOrderQty": dec(spec.max_qty), "minOrderQty": dec(spec.min_qty),
                              "qtyStep": dec(spec.step_size),
                              "postOnlyMaxOrderQty": dec(spec.max_qty),
                              "maxMktOrderQty": dec(spec.max_qty / 10),
                              "minNotionalValue": dec(spec.min_notional)},
            "unifiedMarginTrade": True, "fundingInterval": FUNDING_INTERVAL_MIN,
            "settleCoin": SETTLE_COIN, "copyTrading": "both", "upperFundingRate": "0.00375",
            "lowerFundingRate": "-0.00375", "isPreListing": False, "preListingInfo": None,
            "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
            "symbolType": "", "symbolId": symbol_id}


def ticker(exchange: PerpetualExchange, spec: MarketSpec) -> Json:
    """A linear ticker (market/tickers.mdx): prices, mark and index, funding terms."""
    pair = spec.pair
    top = exchange.snapshot(pair, 1)
    bids, asks = top.bids, top.asks
    last = dec(exchange.last_price(pair))
    funding = exchange.funding(pair)
    return {"symbol": spec.symbol, "lastPrice": last,
            "indexPrice": dec(exchange.index_price(pair)),
            "markPrice": dec(exchange.mark_price(pair)), "prevPrice24h": last,
            "price24hPcnt": "0", "highPrice24h": last, "lowPrice24h": last,
            "prevPrice1h": last, "openInterest": "0", "openInterestValue": "0",
            "turnover24h": "0", "volume24h": "0", "fundingRate": dec(funding.rate),
            "nextFundingTime": str(funding.next_ms), "predictedDeliveryPrice": "",
            "basisRate": "", "deliveryFeeRate": "", "deliveryTime": "0",
            "bid1Price": dec(bids[0][0]) if bids else "", "bid1Size": dec(bids[0][1]) if bids
            else "", "ask1Price": dec(asks[0][0]) if asks else "",
            "ask1Size": dec(asks[0][1]) if asks else "", "basis": ""}


def position(state: PositionState, symbol: str, mark: Decimal | None, *,
             category: str | None = None, rest: bool = True) -> Json:
    """A position as position/list (`avgPrice`) and the `position` topic (`entryPrice`)
    show it; a flat one has side "" and size 0."""
    entry: Json = {} if category is None else {"category": category}
    side = "" if not state.signed else ("Buy" if state.signed > 0 else "Sell")
    price_key = "avgPrice" if rest else "entryPrice"
    entry.update({
        "positionIdx": state.index, "riskId": 1, "riskLimitValue": "2000000", "symbol": symbol,
        "side": side, "size": dec(state.size), price_key: dec(state.entry),
        "positionValue": dec(state.value), "tradeMode": 0, "positionStatus": "Normal",
        "autoAddMargin": 0, "adlRankIndicator": 2 if state.signed else 0,
        "leverage": str(state.leverage), "breakEvenPrice": dec(state.entry),
        "positionBalance": dec(state.margin), "markPrice": dec(mark),
        "liqPrice": "", "bustPrice": "", "positionMM": dec(state.margin / 20),
        "positionIM": dec(state.margin), "tpslMode": "Full", "takeProfit": "0",
        "stopLoss": "0", "trailingStop": "0", "unrealisedPnl": dec(state.unrealized(mark)),
        "curRealisedPnl": dec(state.realized), "cumRealisedPnl": dec(state.realized),
        "seq": state.updated_ms, "isReduceOnly": False,
        "createdTime": str(state.updated_ms), "updatedTime": str(state.updated_ms)})
    return entry


def order(exchange: PerpetualExchange, order_: Order, symbol: str, facts: spot.OrderFacts, *,
          category: str | None = None) -> Json:
    """An order of realtime / the `order` topic, with linear's position fields."""
    entry = spot.order(order_, symbol, facts, category=category)
    intent = exchange.intent(order_)
    entry.update({"positionIdx": intent.index, "reduceOnly": intent.reduce_only,
                  "closeOnTrigger": intent.close_on_trigger, "marketUnit": "",
                  "isLeverage": "", "cumExecFee": dec(sum(
                      (t.fee for t in exchange.trades(order_.order_id)), Decimal(0))),
                  "createType": "CreateByUser"})
    if entry["orderStatus"] == "PartiallyFilledCanceled":  # spot's word; linear's is:
        entry["orderStatus"] = "Cancelled"
    return entry


def execution(exchange: PerpetualExchange, trade: Trade, order_: Order, symbol: str, *,
              category: str | None = None) -> Json:
    """An execution of execution/list / the `execution` topic, with closedSize and the mark."""
    entry = spot.execution(trade, order_, symbol, category=category)
    effect = exchange.fill_effect(order_.order_id, trade.trade_id)
    spec = exchange.market(order_.pair)
    rate = (spec.maker_fee if trade.is_maker else spec.taker_fee) if spec else Decimal(0)
    entry.update({"feeCurrency": "", "feeRate": dec(rate),
                  # closedSize: "" when the trade closed nothing (execution.mdx's example);
                  # indexPrice is for options only.
                  "closedSize": dec(effect[0]) if effect is not None and effect[0] else "",
                  "markPrice": dec(exchange.mark_price(order_.pair)), "indexPrice": "",
                  "createType": "CreateByUser"})
    return entry


def funding_execution(event: FundingSettled, symbol: str) -> Json:
    """A funding settlement as the `execution` topic shows it (execType Funding): execFee is
    what was paid (> 0) or received (< 0)."""
    state = event.position
    return {"category": CATEGORY, "symbol": symbol, "orderId": "", "orderLinkId": "",
            "side": "Buy" if state.signed > 0 else "Sell", "orderPrice": "0",
            "orderQty": "0", "leavesQty": "0", "orderType": "UNKNOWN", "stopOrderType": "",
            "execFee": dec(-event.amount), "execId": f"funding-{event.seq}",
            "execPrice": dec(event.mark), "execQty": dec(state.size), "execType": "Funding",
            "execValue": dec(state.size * event.mark), "execTime": str(event.time_ms),
            "feeCurrency": "", "isMaker": False, "feeRate": dec(event.rate),
            "tradeIv": "", "markIv": "", "markPrice": dec(event.mark), "indexPrice": "",
            "underlyingPrice": "", "blockTradeId": "", "closedSize": "0", "seq": event.seq,
            "createType": "", "extraFees": ""}


def liquidation_execution(event: Liquidated, symbol: str) -> Json:
    """A takeover liquidation (BustTrade) or ADL (AdlTrade) as the `execution` topic shows
    it (enum.mdx): an order of the liquidation engine's, without orderLinkId."""
    kind, create = ("AdlTrade", "CreateByAdl_PassThrough") if event.adl else \
        ("BustTrade", "CreateByTakeOver_PassThrough")
    return {"category": CATEGORY, "symbol": symbol,
            "orderId": str(spot.ORDER_ID_BASE + 900_000_000 + event.seq), "orderLinkId": "",
            "side": spot.side(event.side), "orderPrice": dec(event.price),
            "orderQty": dec(event.qty), "leavesQty": "0", "createType": create,
            "orderType": "Market", "stopOrderType": "", "execFee": "0",
            "execId": str(spot.EXEC_ID_BASE + 900_000_000 + event.seq),
            "execPrice": dec(event.price), "execQty": dec(event.qty), "execType": kind,
            "execValue": dec(event.qty * event.price), "execTime": str(event.time_ms),
            "feeCurrency": "", "isMaker": False, "feeRate": "0", "tradeIv": "",
            "markIv": "", "markPrice": dec(event.price), "indexPrice": "",
            "underlyingPrice": "", "blockTradeId": "", "closedSize": dec(event.qty),
            "seq": event.seq, "extraFees": ""}


def settlement(event: FundingSettled, symbol: str) -> Json:
    """A SETTLEMENT of the transaction log: funding > 0 received, < 0 paid; feeRate has
    the sign of the position (negated for a short)."""
    state = event.position
    side = "Buy" if state.signed > 0 else "Sell"
    return {"id": f"{symbol}-{event.seq}", "symbol": symbol, "category": CATEGORY,
            "side": side, "transactionTime": str(event.time_ms), "type": "SETTLEMENT",
            "transSubType": "", "qty": dec(state.size), "size": dec(state.signed),
            "currency": SETTLE_COIN, "tradePrice": dec(event.mark), "funding": dec(event.amount),
            "fee": "", "cashFlow": "0", "change": dec(event.amount),
            "cashBalance": dec(event.wallet),
            "feeRate": dec(event.rate if side == "Buy" else -event.rate), "bonusChange": "",
            "tradeId": "", "orderId": "", "orderLinkId": "", "extraFees": ""}


def wallet_account(exchange: PerpetualExchange) -> Json:
    """The unified account with its settlement coin: wallet balance, equity with the
    unrealized PnL, and the margin its positions and orders use (`locked` is spot's)."""
    wallet = exchange.balance(SETTLE_COIN).free
    upnl = sum((s.unrealized(exchange.mark_price(s.pair)) for s in exchange.open_positions()),
               Decimal(0))
    position_im = sum((s.margin for s in exchange.open_positions()), Decimal(0))
    order_im = wallet - exchange.available_margin() - position_im
    coin = spot.coin(exchange.balance(SETTLE_COIN))
    coin.update({"equity": dec(wallet + upnl), "walletBalance": dec(wallet), "locked": "0",
                 "totalOrderIM": dec(order_im), "totalPositionIM": dec(position_im),
                 "unrealisedPnl": dec(upnl), "cumRealisedPnl": dec(sum(
                     (s.realized for s in exchange.positions.all()), Decimal(0)))})
    account = spot.wallet_account([])
    account.update({"coin": [coin], "totalEquity": dec(wallet + upnl),
                    "totalWalletBalance": dec(wallet), "totalPerpUPL": dec(upnl),
                    "totalInitialMargin": dec(position_im + order_im),
                    "totalAvailableBalance": dec(exchange.available_margin())})
    return account
