"""Trading pairs in the standard's BASE-QUOTE form."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ASSET = re.compile(r"^[A-Z0-9]{1,20}$")


class InvalidTradingPair(ValueError):
    """A string that is not a BASE-QUOTE pair of upper-case assets."""


@dataclass(frozen=True, order=True)
class TradingPair:
    """A market, written BASE-QUOTE.

    >>> TradingPair.parse("BTC-USDT").base
    'BTC'
    """

    base: str
    quote: str

    def __post_init__(self) -> None:
        for role, asset in (("base", self.base), ("quote", self.quote)):
            if not _ASSET.match(asset):
                raise InvalidTradingPair(
                    f"{role} asset {asset!r} must be 1-20 upper-case letters or digits"
                )
        if self.base == self.quote:
            raise InvalidTradingPair(f"base and quote are both {self.base!r}")

    @classmethod
    def parse(cls, text: str) -> TradingPair:
        parts = text.split("-")
        if len(parts) != 2:
            raise InvalidTradingPair(f"{text!r} is not BASE-QUOTE (for example BTC-USDT)")
        return cls(parts[0], parts[1])

    def __str__(self) -> str:
        return f"{self.base}-{self.quote}"
