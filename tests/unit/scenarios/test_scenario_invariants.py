"""The lifecycle invariants on hand-made event streams: each one bites, a clean stream passes."""

from __future__ import annotations

from decimal import Decimal

from harness.scenarios.invariants import event_problems
from harness.scenarios.ledger import EventLedger, Placement
from harness.standard.enums import OrderType, TradeSide
from harness.standard.events import (
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
)
from harness.standard.model import Fill, TradeFee
from harness.standard.pair import TradingPair

D = Decimal
PAIR = TradingPair("BTC", "USDT")
CID = "CH-Bt1"


def ledger(*events: object, amount: str = "2") -> EventLedger:
    book = EventLedger()
    book.placed(Placement("o1", CID, PAIR, TradeSide.BUY, OrderType.LIMIT, D(amount), D("10")))
    for event in events:
        book(event)  # type: ignore[arg-type]
    return book


def created() -> OrderCreated:
    return OrderCreated(1.0, CID, "7", PAIR, TradeSide.BUY, OrderType.LIMIT, D("2"), D("10"))


def filled(trade: str, amount: str, price: str = "10", fee: str = "0.001") -> OrderFilled:
    return OrderFilled(2.0, CID, Fill(trade, CID, "7", PAIR, TradeSide.BUY, D(price), D(amount),
                                      TradeFee("BTC", D(fee)), 2.0))


def completed(executed: str = "2", quote: str = "20", fee: str = "0.002") -> OrderCompleted:
    return OrderCompleted(3.0, CID, "7", D(executed), D(quote), (TradeFee("BTC", D(fee)),))


def test_a_clean_lifecycle_breaks_nothing() -> None:
    assert event_problems(ledger(created(), filled("1", "1"), filled("2", "1"),
                                 completed())) == []
    assert event_problems(ledger(created(), OrderCancelled(3.0, CID, "7"))) == []


def test_two_terminal_events_break_1() -> None:
    problems = event_problems(ledger(created(), OrderCancelled(3.0, CID, "7"),
                                     OrderCancelled(4.0, CID, "7")))
    assert any(p.startswith("1: o1 (CH-Bt1) emitted 2 terminal events") for p in problems)


def test_an_event_after_the_terminal_one_breaks_6() -> None:
    problems = event_problems(ledger(created(), OrderFailed(2.0, CID, "no", True),
                                     filled("1", "1")))
    assert any(p.startswith("6: o1 (CH-Bt1) emitted OrderFilled after its terminal "
                            "OrderFailed") for p in problems)


def test_a_trade_counted_twice_breaks_3() -> None:
    problems = event_problems(ledger(created(), filled("1", "1"), filled("1", "1")))
    assert problems == ["3: o1 (CH-Bt1) counted trade(s) 1 more than once: "
                        "['1: 1@10', '1: 1@10']"]


def test_fills_beyond_the_amount_break_2() -> None:
    problems = event_problems(ledger(created(), filled("1", "1.5"), filled("2", "1")))
    assert problems == ["2: o1 (CH-Bt1) reported fills of 2.5 in all, more than its amount 2"]


def test_a_completion_that_disagrees_with_its_fills_breaks_2() -> None:
    problems = event_problems(ledger(created(), filled("1", "1"), filled("2", "1", "11"),
                                     completed(executed="1.5", quote="20", fee="0.003")))
    assert [p.split(" ")[0:6] for p in problems] == [
        ["2:", "o1", "(CH-Bt1)", "completed", "with", "executed_amount"],
        ["2:", "o1", "(CH-Bt1)", "completed", "with", "executed_quote_amount"],
        ["2:", "o1", "(CH-Bt1)", "completed", "with", "fees"]]


def test_a_completion_short_of_the_amount_breaks_2() -> None:
    problems = event_problems(ledger(created(), completed(executed="0", quote="0", fee="0")))
    assert problems == ["2: o1 (CH-Bt1) completed with executed_amount 0, but its fills add up "
                        "to 0 of an amount of 2"]


def test_an_event_for_an_order_never_placed_breaks_6() -> None:
    book = ledger()
    book(OrderCancelled(1.0, "CH-Bt99", None))
    assert event_problems(book) == ["6: OrderCancelled for CH-Bt99, an order the connector did "
                                    "not place (place_order never returned that id)"]


