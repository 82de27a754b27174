"""TrackedOrder: the transitions the standard allows, and fill accounting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.standard.enums import TERMINAL_STATES, OrderState, OrderType, TradeSide
from harness.standard.model import Fill, TradeFee
from harness.standard.order import ALLOWED_TRANSITIONS, IllegalTransition, TrackedOrder
from harness.standard.pair import TradingPair

PAIR = TradingPair("BTC", "USDT")
S = OrderState


def order(amount: str = "1", state: OrderState = S.PENDING_CREATE) -> TrackedOrder:
    return TrackedOrder("c1", PAIR, TradeSide.BUY, OrderType.LIMIT, Decimal(amount),
                        Decimal("100"), 0.0, state=state)


def fill(trade_id: str, amount: str, price: str = "100", fee: str = "0.1",
         asset: str = "USDT") -> Fill:
    return Fill(trade_id, "c1", "e1", PAIR, TradeSide.BUY, Decimal(price), Decimal(amount),
                TradeFee(asset, Decimal(fee)), 0.0)


def test_every_state_has_a_transition_table_and_terminal_states_have_no_exit() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(OrderState)
    for state in TERMINAL_STATES:
        assert ALLOWED_TRANSITIONS[state] == frozenset()


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATES))
@pytest.mark.parametrize("target", list(OrderState))
def test_no_transition_leaves_a_terminal_state(terminal: OrderState, target: OrderState) -> None:
    tracked = order(state=terminal)
    if target == terminal:
        assert tracked.transition(target) is False
        return
    assert not tracked.can_transition(target)
    with pytest.raises(IllegalTransition, match=f"{terminal.value} -> {target.value}"):
        tracked.transition(target)
    assert tracked.state is terminal


def test_transition_reports_whether_the_state_changed() -> None:
    tracked = order()
    assert tracked.transition(S.OPEN) is True
    assert tracked.transition(S.OPEN) is False
    assert tracked.transition(S.PENDING_CANCEL) is True
    # A refused cancel puts the order back.
    assert tracked.transition(S.OPEN) is True
    assert tracked.can_transition(S.PARTIALLY_FILLED)


def test_partially_filled_cannot_go_back_to_open_or_fail() -> None:
    tracked = order(state=S.PARTIALLY_FILLED)
    for target in (S.OPEN, S.PENDING_CREATE, S.FAILED):
        with pytest.raises(IllegalTransition):
            tracked.transition(target)


def test_fills_are_counted_once_and_summed() -> None:
    tracked = order("2")
    assert tracked.average_price is None
    assert tracked.add_fill(fill("t1", "0.5", "100", "0.1"))
    assert not tracked.add_fill(fill("t1", "0.5", "100", "0.1"))
    assert tracked.add_fill(fill("t2", "1.5", "200", "0.2"))
    assert tracked.add_fill(fill("t3", "0", "200", "0.001", asset="BNB"))
    assert tracked.executed_amount == Decimal("2.0")
    assert tracked.executed_quote_amount == Decimal("350.0")
    assert tracked.average_price == Decimal("175")
    assert tracked.remaining_amount == Decimal("0")
    assert tracked.is_fully_executed
    assert tracked.fees == (TradeFee("BNB", Decimal("0.001")), TradeFee("USDT", Decimal("0.3")))


def test_a_fill_beyond_the_order_amount_is_refused() -> None:
    tracked = order("1")
    tracked.add_fill(fill("t1", "0.7"))
    with pytest.raises(IllegalTransition, match="would execute more than the order amount 1"):
        tracked.add_fill(fill("t2", "0.4"))
    assert tracked.executed_amount == Decimal("0.7")


def test_state_helpers() -> None:
    assert order(state=S.PENDING_CANCEL).is_open
    assert not order().is_open
    assert order(state=S.FAILED).is_terminal
    assert not order(state=S.OPEN).is_terminal
