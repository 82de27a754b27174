"""Steps as data: words for the report, JSON for regression cassettes."""

from __future__ import annotations

from harness.scenarios.steps import OrderRef, Step, StepKind, describe_steps


def placed() -> Step:
    step = Step(StepKind.PLACE, {"pair": 0, "side": "SELL", "type": "LIMIT_MAKER",
                                 "amount": "below_min", "price": "off_tick"})
    step.resolved.update(order="o1", pair_name="ETH-USDT", amount="0.000005", price="2000.105")
    return step


def test_a_placement_reads_with_its_values_and_the_edges_it_was_drawn_near() -> None:
    assert placed().describe() == (
        "o1 = place LIMIT_MAKER SELL 0.000005 ETH-USDT at 2000.105 (amount: one step below "
        "the minimum; price: between two ticks)")


def test_a_market_order_reads_without_a_price() -> None:
    step = Step(StepKind.PLACE, {"pair": 1, "side": "BUY", "type": "MARKET", "amount": "huge",
                                 "price": None})
    step.resolved.update(order="o2", pair_name="BTC-USDT", amount="9")
    assert step.describe() == "o2 = place MARKET BUY 9 BTC-USDT (amount: more than the balance)"


def test_faults_read_as_what_the_exchange_will_do() -> None:
    words = [Step(StepKind.HTTP_FAULT, {"operation": "place", "fault": "server_error",
                                        "status": 502}).describe(),
             Step(StepKind.HTTP_FAULT, {"operation": "cancel",
                                        "fault": "accepted_then_timeout"}).describe(),
             Step(StepKind.WS_FAULT, {"stream": "user", "fault": "duplicate",
                                      "count": 3}).describe(),
             Step(StepKind.DROP_WS, {"stream": None}).describe()]
    assert words == ["fault: the next 'place' request answers HTTP 502 without executing",
                     "fault: the next 'cancel' request is executed but never answered",
                     "fault: the next 3 events of the 'user' stream are delivered twice",
                     "fault: every WebSocket connection drops"]


def test_steps_round_trip_through_json_with_their_order_references() -> None:
    fill = Step(StepKind.FILL, {"order": OrderRef(2), "portion": "part"},
                {"qty": "0.1", "price": "10"})
    again = Step.from_json(fill.to_json())
    assert again == fill
    assert again.args["order"] == OrderRef(2)
    assert fill.to_json()["args"]["order"] == "o2"
    assert fill.to_json()["words"] == ("another participant takes part of o2 "
                                       "(0.1 at 10, o2 is maker)")


def test_minimal_steps_are_numbered_sentences() -> None:
    assert describe_steps([placed(), Step(StepKind.CANCEL, {"order": OrderRef(1)}),
                           Step(StepKind.HEAL)]) == (
        "1. " + placed().describe(), "2. cancel o1",
        "3. faults end; wait until the connector agrees with the exchange, then check")


def test_the_streams_only_steps_read_as_what_the_exchange_did() -> None:
    newest = Step(StepKind.EXPIRE)
    assert newest.describe() == ("the exchange expires our newest open order: none, nothing "
                                 "happens")
    newest.resolved["order"] = "o3"
    assert newest.describe() == "the exchange expires o3"
    everything = Step(StepKind.DEPOSIT, {"pair": 0, "asset": "quote", "sign": -1, "all": True})
    everything.resolved.update(asset="USDT", amount="1000000")
    assert everything.describe() == "withdraw 1000000 USDT (all that is free) outside trading"
    again = Step.from_json(everything.to_json())
    assert again.args["all"] is True and again.describe() == everything.describe()
