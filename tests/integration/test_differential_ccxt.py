"""Differential test: ccxt's Binance and our Binance connector read every cassette alike.

Two independent parsers of the same bytes: for every payload of every Binance cassette
(exchangeInfo, depth, orders, cancels, myTrades, account, prices, and the user stream's
executionReport / outboundAccountPosition frames), the values ccxt parses equal what
connectors/binance/parsing.py reports. A disagreement names the cassette, the payload, the
field and both values. Payloads our connector refuses (malformed on purpose) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ccxt = pytest.importorskip("ccxt")
ccxt_pro = pytest.importorskip("ccxt.pro")

from connectors.binance import parsing as ours  # noqa: E402
from connectors.binance import user_stream  # noqa: E402
from harness.adapters import ccxt_values as v  # noqa: E402
from harness.cassette.format import Cassette, Direction  # noqa: E402
from harness.cassette.loader import cassette_files, load_cassette  # noqa: E402
from harness.standard.enums import OrderState, OrderType, TradeSide  # noqa: E402
from harness.standard.order import TrackedOrder  # noqa: E402
from harness.standard.pair import TradingPair  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = cassette_files(ROOT / "cassettes" / "binance")
# ccxt's unified status for each of our states (Binance's EXPIRED is ccxt's "expired").
CCXT_STATUS = {OrderState.OPEN: {"open"}, OrderState.PARTIALLY_FILLED: {"open"},
               OrderState.PENDING_CANCEL: {"open"}, OrderState.FILLED: {"closed"},
               OrderState.CANCELED: {"canceled", "expired"}, OrderState.FAILED: {"rejected"}}


@dataclass
class Comparison:
    """Compared values and the disagreements among them, each named in full."""

    cassette: str
    compared: int = 0
    disagreements: list[str] = field(default_factory=list)

    def same(self, where: str, name: str, our_value: Any, ccxt_value: Any) -> None:
        self.compared += 1
        if isinstance(our_value, Decimal) and ccxt_value is not None:
            ccxt_value = v.dec(ccxt_value)
        if our_value != ccxt_value:
            self.disagreements.append(f"{self.cassette}: {where}: {name}: ours {our_value!r}, "
                                      f"ccxt {ccxt_value!r}")


def _ccxt_exchanges(cassette: Cassette) -> tuple[Any, Any]:
    """ccxt's Binance (REST parsing) and ccxt.pro's (stream parsing), with the cassette's
    markets loaded as ccxt's fetch_markets would load them."""
    rest, pro = ccxt.binance(), ccxt_pro.binance()
    symbols: list[Any] = []
    for interaction in cassette.interactions:
        if urlsplit(interaction.request.uri).path == "/api/v3/exchangeInfo":
            payload = _json(interaction.response.body)
            if isinstance(payload, dict) and isinstance(payload.get("symbols"), list):
                symbols = payload["symbols"]
                break
    for exchange in (rest, pro):
        exchange.options.update(crossMarginPairsData=[], isolatedMarginPairsData=[])
        markets = []
        for record in symbols:
            try:
                markets.append(exchange.parse_market(record))
            except Exception:  # a deliberately malformed record: ours refuses it too
                continue
        exchange.set_markets(markets)
    return rest, pro


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _pair(symbol: str) -> TradingPair | None:
    for quote in ("USDT", "BTC"):
        if symbol.endswith(quote) and len(symbol) > len(quote):
            return TradingPair(symbol[: -len(quote)], quote)
    return None


def _order(pair: TradingPair, side: str) -> TrackedOrder:
    return TrackedOrder("CH-Bt1", pair, TradeSide(side), OrderType.LIMIT, Decimal(1), None, 0.0)


def compare_cassette(path: Path, parsers: Any = ours) -> Comparison:
    """Every payload of one cassette through both parsers."""
    cassette = load_cassette(path)
    result = Comparison(path.name)
    rest, pro = _ccxt_exchanges(cassette)
    for index, interaction in enumerate(cassette.interactions):
        payload = _json(interaction.response.body)
        if interaction.response.status >= 300 or not payload or interaction.fault:
            continue
        route = (interaction.request.method, urlsplit(interaction.request.uri).path)
        where = f"http #{index} {route[0]} {route[1]}"
        compare = REST_COMPARERS.get(route)
        if compare is not None:
            compare(result, where, payload, rest, parsers)
    for connection in cassette.ws:
        for number, frame in enumerate(connection.frames):
            if frame.dir is Direction.SERVER and isinstance(frame.value, dict):
                event = frame.value.get("event")
                if isinstance(event, dict):
                    _compare_user_event(result, f"ws {connection.url} frame #{number}", event,
                                        pro)
    return result


