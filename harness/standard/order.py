"""A tracked order and the transitions the standard allows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from harness.standard.enums import OrderState, OrderType, PositionAction, TradeSide
from harness.standard.model import Fill, TradeFee
from harness.standard.pair import TradingPair

_S = OrderState
ALLOWED_TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    _S.PENDING_CREATE: frozenset({_S.OPEN, _S.PARTIALLY_FILLED, _S.FILLED, _S.CANCELED,
                                  _S.FAILED, _S.PENDING_CANCEL}),
    _S.OPEN: frozenset({_S.PARTIALLY_FILLED, _S.PENDING_CANCEL, _S.CANCELED, _S.FILLED,
                        _S.FAILED}),
    _S.PARTIALLY_FILLED: frozenset({_S.PENDING_CANCEL, _S.CANCELED, _S.FILLED}),
    # A cancel that the exchange refused puts the order back where it was.
    _S.PENDING_CANCEL: frozenset({_S.OPEN, _S.PARTIALLY_FILLED, _S.CANCELED, _S.FILLED}),
    _S.CANCELED: frozenset(),
    _S.FILLED: frozenset(),
    _S.FAILED: frozenset(),
}


class IllegalTransition(RuntimeError):
    """A state change the standard forbids, such as leaving a terminal state."""


@dataclass
class TrackedOrder:
    """An order the connector placed, from the request until a terminal state."""

    client_order_id: str
    pair: TradingPair
    side: TradeSide
    order_type: OrderType
    amount: Decimal
    price: Decimal | None
    creation_timestamp: float
    position_action: PositionAction = PositionAction.NIL
    exchange_order_id: str | None = None
    state: OrderState = OrderState.PENDING_CREATE
    fills: dict[str, Fill] = field(default_factory=dict)
    not_found_count: int = 0
    last_update_timestamp: float = 0.0

    @property
    def is_terminal(self) -> bool:
        return self.state.is_terminal

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def executed_amount(self) -> Decimal:
        return sum((fill.amount for fill in self.fills.values()), Decimal(0))

    @property
    def executed_quote_amount(self) -> Decimal:
        return sum((fill.quote_amount for fill in self.fills.values()), Decimal(0))

    @property
    def average_price(self) -> Decimal | None:
        executed = self.executed_amount
        return self.executed_quote_amount / executed if executed else None

    @property
    def remaining_amount(self) -> Decimal:
        return self.amount - self.executed_amount

    @property
    def fees(self) -> tuple[TradeFee, ...]:
        totals: dict[str, Decimal] = {}
        for fill in self.fills.values():
            totals[fill.fee.asset] = totals.get(fill.fee.asset, Decimal(0)) + fill.fee.amount
        return tuple(TradeFee(asset, amount) for asset, amount in sorted(totals.items()))

    @property
    def is_fully_executed(self) -> bool:
        return self.executed_amount >= self.amount

    def can_transition(self, new_state: OrderState) -> bool:
        return new_state == self.state or new_state in ALLOWED_TRANSITIONS[self.state]

    def transition(self, new_state: OrderState) -> bool:
        """Move to `new_state`; True if the state changed. Raises on a forbidden change."""
        if new_state == self.state:
            return False
        if new_state not in ALLOWED_TRANSITIONS[self.state]:
            raise IllegalTransition(
                f"order {self.client_order_id}: {self.state.value} -> {new_state.value} "
                "is not allowed by the standard"
            )
        self.state = new_state
        return True

    def add_fill(self, fill: Fill) -> bool:
        """Record a fill once; False if its trade id was already counted."""
        if fill.trade_id in self.fills:
            return False
        if self.executed_amount + fill.amount > self.amount:
            raise IllegalTransition(
                f"order {self.client_order_id}: fill {fill.trade_id} of {fill.amount} would "
                f"execute more than the order amount {self.amount}"
            )
        self.fills[fill.trade_id] = fill
        return True
