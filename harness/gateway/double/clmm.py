"""A concentrated-liquidity pool in bins (Meteora DLMM's model, as Gateway's clmm schema
carries it: binStep, activeBinId). Each bin trades at one price, bin i at
`price0 * (1 + binStep / 10000) ** i`. Bins above the active one hold base, bins below hold
quote. A swap walks bins from the active one; its fee is paid pro rata to the positions
holding liquidity in the bins it crosses, and to no one else: an out-of-range position
earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from harness.gateway.double.errors import GatewayError
from harness.standard.gateway.model import PoolInfo, SwapSide, Token

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass
class Bin:
    base: Decimal = ZERO
    quote: Decimal = ZERO
    shares: dict[str, Decimal] = field(default_factory=dict)  # by position address

    @property
    def total_shares(self) -> Decimal:
        return sum(self.shares.values(), ZERO)


@dataclass
class ClmmPosition:
    address: str
    wallet: str
    lower_bin: int
    upper_bin: int
    base_fee: Decimal = ZERO
    quote_fee: Decimal = ZERO


@dataclass
class BinPool:
    address: str
    base: Token
    quote: Token
    fee_pct: Decimal
    bin_step: int
    price0: Decimal
    active_bin: int = 0
    bins: dict[int, Bin] = field(default_factory=dict)
    positions: dict[str, ClmmPosition] = field(default_factory=dict)
    # The variant that pays fees to every position, in range or not (a broken double).
    fees_to_all: bool = False

    def bin_price(self, bin_id: int) -> Decimal:
        return self.price0 * (1 + Decimal(self.bin_step) / 10000) ** bin_id

    def bin_of(self, price: Decimal) -> int:
        """The bin whose price is the highest not above `price`."""
        if price <= 0:
            raise GatewayError(f"price {price} must be positive")
        ratio = (price / self.price0).ln() / (1 + Decimal(self.bin_step) / 10000).ln()
        return int(ratio.to_integral_value(rounding="ROUND_FLOOR"))

    @property
    def price(self) -> Decimal:
        return self.bin_price(self.active_bin)

    def info(self) -> PoolInfo:
        base = sum((b.base for b in self.bins.values()), ZERO)
        quote = sum((b.quote for b in self.bins.values()), ZERO)
        return PoolInfo(self.address, self.base.address, self.quote.address, self.fee_pct,
                        self.price, base, quote, self.bin_step, self.active_bin)

    # -- swaps -----------------------------------------------------------------------------
    def plan(self, side: SwapSide, amount: Decimal
             ) -> tuple[Decimal, Decimal, list[tuple[int, Decimal, Decimal]]]:
        """(amount_in, amount_out, [(bin, base moved, quote moved)]) without changing state.

        SELL gives `amount` base and takes quote from bins walking down; BUY takes `amount`
        base from bins walking up. The fee is a share of the input on top of the fill.
        """
        keep = (HUNDRED - self.fee_pct) / HUNDRED
        left = amount * keep if side is SwapSide.SELL else amount
        step = -1 if side is SwapSide.SELL else 1
        bin_id, moved, other = self.active_bin, [], ZERO
        lowest, highest = min(self.bins, default=0), max(self.bins, default=0)
        while left > 0:
            if not lowest <= bin_id <= highest:
                raise GatewayError(f"pool {self.address} has too little liquidity to "
                                   f"{side.value.lower()} {amount} {self.base.symbol}")
            pool_bin, price = self.bins.get(bin_id, Bin()), self.bin_price(bin_id)
            if side is SwapSide.SELL:
                base_here = min(left, pool_bin.quote / price)
                moved.append((bin_id, base_here, base_here * price))
            else:
                base_here = min(left, pool_bin.base)
                moved.append((bin_id, base_here, base_here * price))
            other += base_here * price
            left -= base_here
            if left > 0:
                bin_id += step
        if side is SwapSide.SELL:
            return amount, other, moved
        return other / keep, amount, moved

    def swap(self, side: SwapSide, amount: Decimal) -> tuple[Decimal, Decimal]:
        amount_in, amount_out, moved = self.plan(side, amount)
        fee_total = amount_in * self.fee_pct / HUNDRED
        # Fees go to the crossed bins in proportion to the base (or quote) each one traded.
        traded = sum((m[1] if side is SwapSide.SELL else m[2] for m in moved), ZERO)
        for bin_id, base_moved, quote_moved in moved:
            pool_bin = self.bins[bin_id]
            if side is SwapSide.SELL:
                pool_bin.base += base_moved
                pool_bin.quote -= quote_moved
            else:
                pool_bin.base -= base_moved
                pool_bin.quote += quote_moved
            weight = (base_moved if side is SwapSide.SELL else quote_moved) / traded
            self._pay_fees(pool_bin, fee_total * weight, side)
            self.active_bin = bin_id
        return amount_in, amount_out

    def _pay_fees(self, pool_bin: Bin, fee: Decimal, side: SwapSide) -> None:
        earners = ({p: Decimal(1) for p in self.positions} if self.fees_to_all
                   else pool_bin.shares)
        total = sum(earners.values(), ZERO)
        for address, share in earners.items():
            position = self.positions.get(address)
            if position is None or total == 0:
                continue
            if side is SwapSide.SELL:
                position.base_fee += fee * share / total
            else:
                position.quote_fee += fee * share / total

    # -- liquidity ---------------------------------------------------------------------------
    def placement(self, lower_bin: int, upper_bin: int, base: Decimal, quote: Decimal
                  ) -> tuple[Decimal, Decimal]:
        """What a deposit into [lower_bin, upper_bin] would place: base needs a bin at or
        above the active one, quote a bin at or below it."""
        placed_base = base if upper_bin >= self.active_bin else ZERO
        placed_quote = quote if lower_bin <= self.active_bin else ZERO
        return placed_base, placed_quote

    def deposit(self, position: ClmmPosition, base: Decimal, quote: Decimal
                ) -> tuple[Decimal, Decimal]:
        """Spread base over the range's bins at or above the active one and quote over those
        at or below it; return what was actually placed."""
        ids = range(position.lower_bin, position.upper_bin + 1)
        base_bins = [i for i in ids if i >= self.active_bin]
        quote_bins = [i for i in ids if i <= self.active_bin]
        placed_base, placed_quote = self.placement(position.lower_bin, position.upper_bin,
                                                   base, quote)
        for bin_id in ids:
            add_base = placed_base / len(base_bins) if bin_id in base_bins else ZERO
            add_quote = placed_quote / len(quote_bins) if bin_id in quote_bins else ZERO
            if add_base == 0 and add_quote == 0:
                continue
            pool_bin = self.bins.setdefault(bin_id, Bin())
            price = self.bin_price(bin_id)
            value = add_base * price + add_quote
            bin_value = pool_bin.base * price + pool_bin.quote
            minted = value if pool_bin.total_shares == 0 else \
                pool_bin.total_shares * value / bin_value
            pool_bin.base += add_base
            pool_bin.quote += add_quote
            pool_bin.shares[position.address] = pool_bin.shares.get(position.address,
                                                                     ZERO) + minted
        return placed_base, placed_quote

    def holdings(self, address: str) -> tuple[Decimal, Decimal]:
        """(base, quote) a position owns across its bins."""
        base = quote = ZERO
        for pool_bin in self.bins.values():
            share = pool_bin.shares.get(address, ZERO)
            if share:
                base += pool_bin.base * share / pool_bin.total_shares
                quote += pool_bin.quote * share / pool_bin.total_shares
        return base, quote

    def withdraw(self, address: str, percentage: Decimal) -> tuple[Decimal, Decimal]:
        base = quote = ZERO
        for pool_bin in self.bins.values():
            share = pool_bin.shares.get(address, ZERO)
            if not share:
                continue
            burned = share * percentage / HUNDRED
            fraction = burned / pool_bin.total_shares
            take_base, take_quote = pool_bin.base * fraction, pool_bin.quote * fraction
            pool_bin.base -= take_base
            pool_bin.quote -= take_quote
            pool_bin.shares[address] = share - burned
            base, quote = base + take_base, quote + take_quote
        return base, quote

    def collect(self, address: str) -> tuple[Decimal, Decimal]:
        position = self.positions[address]
        fees = position.base_fee, position.quote_fee
        position.base_fee = position.quote_fee = ZERO
        return fees
