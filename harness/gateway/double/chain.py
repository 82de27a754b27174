"""A chain network of the double: tokens, wallets and balances, blocks and transactions.

A block is mined at every poll (the only moment a client watches the chain), so a
transaction submitted at block b stays PENDING until block b + confirmations and then
confirms or fails; its effect on balances happens at that moment, all or nothing. A
stalled transaction is never included and fails as expired after `expiry_blocks`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.gateway.double.errors import NotFound, TxFailure
from harness.standard.gateway.model import NATIVE_CURRENCY, Chain, Token, TxStatus

ZERO = Decimal(0)
# What a transaction does once included: it returns its data, or raises TxFailure.
Effect = Callable[[], dict[str, Any]]


@dataclass
class PendingTx:
    signature: str
    wallet: str
    submitted: int
    effect: Effect
    stalled: bool = False
    status: TxStatus = TxStatus.PENDING
    block: int | None = None
    fee: Decimal | None = None
    error: str | None = None
    data: dict[str, Any] | None = None
    balance_changes: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Network:
    chain: Chain
    name: str
    tokens: dict[str, Token]
    gas_fee: Decimal
    position_rent: Decimal = ZERO
    confirmations: int = 2
    expiry_blocks: int = 5
    block: int = 1000
    wallets: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    transactions: dict[str, PendingTx] = field(default_factory=dict)
    stall_next: int = 0
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def native(self) -> str:
        return NATIVE_CURRENCY[self.chain]

    def token(self, symbol_or_address: str) -> Token:
        """The token by symbol or address; unknown ones are refused by name."""
        for token in self.tokens.values():
            if symbol_or_address in (token.symbol, token.address):
                return token
        raise NotFound(f"Token {symbol_or_address} not found on {self.chain.value} "
                       f"{self.name}")

    def wallet(self, address: str | None) -> str:
        """The wallet's address; no address means Gateway's default (the first) wallet."""
        if not address:
            return next(iter(self.wallets))
        if address not in self.wallets:
            raise NotFound(f"wallet {address} is not known to Gateway on {self.chain.value}; "
                           "add it with POST /wallet/add")
        return address

    def balance(self, wallet: str, symbol: str) -> Decimal:
        return self.wallets[wallet].get(symbol, ZERO)

    def move(self, wallet: str, changes: dict[str, Decimal]) -> None:
        """Apply signed balance changes at once, or fail without applying any."""
        balances = self.wallets[wallet]
        for symbol, change in changes.items():
            if balances.get(symbol, ZERO) + change < 0:
                raise TxFailure(f"insufficient {symbol} balance: has "
                                f"{balances.get(symbol, ZERO)}, needs {-change}")
        for symbol, change in changes.items():
            balances[symbol] = balances.get(symbol, ZERO) + change

    def submit(self, wallet: str, effect: Effect) -> PendingTx:
        prefix = "0x" if self.chain is Chain.ETHEREUM else ""
        signature = f"{prefix}{self.chain.value[:3]}{self.name[:4]}tx{next(self._serial):08d}"
        stalled = self.stall_next > 0
        self.stall_next = max(0, self.stall_next - 1)
        tx = PendingTx(signature, wallet, self.block, effect, stalled)
        self.transactions[signature] = tx
        if self.confirmations == 0 and not stalled:
            self._settle(tx)
        return tx

    def mine(self) -> None:
        """One block: settle, in submission order, every transaction now due."""
        self.block += 1
        for tx in list(self.transactions.values()):
            if tx.status is not TxStatus.PENDING:
                continue
            if tx.stalled:
                if self.block - tx.submitted >= self.expiry_blocks:
                    tx.status = TxStatus.FAILED
                    tx.error = (f"transaction expired: not included within "
                                f"{self.expiry_blocks} blocks")
            elif self.block - tx.submitted >= self.confirmations:
                self._settle(tx)

    def _settle(self, tx: PendingTx) -> None:
        before = dict(self.wallets[tx.wallet])
        try:
            self.move(tx.wallet, {self.native: -self.gas_fee})
            try:
                tx.data = tx.effect()
            except TxFailure:
                self.wallets[tx.wallet] = before  # a failed transaction changes nothing
                raise
        except TxFailure as exc:
            tx.status, tx.error = TxStatus.FAILED, str(exc)
            return
        tx.status, tx.block, tx.fee = TxStatus.CONFIRMED, self.block, self.gas_fee
        after = self.wallets[tx.wallet]
        tx.balance_changes = {s: after.get(s, ZERO) - before.get(s, ZERO)
                              for s in set(before) | set(after)}

    def transaction(self, signature: str) -> PendingTx:
        tx = self.transactions.get(signature)
        if tx is None:
            raise NotFound(f"transaction {signature} not found on {self.chain.value} "
                           f"{self.name}")
        return tx
