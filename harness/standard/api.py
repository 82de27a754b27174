"""The public connector API: all that suites, scenarios and trading engines may use.

Modelled on Hummingbot's spot and perpetual standard, but black-box: a suite sees only these
methods and the events a connector emits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from harness.standard.config import ConnectorConfig
from harness.standard.enums import (
    NetworkStatus,
    OrderType,
    PositionAction,
    PositionMode,
    PositionSide,
    Standard,
    TradeSide,
)
from harness.standard.events import Event
from harness.standard.model import Balance, CancellationResult
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBook
from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

EventListener = Callable[[Event], None]
Unsubscribe = Callable[[], None]


class SpotConnector(ABC):
    """A connector to one exchange's spot markets."""

    name: ClassVar[str]
    standard: ClassVar[Standard] = Standard.SPOT

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    # lifecycle -----------------------------------------------------------------
    @abstractmethod
    async def start(self) -> None:
        """Start the background work (streams, polling) and return at once."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop all background work and close connections."""

    @abstractmethod
    async def wait_ready(self) -> None:
        """Return once `ready` is true; the caller applies its own deadline."""

    @property
    @abstractmethod
    def ready(self) -> bool:
        """True once symbols, rules, balances, order books and the user stream are up."""

    @property
    @abstractmethod
    def status(self) -> Mapping[str, bool]:
        """Readiness of each part, by name."""

    @abstractmethod
    async def check_network(self) -> NetworkStatus: ...

    # markets -------------------------------------------------------------------
    @abstractmethod
    async def fetch_trading_pairs(self) -> list[TradingPair]:
        """Active pairs the exchange lists; an empty list when fetching fails."""

    @abstractmethod
    def exchange_symbol(self, pair: TradingPair) -> str:
        """The exchange's symbol for a pair; KeyError if the pair is unknown."""

    @abstractmethod
    def trading_pair(self, symbol: str) -> TradingPair:
        """The pair for an exchange symbol; KeyError if the symbol is unknown or inactive."""

    @abstractmethod
    async def update_trading_rules(self) -> None: ...

    @property
    @abstractmethod
    def trading_rules(self) -> Mapping[TradingPair, TradingRule]: ...

    @abstractmethod
    def quantize_price(self, pair: TradingPair, price: Decimal) -> Decimal: ...

    @abstractmethod
    def quantize_amount(self, pair: TradingPair, amount: Decimal) -> Decimal: ...

    @abstractmethod
    def order_book(self, pair: TradingPair) -> OrderBook: ...

    @abstractmethod
    async def get_last_traded_prices(
        self, pairs: Sequence[TradingPair]
    ) -> dict[TradingPair, Decimal]: ...

    # orders --------------------------------------------------------------------
    @abstractmethod
    async def place_order(
        self,
        pair: TradingPair,
        side: TradeSide,
        order_type: OrderType,
        amount: Decimal,
        price: Decimal | None = None,
        position_action: PositionAction = PositionAction.NIL,
    ) -> str:
        """Place an order and return its client order id once the exchange answered.

        The outcome arrives as events: OrderCreated, or OrderFailed. When the outcome is
        unknown (timeout, 5xx) the order stays PENDING_CREATE until a status poll settles it.
        """

    @abstractmethod
    async def cancel(self, client_order_id: str) -> CancellationResult: ...

    @abstractmethod
    async def cancel_all(self, timeout: float) -> list[CancellationResult]:
        """Cancel every open order this connector placed, and report each one's result."""

    @property
    @abstractmethod
    def tracked_orders(self) -> Mapping[str, TrackedOrder]:
        """Orders not yet in a terminal state, by client order id; lost orders (not found
        by the exchange N times in a row) are left out, though `get_order` still has them."""

    @abstractmethod
    def get_order(self, client_order_id: str) -> TrackedOrder | None:
        """Any order this connector placed in this session, terminal or not."""

    # account -------------------------------------------------------------------
    @abstractmethod
    async def update_balances(self) -> None: ...

    @abstractmethod
    def balances(self) -> Mapping[str, Balance]: ...

    # events --------------------------------------------------------------------
    @abstractmethod
    def subscribe(self, listener: EventListener) -> Unsubscribe: ...


@dataclass(frozen=True)
class Position:
    pair: TradingPair
    side: PositionSide
    amount: Decimal
    entry_price: Decimal
    unrealized_pnl: Decimal
    leverage: int


@dataclass(frozen=True)
class FundingInfo:
    pair: TradingPair
    index_price: Decimal
    mark_price: Decimal
    next_funding_timestamp: float
    rate: Decimal


@dataclass(frozen=True)
class FundingPaymentRecord:
    """One funding payment as the exchange reports it (amount > 0: received, < 0: paid)."""

    pair: TradingPair
    timestamp: float
    amount: Decimal
    rate: Decimal


class PerpetualConnector(SpotConnector):
    """A connector to one exchange's perpetual markets: the spot API plus positions, leverage,
    position mode and funding.

    Better than Hummingbot's where it is weak: `set_leverage` and `set_position_mode` return
    only once the exchange has answered, and raise `SettingRefused` when the change did not
    happen (a mode the connector does not support is refused without asking the exchange).
    """

    standard: ClassVar[Standard] = Standard.PERPETUAL

    @abstractmethod
    def positions(self) -> Mapping[tuple[TradingPair, PositionSide], Position]:
        """Open positions: one per pair (side BOTH) in one-way mode, one per pair and side
        (LONG, SHORT) in hedge mode. A short's amount is negative."""

    @abstractmethod
    async def set_leverage(self, pair: TradingPair, leverage: int) -> None:
        """Set and wait for the exchange's answer; raise SettingRefused if it did not happen."""

    @abstractmethod
    def get_leverage(self, pair: TradingPair) -> int: ...

    @abstractmethod
    async def set_position_mode(self, mode: PositionMode) -> None:
        """Set and wait for the exchange's answer; raise SettingRefused if it did not happen
        (without a request when `mode` is not in `supported_position_modes`)."""

    @property
    @abstractmethod
    def position_mode(self) -> PositionMode: ...

    @property
    @abstractmethod
    def supported_position_modes(self) -> frozenset[PositionMode]: ...

    @abstractmethod
    async def get_funding_info(self, pair: TradingPair) -> FundingInfo: ...

    @abstractmethod
    def funding_infos(self) -> Mapping[TradingPair, FundingInfo]:
        """The latest funding info of each pair, as the connector knows it now."""

    @abstractmethod
    def get_buy_collateral_token(self, pair: TradingPair) -> str: ...

    @abstractmethod
    def get_sell_collateral_token(self, pair: TradingPair) -> str: ...
