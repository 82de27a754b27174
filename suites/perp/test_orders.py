"""PERP-ORD, PERP-COL: orders carry their position action; collateral per side."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.enums import OrderType, PositionAction, TradeSide
from harness.standard.events import OrderCreated
from harness.subject import Subject
from suites.perp._support import dec, pair, perpetual
from suites.spot._support import assert_params, exp, inp, request_log, served


@check("PERP-ORD-1", "An order that closes a position is sent as the exchange defines a "
       "closing order (reduce-only, position index)", area="orders", standard="perpetual",
       scenario="place_close", requires=["positions"], severity=Severity.CRITICAL)
async def test_closing_orders_are_sent_reduce_only(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    order = inp(subject, "order")
    client_order_id = await connector.place_order(
        pair(order["pair"]), TradeSide(order["side"]), OrderType(order["type"]),
        dec(order["amount"]), dec(order["price"]), PositionAction(order["position_action"]))
    sent = served(subject, "place")
    assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
    assert_params(sent[0], exp(subject, "request"))
    created = subject.events_of(OrderCreated, client_order_id)
    assert len(created) == 1 and created[0].exchange_order_id == str(
        exp(subject, "exchange_order_id")), f"OrderCreated: {created}"
    tracked = connector.get_order(client_order_id)
    assert tracked is not None and tracked.position_action is PositionAction.CLOSE, \
        f"the order is tracked as {tracked}"


@check("PERP-COL-1", "Buy and sell collateral tokens are the exchange's", area="collateral",
       standard="perpetual", scenario="trading_rules")
async def test_collateral_tokens(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    for text, want in exp(subject, "collateral").items():
        got = {"buy": connector.get_buy_collateral_token(pair(text)),
               "sell": connector.get_sell_collateral_token(pair(text))}
        assert got == want, f"{text}: collateral {got}, expected {want}"


async def _place(subject: Subject, order: dict[str, str]) -> str:
    return await perpetual(subject).place_order(
        pair(order["pair"]), TradeSide(order["side"]), OrderType(order["type"]),
        dec(order["amount"]), dec(order["price"]), PositionAction(order["position_action"]))


@check("PERP-ORD-2", "An order that opens a position is not sent as a closing order",
       area="orders", standard="perpetual", scenario="place_open", requires=["positions"])
async def test_opening_orders_are_not_reduce_only(subject: Subject) -> None:
    await perpetual(subject).update_trading_rules()
    await _place(subject, inp(subject, "order"))
    sent = served(subject, "place")
    assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
    assert_params(sent[0], exp(subject, "request"), exp(subject, "request_absent"))


@check("PERP-ORD-3", "In hedge mode an order names the side of the position it opens or "
       "closes", area="orders", standard="perpetual", scenario="hedge_orders",
       requires=["positions", "position_mode"])
async def test_hedge_orders_name_their_position_side(subject: Subject) -> None:
    from harness.standard.enums import PositionMode

    connector = perpetual(subject)
    await connector.update_trading_rules()
    await connector.set_position_mode(PositionMode(inp(subject, "mode")))
    for order in inp(subject, "orders"):
        await _place(subject, order)
    for index, wanted in enumerate(exp(subject, "requests"), 1):
        sent = served(subject, f"place_{index}")
        assert len(sent) == 1, f"order {index} was not sent as recorded:\n{request_log(subject)}"
        assert_params(sent[0], wanted)


@check("PERP-ORD-4", "A perpetual order opens a position unless told to close one",
       area="orders", standard="perpetual", scenario="place_open", requires=["positions"])
async def test_orders_open_by_default(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    order = inp(subject, "order_without_action")
    client_order_id = await connector.place_order(
        pair(order["pair"]), TradeSide(order["side"]), OrderType(order["type"]),
        dec(order["amount"]), dec(order["price"]))
    tracked = connector.get_order(client_order_id)
    assert tracked is not None and tracked.position_action is PositionAction.OPEN, \
        f"an order without a position action is tracked as {tracked}"
    sent = served(subject, "place")
    assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
    assert_params(sent[0], exp(subject, "request"), exp(subject, "request_absent"))
