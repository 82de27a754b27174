"""What the in-memory exchange accepts on one market: the neutral form of exchange filters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from harness.standard.pair import TradingPair
from harness.standard.rules import TradingRule

_ZERO = Decimal(0)


class MarketStatus(StrEnum):
    TRADING = "TRADING"
    HALTED = "HALTED"


@dataclass(frozen=True)
class MarketSpec:
    """One market of the double. Limits of 0 mean "no constraint" (as exchange filters do).

    `symbol` is whatever the wire layer calls the market (``BTCUSDT``, ``BTC_USDT``...); the
    exchange itself only keys markets by `pair`.

    >>> spec = MarketSpec(TradingPair("BTC", "USDT"), "BTCUSDT", tick_size=Decimal("0.01"),
    ...                   step_size=Decimal("0.0001"))
    >>> spec.status
    <MarketStatus.TRADING: 'TRADING'>
    """

    pair: TradingPair
    symbol: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal = _ZERO
    max_qty: Decimal = _ZERO
    min_notional: Decimal = _ZERO
    min_price: Decimal = _ZERO
    max_price: Decimal = _ZERO
    maker_fee: Decimal = _ZERO
    taker_fee: Decimal = _ZERO
    status: MarketStatus = MarketStatus.TRADING
    fee_decimals: int = 8

    def __post_init__(self) -> None:
        for name in ("tick_size", "step_size", "min_qty", "max_qty", "min_notional",
                     "min_price", "max_price", "maker_fee", "taker_fee"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise TypeError(f"MarketSpec.{name} must be a Decimal, got {type(value).__name__}")
            if not value.is_finite() or value < 0:
                raise ValueError(f"MarketSpec.{name} must be finite and >= 0, got {value}")
        if not self.symbol:
            raise ValueError("MarketSpec.symbol must not be empty")

    @property
    def base(self) -> str:
        return self.pair.base

    @property
    def quote(self) -> str:
        return self.pair.quote

    @property
    def fee_quantum(self) -> Decimal:
        """Fees are rounded to this many decimals (8, as Binance reports commissions)."""
        return Decimal(1).scaleb(-self.fee_decimals)

    def trading_rule(self) -> TradingRule:
        """The standard's view of these filters (what a connector should end up knowing)."""
        return TradingRule(
            pair=self.pair,
            min_order_size=self.min_qty,
            max_order_size=self.max_qty,
            min_price_increment=self.tick_size,
            min_base_increment=self.step_size,
            min_notional=self.min_notional,
        )


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """True when `value` is a whole number of `step`s (any value when step is 0)."""
    return step == 0 or value % step == 0
