"""Shared setup for the in-memory exchange tests: one BTC-USDT market and a fake clock."""

from __future__ import annotations

from decimal import Decimal

from harness.double import Exchange, ExchangeEvent, MarketSpec
from harness.standard.pair import TradingPair

BTC_USDT = TradingPair("BTC", "USDT")
ETH_USDT = TradingPair("ETH", "USDT")


def D(text: str | int) -> Decimal:
    return Decimal(text)


class FakeClock:
    def __init__(self, start: int = 1_700_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int = 1) -> None:
        self.now += ms


def spec(pair: TradingPair = BTC_USDT, **overrides: object) -> MarketSpec:
    fields: dict[str, object] = dict(
        symbol=pair.base + pair.quote, tick_size=D("0.01"), step_size=D("0.001"),
        min_qty=D("0.001"), max_qty=D("1000"), min_notional=D("5"),
        maker_fee=D("0.001"), taker_fee=D("0.002"))
    fields.update(overrides)
    return MarketSpec(pair, **fields)  # type: ignore[arg-type]


def exchange(usdt: str = "10000", btc: str = "10", **overrides: object) -> Exchange:
    ex = Exchange(clock=FakeClock())
    ex.add_market(spec(BTC_USDT, **overrides))
    ex.set_balance("USDT", D(usdt))
    ex.set_balance("BTC", D(btc))
    ex.history.clear()
    return ex


def recorder(ex: Exchange) -> list[ExchangeEvent]:
    events: list[ExchangeEvent] = []
    ex.subscribe(events.append)
    return events


def kinds(events: list[ExchangeEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def opt(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
