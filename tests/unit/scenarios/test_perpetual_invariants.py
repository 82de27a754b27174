"""Each perpetual invariant of PROP-LIFE reports what it exists for (P1-P7), and stays quiet
when connector and exchange agree (harness/scenarios/perpetual_invariants.py)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest.mock import Mock

import pytest

from harness.double import MarketSpec
from harness.double.perpetual import PerpetualExchange, PositionMode
from harness.double.positions import ONE_WAY
from harness.scenarios.ledger import EventLedger, Placement
from harness.scenarios.perpetual_invariants import (
    funding_agreement,
    liquidation_agreement,
    position_agreement,
    setting_problems,
    terms_problems,
)
from harness.standard.api import PerpetualConnector, Position
from harness.standard.enums import OrderType, PositionAction, PositionSide, TradeSide
from harness.standard.enums import PositionMode as StandardMode
from harness.standard.events import FundingPayment, OrderFilled, PositionLiquidated
from harness.standard.model import Fill, TradeFee
from harness.standard.order import TrackedOrder
from harness.standard.pair import TradingPair

D = Decimal
BTC = TradingPair("BTC", "USDT")
OPEN, CLOSE = PositionAction.OPEN, PositionAction.CLOSE


@pytest.fixture
def ex() -> PerpetualExchange:
    exchange = PerpetualExchange(clock=lambda: 1_000)
    exchange.add_market(MarketSpec(BTC, "BTCUSDT", D("0.1"), D("0.001")))
    exchange.set_balance("USDT", D("10000"))
    exchange.seed_liquidity(BTC, TradeSide.SELL, D("100"), D("50"))
    return exchange


def _fill(cid: str, amount: str, action: PositionAction | None = OPEN,
          side: PositionSide | None = PositionSide.BOTH) -> Fill:
    return Fill(f"t-{cid}", cid, "1", BTC, TradeSide.BUY, D("100"), D(amount),
                TradeFee("USDT", D(0)), 1.0, position_action=action, position_side=side)


def _placed(ledger: EventLedger, cid: str) -> None:
    ledger.placed(Placement("o1", cid, BTC, TradeSide.BUY, OrderType.MARKET, D("1"), None))


def _connector(positions: dict[Any, Position], order: TrackedOrder | None = None,
               mode: StandardMode = StandardMode.ONEWAY, leverage: int = 10) -> Mock:
    connector = Mock(spec=PerpetualConnector)
    connector.positions.return_value = positions
    connector.position_mode = mode
    connector.get_leverage.return_value = leverage
    connector.get_order.return_value = order
    return connector


def test_terms_flag_closing_orders_sent_to_open_and_the_wrong_leg(ex: PerpetualExchange) -> None:
    ledger = EventLedger()
    _placed(ledger, "c1")
    ex.place_perpetual("c1", BTC, TradeSide.BUY, OrderType.MARKET, D("1"))
    assert terms_problems(ex, ledger, {"c1": (OPEN, ONE_WAY)}) == []
    problems = terms_problems(ex, ledger, {"c1": (CLOSE, 1)})
    assert [p[:3] for p in problems] == ["P4:", "P5:"]
    ex.place_perpetual("c2", BTC, TradeSide.SELL, OrderType.MARKET, D("5"), reduce_only=True)
    assert terms_problems(ex, ledger, {"c2": (OPEN, ONE_WAY)})[0].startswith("P4: c2")


def test_terms_flag_fills_without_their_position_terms(ex: PerpetualExchange) -> None:
    ledger = EventLedger()
    _placed(ledger, "c1")
    ex.place_perpetual("c1", BTC, TradeSide.BUY, OrderType.MARKET, D("1"))
    ledger(OrderFilled(1.0, "c1", _fill("c1", "1", action=None, side=None)))
    assert terms_problems(ex, ledger, {"c1": (OPEN, ONE_WAY)})[0].startswith("P6: o1")


def test_settings_flag_a_mode_or_leverage_unlike_the_exchange(ex: PerpetualExchange) -> None:
    book = SimpleNamespace(leverage={"BTC-USDT": 5})
    ex.set_leverage(BTC, 5)
    assert setting_problems(_connector({}, leverage=5), ex, book) == []
    assert setting_problems(_connector({}, leverage=1), ex, book)[0].startswith(
        "P3: get_leverage(BTC-USDT)")
    ex.set_mode(PositionMode.HEDGE)
    assert setting_problems(_connector({}, leverage=5), ex, book)[0].startswith(
        "P3: the connector says position mode ONEWAY")
    assert setting_problems(object(), ex, book) == []


def test_positions_agree_with_the_exchange_and_the_fills(ex: PerpetualExchange) -> None:
    ledger = EventLedger()
    ex.place_perpetual("c1", BTC, TradeSide.BUY, OrderType.MARKET, D("1"))
    order = TrackedOrder("c1", BTC, TradeSide.BUY, OrderType.MARKET, D("1"), None, 0.0, OPEN)
    order.fills["t-c1"] = _fill("c1", "1")
    book = SimpleNamespace(order=["c1"], counted_from=0, actions={"c1": (OPEN, ONE_WAY)},
                           liquidated={})
    right = Position(BTC, PositionSide.BOTH, D("1"), D("100"), D("0"), 10)
    key = (BTC, PositionSide.BOTH)
    assert position_agreement(_connector({key: right}, order), ex, ledger, book) == []
    wrong = Position(BTC, PositionSide.BOTH, D("2"), D("100"), D("0"), 10)
    problems = position_agreement(_connector({key: wrong}, order), ex, ledger, book)
    assert [p[:3] for p in problems] == ["P1:", "P1:"]  # the exchange's, and the fills'
    assert "fills add up to 1" in problems[1]
    missing = position_agreement(_connector({}, order), ex, ledger, None)
    assert missing[0].startswith("P1: position BTC-USDT BOTH is none")


def test_funding_and_liquidations_are_reported_once_each(ex: PerpetualExchange) -> None:
    ledger = EventLedger()
    ex.place_perpetual("c1", BTC, TradeSide.BUY, OrderType.MARKET, D("1"))
    paid = ex.settle_funding(BTC)
    assert funding_agreement(ex, ledger, [BTC])[0].startswith("P2: BTC-USDT funding")
    ledger(FundingPayment(paid[0].time_ms / 1000, BTC, paid[0].amount, paid[0].rate))
    assert funding_agreement(ex, ledger, [BTC]) == []
    ledger(FundingPayment(paid[0].time_ms / 1000, BTC, paid[0].amount, paid[0].rate))
    assert "repeated" in funding_agreement(ex, ledger, [BTC])[0]
    done = ex.liquidate(BTC, ONE_WAY, adl=True)
    assert done is not None and ex.position(BTC, ONE_WAY).signed == 0
    assert liquidation_agreement(ex, ledger)[0].startswith("P7: the exchange liquidated")
    ledger(PositionLiquidated(1.0, BTC, PositionSide.BOTH, done.qty, done.price, "adl"))
    assert liquidation_agreement(ex, ledger) == []
    assert ex.liquidate(BTC, ONE_WAY) is None  # flat: nothing to liquidate
