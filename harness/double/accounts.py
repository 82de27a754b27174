"""The one trading account of the double: free and locked balances per asset."""

from __future__ import annotations

from decimal import Decimal

from harness.double.events import AssetBalance

_ZERO = Decimal(0)


class InsufficientFunds(ValueError):
    """A move would make a balance negative (a bug of the exchange or a misuse by the harness)."""


class Account:
    """Free and locked balances. Every move names the asset, and moves never go negative.

    Assets touched since the last `take_touched()` are remembered, so the exchange can emit
    one BalancesChanged per operation.
    """

    def __init__(self) -> None:
        self._free: dict[str, Decimal] = {}
        self._locked: dict[str, Decimal] = {}
        self._touched: set[str] = set()

    def reset(self) -> None:
        self._free.clear()
        self._locked.clear()
        self._touched.clear()

    def free(self, asset: str) -> Decimal:
        return self._free.get(asset, _ZERO)

    def locked(self, asset: str) -> Decimal:
        return self._locked.get(asset, _ZERO)

    def balance(self, asset: str) -> AssetBalance:
        return AssetBalance(asset, self.free(asset), self.locked(asset))

    def balances(self) -> dict[str, AssetBalance]:
        """Every asset the account ever held, sorted by name."""
        assets = sorted(self._free.keys() | self._locked.keys())
        return {asset: self.balance(asset) for asset in assets}

    def set_free(self, asset: str, amount: Decimal) -> None:
        if amount < 0:
            raise InsufficientFunds(f"free {asset} cannot be set to {amount} (negative)")
        self._free[asset] = amount
        self._locked.setdefault(asset, _ZERO)
        self._touched.add(asset)

    def credit(self, asset: str, amount: Decimal) -> None:
        """Add `amount` (which may be negative: a withdrawal) to free."""
        self._set(self._free, asset, self.free(asset) + amount, "free")

    def lock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from free to locked."""
        self._set(self._free, asset, self.free(asset) - amount, "free")
        self._set(self._locked, asset, self.locked(asset) + amount, "locked")

    def unlock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from locked back to free."""
        self._set(self._locked, asset, self.locked(asset) - amount, "locked")
        self._set(self._free, asset, self.free(asset) + amount, "free")

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        """Remove `amount` from locked: it left the account in a trade."""
        self._set(self._locked, asset, self.locked(asset) - amount, "locked")

    def take_touched(self) -> tuple[AssetBalance, ...]:
        """Balances of the assets touched since the last call, sorted by asset."""
        touched = sorted(self._touched)
        self._touched.clear()
        return tuple(self.balance(asset) for asset in touched)

    def _set(self, book: dict[str, Decimal], asset: str, value: Decimal, what: str) -> None:
        if value < 0:
            raise InsufficientFunds(f"{what} {asset} would become {value}")
        book[asset] = value
        other = self._locked if book is self._free else self._free
        other.setdefault(asset, _ZERO)
        self._touched.add(asset)
