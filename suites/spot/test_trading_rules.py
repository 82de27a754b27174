"""SPOT-RUL: trading rules, quantization, and orders refused before they are sent."""

from __future__ import annotations

import logging

from harness.checks import Severity, check
from harness.standard.events import OrderFailed
from harness.subject import Subject
from suites.spot._support import (
    carries_decimal,
    dec,
    exp,
    inp,
    pair,
    place,
    request_log,
    served,
)

RULE_FIELDS = ("min_order_size", "max_order_size", "min_price_increment",
               "min_base_increment", "min_notional", "min_price", "max_price")


@check("SPOT-RUL-1", "Trading rules equal the exchange's filters", area="trading_rules",
       scenario="trading_rules", severity=Severity.CRITICAL)
async def test_trading_rules_match_exchange_filters(subject: Subject) -> None:
    await subject.connector.update_trading_rules()
    rules = subject.connector.trading_rules
    expected = exp(subject, "rules")
    assert sorted(str(p) for p in rules) == sorted(expected), (
        f"trading_rules has pairs {sorted(str(p) for p in rules)}, expected {sorted(expected)}")
    problems = []
    for text, fields in expected.items():
        rule = rules[pair(text)]
        for name in RULE_FIELDS:
            if name in fields and getattr(rule, name) != dec(fields[name]):
                problems.append(f"{text}.{name} is {getattr(rule, name)}, expected {fields[name]}")
    assert not problems, "trading rules differ from the exchange's filters:\n  " + \
        "\n  ".join(problems)


@check("SPOT-RUL-2", "A malformed rule is skipped with a logged error; the others are kept",
       area="trading_rules", scenario="trading_rules_malformed")
async def test_malformed_rule_is_skipped_and_logged(subject: Subject) -> None:
    try:
        await subject.connector.update_trading_rules()
    except Exception as exc:
        raise AssertionError(f"update_trading_rules() raised {type(exc).__name__}: {exc}; one "
                             "malformed market must not stop the others loading") from exc
    rules = subject.connector.trading_rules
    for text in exp(subject, "rules"):
        assert pair(text) in rules, f"{text} has a well-formed rule but was not loaded"
    for text in exp(subject, "malformed_pairs"):
        assert pair(text) not in rules, f"{text} has a malformed rule but was loaded: " \
                                        f"{rules[pair(text)]}"
    errors = [r.getMessage() for r in subject.log_records if r.levelno >= logging.ERROR]
    for symbol in exp(subject, "malformed_symbols"):
        assert any(symbol in message for message in errors), (
            f"no ERROR log names the malformed market {symbol}; errors logged: {errors}")


@check("SPOT-RUL-3", "Quantization rounds prices and amounts down to the tick and step, never up",
       area="trading_rules", scenario="trading_rules", severity=Severity.CRITICAL)
async def test_quantize_rounds_down_to_tick_and_step(subject: Subject) -> None:
    connector = subject.connector
    await connector.update_trading_rules()
    rules = exp(subject, "rules")
    problems = []
    for case in inp(subject, "quantize"):
        market = pair(case["pair"])
        for kind, step_name, method in (
                ("price", "min_price_increment", connector.quantize_price),
                ("amount", "min_base_increment", connector.quantize_amount)):
            value, step = dec(case[kind]), dec(rules[case["pair"]][step_name])
            got = method(market, value)
            if got > value:
                problems.append(f"{market} {kind} {value} -> {got}: rounded up")
            elif got % step != 0:
                problems.append(f"{market} {kind} {value} -> {got}: not a multiple of {step}")
            elif value - got >= step:
                problems.append(f"{market} {kind} {value} -> {got}: rounded down more than "
                                f"one {step}")
    assert not problems, "quantization is wrong:\n  " + "\n  ".join(problems)


async def _fails_locally(subject: Subject, key: str) -> None:
    connector = subject.connector
    await connector.update_trading_rules()
    before = len(subject.server.requests)
    order = inp(subject, key)
    client_order_id = await place(subject, order)
    failed = subject.events_of(OrderFailed, client_order_id)
    assert len(failed) == 1, (f"placing {order} should fail with one OrderFailed, got events "
                              f"{subject.events}")
    assert failed[0].request_sent is False, "OrderFailed.request_sent is True for an order " \
                                            "refused before sending"
    sent = subject.server.requests[before:]
    assert not sent, \
        f"an order that breaks the rules must not be sent; sent:\n{request_log(subject)}"
    assert client_order_id not in connector.tracked_orders, "a failed order is still tracked"


@check("SPOT-RUL-4", "An order under the minimum size fails locally, with no request sent",
       area="trading_rules", scenario="trading_rules")
async def test_order_below_min_size_fails_locally(subject: Subject) -> None:
    await _fails_locally(subject, "below_min_size")


@check("SPOT-RUL-5", "An order under the minimum notional fails locally, with no request sent",
       area="trading_rules", scenario="trading_rules")
async def test_order_below_min_notional_fails_locally(subject: Subject) -> None:
    await _fails_locally(subject, "below_min_notional")
    if "below_min_notional_older_form" in subject.inputs:
        # An exchange that has served its notional filter in two forms (Binance's MIN_NOTIONAL
        # before NOTIONAL, still listed on some symbols): enforced either way.
        await _fails_locally(subject, "below_min_notional_older_form")


@check("SPOT-RUL-6", "An order is sent with its amount and price quantized down",
       area="trading_rules", scenario="place_quantized")
async def test_order_is_quantized_before_sending(subject: Subject) -> None:
    await subject.connector.update_trading_rules()
    client_order_id = await place(subject, inp(subject, "order"))
    amount, price = dec(exp(subject, "amount")), dec(exp(subject, "price"))
    order = subject.connector.get_order(client_order_id)
    assert order is not None, f"get_order({client_order_id!r}) is None after placing it"
    assert (order.amount, order.price) == (amount, price), (
        f"the order was tracked as {order.amount} @ {order.price}, expected the quantized "
        f"{amount} @ {price}")
    sent = served(subject, "place")
    assert len(sent) == 1, f"expected one placement request, got:\n{request_log(subject)}"
    assert carries_decimal(sent[0], amount) and carries_decimal(sent[0], price), (
        f"the placement request {sent[0].view.describe()[:200]} does not carry the quantized "
        f"amount {amount} and price {price}")


@check("SPOT-RUL-7", "An order priced outside the exchange's price bounds fails locally, with "
       "no request sent", area="trading_rules", scenario="trading_rules",
       requires=["price_bounds"])
async def test_order_outside_price_bounds_fails_locally(subject: Subject) -> None:
    await _fails_locally(subject, "above_max_price")
