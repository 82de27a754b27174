"""Everything a connector emitted during one example, indexed by order.

The ledger is the connector's listener (`connector.subscribe(ledger)`); the invariants read
it. It also remembers which client order ids `place_order` returned, the only orders the
connector may report on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from harness.standard.enums import OrderType, TradeSide
from harness.standard.events import (
    TERMINAL_EVENT_TYPES,
    BalanceUpdated,
    Event,
    OrderEvent,
    OrderFilled,
)
from harness.standard.model import Fill
from harness.standard.pair import TradingPair


@dataclass(frozen=True)
class Placement:
    """What the machine asked for, and the id `place_order` answered with."""

    ref: str
    client_order_id: str
    pair: TradingPair
    side: TradeSide
    order_type: OrderType
    amount: Decimal
    price: Decimal | None
    asked_amount: Decimal | None = None
    """The amount the machine asked for, before the connector quantized it (`amount`)."""
    outcome_unknown: bool = False
    """The placement request met a 5xx or a timeout: only a query can tell the connector
    whether the exchange has the order."""


@dataclass
class EventLedger:
    events: list[Event] = field(default_factory=list)
    by_order: dict[str, list[OrderEvent]] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, OrderEvent):
            self.by_order.setdefault(event.client_order_id, []).append(event)

    def placed(self, placement: Placement) -> None:
        self.placements[placement.client_order_id] = placement

    def order_events(self, client_order_id: str) -> list[OrderEvent]:
        return list(self.by_order.get(client_order_id, ()))

    def terminal_events(self, client_order_id: str) -> list[OrderEvent]:
        return [e for e in self.by_order.get(client_order_id, ())
                if isinstance(e, TERMINAL_EVENT_TYPES)]

    def fills(self, client_order_id: str) -> list[Fill]:
        return [e.fill for e in self.by_order.get(client_order_id, ())
                if isinstance(e, OrderFilled)]

    def balance_updates(self, asset: str | None = None) -> list[BalanceUpdated]:
        return [e for e in self.events if isinstance(e, BalanceUpdated)
                and (asset is None or e.asset == asset)]

    def ref_of(self, client_order_id: str) -> str:
        placement = self.placements.get(client_order_id)
        return placement.ref if placement else client_order_id

    def describe(self, client_order_id: str) -> str:
        """The events of one order, one short line each (for failure messages)."""
        return "; ".join(_short(e) for e in self.by_order.get(client_order_id, ())) or "none"

    def reset(self) -> None:
        self.events.clear()
        self.by_order.clear()
        self.placements.clear()


def _short(event: Event) -> str:
    if isinstance(event, OrderFilled):
        fill = event.fill
        return f"OrderFilled(trade {fill.trade_id}: {fill.amount} @ {fill.price})"
    return type(event).__name__


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))
