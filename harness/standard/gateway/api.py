"""The public API of a Gateway client connector (the consumer side, as Hummingbot's gateway
connector is): what suites and scenarios may use.

A client swaps and provides liquidity through one Gateway DEX connector (`dex`/`trading_type`
on `chain`) for one pair (its config's first trading pair). Every transaction becomes a
`GatewayOrder` that is PENDING_CREATE until Gateway answers with a signature, OPEN while the
transaction is pending, and FILLED or FAILED only once a poll says CONFIRMED or FAILED.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderState, Standard
from harness.standard.gateway.model import (
    Chain,
    PoolInfo,
    Position,
    SwapQuote,
    SwapSide,
    TradingType,
)


class GatewayAction(StrEnum):
    SWAP = "swap"
    ADD_LIQUIDITY = "add-liquidity"
    REMOVE_LIQUIDITY = "remove-liquidity"
    OPEN_POSITION = "open-position"
    COLLECT_FEES = "collect-fees"
    CLOSE_POSITION = "close-position"


class GatewayRequestError(Exception):
    """Gateway refused a request (4xx/5xx) or answered what its schema forbids."""

    def __init__(self, route: str, status: int, message: str) -> None:
        super().__init__(f"{route}: {status} {message}")
        self.route = route
        self.status = status
        self.message = message


@dataclass
class GatewayOrder:
    """One transaction the client sent, tracked until its poll settles it."""

    client_id: str
    action: GatewayAction
    side: SwapSide | None = None
    amount: Decimal = Decimal(0)
    signature: str = ""
    state: OrderState = OrderState.PENDING_CREATE
    amount_in: Decimal | None = None
    amount_out: Decimal | None = None
    fee: Decimal | None = None
    error: str = ""
    position: str = ""
    balance_changes: dict[str, Decimal] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.state.is_terminal


class GatewayConnector(ABC):
    """A client of one Gateway DEX connector, for one pair."""

    standard: ClassVar[Standard] = Standard.GATEWAY
    dex: ClassVar[str]
    trading_type: ClassVar[TradingType]
    chain: ClassVar[Chain]

    def __init__(self, config: ConnectorConfig) -> None:
        self.config = config

    @abstractmethod
    async def start(self) -> None:
        """Find the wallet and the pool (GET /wallet, /pools); return once ready."""

    @abstractmethod
    async def stop(self) -> None: ...

    @property
    @abstractmethod
    def orders(self) -> Mapping[str, GatewayOrder]: ...

    @abstractmethod
    async def quote(self, side: SwapSide, amount: Decimal,
                    slippage_pct: Decimal | None = None) -> SwapQuote: ...

    @abstractmethod
    async def swap(self, side: SwapSide, amount: Decimal,
                   slippage_pct: Decimal | None = None) -> GatewayOrder:
        """Send a swap of `amount` base; the order, OPEN until a poll settles it."""

    @abstractmethod
    async def update_orders(self) -> None:
        """Poll every open order's transaction once."""

    @abstractmethod
    async def balances(self) -> dict[str, Decimal]:
        """The wallet's base, quote and native balances."""

    @abstractmethod
    async def pool(self) -> PoolInfo: ...

    @abstractmethod
    async def positions(self) -> list[Position]:
        """The wallet's liquidity in the pool (AMM: one share; CLMM: its positions)."""

    @abstractmethod
    async def add_liquidity(self, base: Decimal, quote: Decimal, position: str = "",
                            slippage_pct: Decimal | None = None) -> GatewayOrder: ...

    @abstractmethod
    async def remove_liquidity(self, percentage: Decimal, position: str = ""
                               ) -> GatewayOrder: ...

    @abstractmethod
    async def open_position(self, lower_price: Decimal, upper_price: Decimal, base: Decimal,
                            quote: Decimal, slippage_pct: Decimal | None = None
                            ) -> GatewayOrder: ...

    @abstractmethod
    async def collect_fees(self, position: str) -> GatewayOrder: ...

    @abstractmethod
    async def close_position(self, position: str) -> GatewayOrder: ...