# REST payloads ------------------------------------------------------------------------------
def _exchange_info(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any
                   ) -> None:
    for record in payload.get("symbols", []):
        try:
            info = parsers.parse_market(record)
        except Exception:
            continue  # malformed on purpose (trading_rules_malformed): not comparable
        if info is None:
            continue
        market = rest.markets_by_id[record["symbol"]][0]
        rule = v.trading_rule(market, rest.precisionMode)
        for name in ("min_order_size", "max_order_size", "min_price_increment",
                     "min_base_increment", "min_notional", "min_price", "max_price"):
            result.same(f"{where} {record['symbol']}", name, getattr(info.rule, name),
                        getattr(rule, name))
        result.same(f"{where} {record['symbol']}", "pair", info.pair, v.pair_of(market))


def _depth(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    pair = TradingPair("BTC", "USDT")
    snapshot = parsers.parse_snapshot(pair, payload, 0.0)
    book = v.book_snapshot(rest.parse_order_book(payload, "BTC/USDT"), pair)
    result.same(where, "bids", snapshot.bids, book.bids)
    result.same(where, "asks", snapshot.asks, book.asks)
    result.same(where, "update id", snapshot.update_id, int(payload["lastUpdateId"]))


def _same_order(result: Comparison, where: str, state: OrderState, exchange_id: str | None,
                executed: Decimal | None, parsed: Mapping[str, Any]) -> None:
    result.same(where, "exchange order id", exchange_id, parsed["id"])
    result.same(where, "executed amount", executed, parsed["filled"])
    result.compared += 1
    if parsed["status"] not in CCXT_STATUS[state]:
        result.disagreements.append(f"{result.cassette}: {where}: state: ours {state.value}, "
                                    f"ccxt {parsed['status']!r}")


def _placement(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    pair = _pair(str(payload["symbol"]))
    if pair is None:
        return
    outcome = parsers.parse_placement(_order(pair, str(payload.get("side", "BUY"))), payload)
    parsed = rest.parse_order(payload)
    executed = sum((fill.amount for fill in outcome.fills), Decimal(0))
    if "executedQty" in payload:
        executed = ours.decimal(payload["executedQty"])
    _same_order(result, where, outcome.state, outcome.exchange_order_id, executed, parsed)
    trades = parsed.get("trades") or []
    result.same(where, "fill count", len(outcome.fills), len(trades))
    for fill, trade in zip(outcome.fills, trades, strict=False):
        _same_fill(result, f"{where} fill {fill.trade_id}", fill, trade)


def _same_fill(result: Comparison, where: str, fill: Any, trade: Mapping[str, Any]) -> None:
    result.same(where, "trade id", fill.trade_id, str(trade["id"]))
    result.same(where, "price", fill.price, trade["price"])
    result.same(where, "amount", fill.amount, trade["amount"])
    fee = trade.get("fee") or {}
    result.same(where, "fee asset", fill.fee.asset, fee.get("currency"))
    result.same(where, "fee amount", fill.fee.amount, fee.get("cost"))


def _order_status(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any
                  ) -> None:
    update = parsers.parse_order(payload, "CH-Bt1")
    _same_order(result, where, update.state, update.exchange_order_id, update.executed_amount,
                rest.parse_order(payload))


def _cancel_all(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    updates = parsers.parse_cancel_all(payload)
    parsed = rest.parse_orders(payload)
    result.same(where, "order count", len(updates), len(parsed))
    for update, order in zip(updates, parsed, strict=False):
        _same_order(result, where, update.state, update.exchange_order_id,
                    update.executed_amount, order)


def _my_trades(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    for trade in payload:
        pair = _pair(str(trade["symbol"]))
        if pair is None:
            continue
        fill = parsers.parse_trades(_order(pair, "BUY"), [trade])[0]
        parsed = rest.parse_trade(trade)
        _same_fill(result, f"{where} trade {trade['id']}", fill, parsed)
        result.same(f"{where} trade {trade['id']}", "side", fill.side.value.lower(),
                    parsed["side"])
        result.same(f"{where} trade {trade['id']}", "maker", fill.is_maker,
                    parsed["takerOrMaker"] == "maker")


def _account(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    mine = parsers.parse_balances(payload)
    theirs = v.balances(rest.parse_balance_custom(payload, "spot"))
    result.same(where, "assets", sorted(mine), sorted(theirs))
    for asset in sorted(set(mine) & set(theirs)):
        result.same(where, f"{asset} total", mine[asset].total, theirs[asset].total)
        result.same(where, f"{asset} available", mine[asset].available,
                    theirs[asset].available)


def _prices(result: Comparison, where: str, payload: Any, rest: Any, parsers: Any) -> None:
    entries = payload if isinstance(payload, list) else [payload]
    wanted = {str(e["symbol"]): p for e in entries if (p := _pair(str(e["symbol"])))}
    mine = parsers.parse_last_prices(payload, wanted)
    for entry in entries:
        symbol = str(entry["symbol"])
        if symbol in wanted:
            result.same(where, f"{symbol} price", mine.get(wanted[symbol]),
                        rest.parse_last_price(entry).get("price"))


REST_COMPARERS: dict[tuple[str, str], Callable[..., None]] = {
    ("GET", "/api/v3/exchangeInfo"): _exchange_info,
    ("GET", "/api/v3/depth"): _depth,
    ("POST", "/api/v3/order"): _placement,
    ("GET", "/api/v3/order"): _order_status,
    ("DELETE", "/api/v3/order"): _order_status,
    ("DELETE", "/api/v3/openOrders"): _cancel_all,
    ("GET", "/api/v3/myTrades"): _my_trades,
    ("GET", "/api/v3/account"): _account,
    ("GET", "/api/v3/ticker/price"): _prices,
}


# stream frames ------------------------------------------------------------------------------
def _compare_user_event(result: Comparison, where: str, event: Mapping[str, Any], pro: Any
                        ) -> None:
    if event.get("e") == "executionReport":
        try:
            messages = user_stream.parse_execution_report(event, _pair)
        except (KeyError, ValueError):
            return  # garbage on purpose (user_stream_garbage): ours refuses it
        update = messages[-1]
        _same_order(result, where, update.state, update.exchange_order_id,
                    update.executed_amount, pro.parse_ws_order(event))
        if len(messages) == 2:
            _same_fill(result, where, messages[0], pro.parse_ws_trade(event))
    elif event.get("e") == "outboundAccountPosition":
        pro.balance = {"spot": None}
        pro.handle_balance(_SpotUserStream(), event)
        account = pro.balance["spot"]
        for change in user_stream.parse_account_position(event):
            result.same(where, f"{change.asset} total", change.total,
                        account["total"].get(change.asset))
            result.same(where, f"{change.asset} available", change.available,
                        account["free"].get(change.asset))


class _SpotUserStream:
    """What ccxt.pro's handle_balance asks of its WebSocket client: a spot subscription."""

    subscriptions: dict[str, bool] = {"spot": True}

    def resolve(self, *args: Any) -> None:
        """ccxt wakes its watch_balance waiters here; there are none."""


# the tests ----------------------------------------------------------------------------------
def all_comparisons() -> Iterator[Comparison]:
    for path in CASSETTES:
        yield compare_cassette(path)


def test_ccxt_and_our_connector_read_every_binance_cassette_alike() -> None:
    results = list(all_comparisons())
    disagreements = [line for result in results for line in result.disagreements]
    assert disagreements == [], "\n".join(disagreements)
    # Not vacuous: every cassette is read, and thousands of values are compared.
    assert len(results) >= 46
    assert sum(result.compared for result in results) > 1000


def test_a_disagreement_names_the_cassette_the_field_and_both_values() -> None:
    class SwappedBalances:
        """Our parser with a bug: available and total swapped."""

        def __getattr__(self, name: str) -> Any:
            return getattr(ours, name)

        @staticmethod
        def parse_balances(payload: Mapping[str, Any]) -> dict[str, Any]:
            return {asset: type(b)(b.available, b.total)
                    for asset, b in ours.parse_balances(payload).items()}

    result = compare_cassette(ROOT / "cassettes" / "binance" / "balances.yaml",
                              SwappedBalances())
    assert result.disagreements, "a swapped free/total went unnoticed"
    line = result.disagreements[0]
    assert line.startswith("balances.yaml: http #") and "GET /api/v3/account" in line
    assert " total: ours Decimal(" in line and ", ccxt Decimal(" in line