def test_terms_an_order_must_reach_the_exchange_with() -> None:
    from harness.double import Exchange, MarketSpec
    from harness.scenarios.invariants import terms_problems

    exchange = Exchange(clock=lambda: 1_000)
    exchange.add_market(MarketSpec(PAIR, "BTCUSDT", D("0.01"), D("0.001")))
    exchange.set_balance("USDT", D("1000"))
    exchange.set_balance("BTC", D("10"))

    def asked(side: TradeSide, order_type: OrderType, amount: str, price: str) -> list[str]:
        book = EventLedger()
        book.placed(Placement("o1", CID, PAIR, side, order_type, D(amount), D(price),
                              asked_amount=D(amount)))
        return terms_problems(exchange, book)

    exchange.place(CID, PAIR, TradeSide.BUY, OrderType.LIMIT, D("0.123"), D("10.05"))
    assert asked(TradeSide.BUY, OrderType.LIMIT, "0.1234", "10.059") == []  # rounded down
    assert "SELL" in asked(TradeSide.SELL, OrderType.LIMIT, "0.123", "10.05")[0]
    assert "BUY LIMIT on BTC-USDT" in asked(TradeSide.BUY, OrderType.LIMIT_MAKER, "0.123",
                                            "10.05")[0]
    assert "not 10.04 rounded down" in asked(TradeSide.BUY, OrderType.LIMIT, "0.123",
                                             "10.04")[0]  # rounded up
    assert "not 10.07 rounded down" in asked(TradeSide.BUY, OrderType.LIMIT, "0.123",
                                             "10.07")[0]  # down by more than a tick
    assert "an amount of 0.123, not 0.122" in asked(TradeSide.BUY, OrderType.LIMIT, "0.122",
                                                    "10.05")[0]


class _Tracking:
    """What order_agreement reads of a connector: its orders, by client order id."""

    def __init__(self, *orders: object) -> None:
        self.orders = {order.client_order_id: order for order in orders}  # type: ignore[attr-defined]

    def get_order(self, client_order_id: str) -> object:
        return self.orders.get(client_order_id)

    @property
    def tracked_orders(self) -> dict[str, object]:
        return {cid: order for cid, order in self.orders.items()
                if not order.is_terminal}  # type: ignore[attr-defined]


def test_an_unknown_placement_may_stay_pending_only_where_nothing_polls() -> None:
    from harness.double import Exchange, MarketSpec
    from harness.scenarios.invariants import order_agreement
    from harness.standard.enums import OrderState
    from harness.standard.order import TrackedOrder

    exchange = Exchange(clock=lambda: 1_000)
    exchange.add_market(MarketSpec(PAIR, "BTCUSDT", D("0.01"), D("0.001")))
    exchange.set_balance("USDT", D("1000"))
    pending = TrackedOrder(CID, PAIR, TradeSide.BUY, OrderType.LIMIT, D("2"), D("10"), 1.0)
    assert pending.state is OrderState.PENDING_CREATE
    connector = _Tracking(pending)
    never_accepted = "4: o1 (CH-Bt1) is PENDING_CREATE in the connector but the exchange " \
                     "never accepted it (expected FAILED)"
    # With polling on (nothing may stay pending), a status poll must settle it as FAILED.
    assert never_accepted in order_agreement(connector, exchange, ledger())  # type: ignore[arg-type]
    # Streams only: the stream cannot tell it the order was never created.
    assert order_agreement(connector, exchange, ledger(),  # type: ignore[arg-type]
                           may_stay_pending=[CID]) == []
    # Once the exchange has it (the placement was executed), the stream must report it.
    exchange.place(CID, PAIR, TradeSide.BUY, OrderType.LIMIT, D("2"), D("10"))
    problems = order_agreement(connector, exchange, ledger(),  # type: ignore[arg-type]
                               may_stay_pending=[CID])
    assert any(p.startswith("4: o1 (CH-Bt1) is PENDING_CREATE with 0 executed in the "
                            "connector; the exchange has it NEW") for p in problems), problems
