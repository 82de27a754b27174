"""Bybit v5 linear payloads -> the perpetual standard's values (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from connectors.bybit.parsing import result_list
from connectors.bybit_perpetual import constants as c
from harness.base import MarketInfo
from harness.base.payload_values import decimal, seconds
from harness.standard.api import FundingInfo, FundingPaymentRecord, Position
from harness.standard.enums import PositionMode, PositionSide
from harness.standard.events import PositionLiquidated
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

SIDE_OF_INDEX: Mapping[int, PositionSide] = {
    c.ONE_WAY_INDEX: PositionSide.BOTH, c.LONG_INDEX: PositionSide.LONG,
    c.SHORT_INDEX: PositionSide.SHORT}


def parse_linear_market(record: Mapping[str, Any]) -> MarketInfo | None:
    """A linear instruments-info entry: a trading USDT perpetual, else None."""
    if record["status"] != "Trading" or record.get("contractType") != "LinearPerpetual" \
            or record.get("settleCoin") != c.SETTLE_COIN:
        return None
    lot, price = record["lotSizeFilter"], record["priceFilter"]
    pair = TradingPair(str(record["baseCoin"]), str(record["quoteCoin"]))
    rule = TradingRule(pair, min_order_size=decimal(lot["minOrderQty"]),
                       max_order_size=decimal(lot["maxOrderQty"]),
                       min_price_increment=decimal(price["tickSize"]),
                       min_base_increment=decimal(lot["qtyStep"]),
                       min_notional=decimal(lot.get("minNotionalValue") or "0"),
                       min_price=decimal(price["minPrice"]), max_price=decimal(price["maxPrice"]))
    return MarketInfo(str(record["symbol"]), pair, rule)


def parse_position(entry: Mapping[str, Any], pair: TradingPair) -> Position:
    """One position of position/list or of the `position` topic. In one-way mode the side
    is BOTH and a short's size is negative; an empty side ("") is a closed position."""
    side = SIDE_OF_INDEX[int(entry["positionIdx"])]
    size = decimal(entry["size"] or "0")
    amount = -size if entry.get("side") == "Sell" else size
    return Position(pair, side, amount, decimal(entry.get("avgPrice") or entry.get("entryPrice")
                                                 or "0"),
                    decimal(entry.get("unrealisedPnl") or "0"),
                    int(Decimal(entry.get("leverage") or "1")))


def parse_positions(payload: Mapping[str, Any], pair_of: Any) -> list[Position]:
    positions = []
    for entry in result_list(payload):
        pair = pair_of(str(entry["symbol"]))
        if pair is not None:
            positions.append(parse_position(entry, pair))
    return positions


def parse_funding_info(ticker: Mapping[str, Any], pair: TradingPair) -> FundingInfo:
    """A linear ticker (REST, or the stream's merged snapshot and deltas)."""
    return FundingInfo(pair, decimal(ticker["indexPrice"]), decimal(ticker["markPrice"]),
                       seconds(ticker["nextFundingTime"]), decimal(ticker["fundingRate"]))


def parse_funding_payments(entries: Iterable[Mapping[str, Any]], pair: TradingPair
                           ) -> list[FundingPaymentRecord]:
    """SETTLEMENT entries of the transaction log. `funding` > 0 is received, < 0 paid;
    `feeRate` is the market's rate with the sign of the position (negated for a short)."""
    records = []
    for entry in entries:
        if entry.get("type") != "SETTLEMENT" or not entry.get("funding"):
            continue
        rate = decimal(entry["feeRate"])
        records.append(FundingPaymentRecord(pair, seconds(entry["transactionTime"]),
                                            decimal(entry["funding"]),
                                            -rate if entry.get("side") == "Sell" else rate))
    return records


def parse_liquidation(entry: Mapping[str, Any], pair: TradingPair, reason: str,
                      mode: PositionMode) -> PositionLiquidated:
    """A BustTrade / AdlTrade execution: its side is the closing side (a Sell takes from a
    long), so in hedge mode a Sell liquidates the long leg."""
    if mode is PositionMode.ONEWAY:
        side = PositionSide.BOTH
    else:
        side = PositionSide.LONG if entry.get("side") == "Sell" else PositionSide.SHORT
    return PositionLiquidated(seconds(entry["execTime"]), pair, side,
                              decimal(entry["execQty"]), decimal(entry["execPrice"]), reason)
