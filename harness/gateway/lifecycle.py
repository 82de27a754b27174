"""PROP-GW: a hypothesis state machine drives a gateway client against the Gateway double.

Rules send swaps (some the wallet cannot pay), add and remove liquidity, collect fees, poll,
stall the next transaction (it expires) and move the market under pending swaps (their
slippage is exceeded). After every step four invariants hold, judged against the double's
chain, the truth:

1. balances are conserved: the wallet holds its start plus the changes of the confirmed
   transactions (swaps, liquidity, gas) and nothing else, and a FILLED order reports the
   changes its transaction made;
2. a failed transaction changes nothing, and its order reports no amounts;
3. liquidity removed (and fees collected) never exceeds, at the pool's price, what was
   added plus the fees every swap paid into the pool;
4. a pending transaction is never reported filled.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from harness.gateway.double.server import GatewayServer
from harness.gateway.double.swaps import amounts, apply_swap
from harness.standard.config import ConnectorConfig
from harness.standard.enums import OrderState
from harness.standard.gateway.api import GatewayAction, GatewayConnector
from harness.standard.gateway.model import SwapSide, TradingType, TxStatus

ZERO = Decimal(0)
EXACT = Decimal("1e-9")  # JSON floats between the double and the client
DEFAULT_EXAMPLES = int(os.environ.get("HARNESS_GATEWAY_EXAMPLES", "20"))


def _near(a: Decimal, b: Decimal, scale: Decimal = Decimal(1)) -> bool:
    return abs(a - b) <= max(abs(a), abs(b), scale) * EXACT


class GatewayLifecycle(RuleBasedStateMachine):
    """Set `client_factory` and `server_factory` (run_gateway_lifecycle does) before use."""

    client_factory: Callable[[str], GatewayConnector]
    server_factory: Callable[[], GatewayServer] = GatewayServer

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.server = self.server_factory()
        self.run(self.server.__aenter__())
        self.client = self.client_factory(self.server.url)
        self.run(self.client.start())
        client: Any = self.client
        self.kind: TradingType = client.trading_type
        self.venue = self.server.double.venue(client.dex, self.kind.value)
        self.network = self.venue.network
        self.wallet: str = client.wallet
        self.start = dict(self.network.wallets[self.wallet])
        pool_address: str = client.pool_address or next(iter(self.venue.pools))
        self.pool = self.venue.pools[pool_address]
        self.fees_paid = {"base": ZERO, "quote": ZERO}  # by every swap through the pool
        self.positions: list[str] = []

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def teardown(self) -> None:
        self.run(self.client.stop())
        self.run(self.server.__aexit__(None, None, None))
        self.loop.close()

    # -- rules -------------------------------------------------------------------------------
    def _fee_of_swap(self, side: SwapSide, amount: Decimal) -> None:
        try:
            amount_in, _ = amounts(self.pool, side, amount)
        except Exception:
            return
        self.fees_paid["base" if side is SwapSide.SELL else "quote"] += (
            amount_in * self.pool.fee_pct / 100)

    @rule(side=st.sampled_from(SwapSide), size=st.sampled_from(["0.01", "0.1", "1"]),
          slippage=st.sampled_from(["0.1", "1", "5"]))
    def swap(self, side: SwapSide, size: str, slippage: str) -> None:
        self._fee_of_swap(side, Decimal(size))
        self.run(self.client.swap(side, Decimal(size), Decimal(slippage)))

    @rule()
    def swap_more_than_the_wallet_holds(self) -> None:
        held = self.network.balance(self.wallet, self.pool.base.symbol)
        self.run(self.client.swap(SwapSide.SELL, held + 1, Decimal(50)))

    @rule()
    def poll(self) -> None:
        self.run(self.client.update_orders())

    @rule()
    def stall_next_transaction(self) -> None:
        self.network.stall_next = 1

    @rule(side=st.sampled_from(SwapSide), size=st.sampled_from(["0.5", "5"]))
    def market_moves(self, side: SwapSide, size: str) -> None:
        """Another trader swaps in the pool (pending swaps may now exceed their slippage)."""
        try:
            amount_in, amount_out = amounts(self.pool, side, Decimal(size))
        except Exception:
            return
        self._fee_of_swap(side, Decimal(size))
        apply_swap(self.pool, side, amount_in, amount_out)

    @precondition(lambda self: self.kind is not TradingType.ROUTER)
    @rule(size=st.sampled_from(["0.1", "1"]))
    def add_liquidity(self, size: str) -> None:
        base, price = Decimal(size), self.pool.price
        if self.kind is TradingType.AMM:
            self.run(self.client.add_liquidity(base, base * price * 2, slippage_pct=Decimal(1)))
        else:
            self.run(self.client.open_position(price * Decimal("0.95"), price * Decimal("1.05"),
                                               base, base * price))

    def _liquidity_key(self) -> str:
        if self.kind is TradingType.CLMM:
            owned = [a for a, p in getattr(self.pool, "positions", {}).items()
                     if p.wallet == self.wallet]
            return owned[0] if owned else ""
        return "amm" if self.pool.shares.get(self.wallet, ZERO) > 0 else ""  # type: ignore[union-attr]

    @precondition(lambda self: self.kind is not TradingType.ROUTER)
    @rule(percentage=st.sampled_from(["25", "50", "100"]))
    def remove_liquidity(self, percentage: str) -> None:
        key = self._liquidity_key()
        if key:
            self.run(self.client.remove_liquidity(Decimal(percentage),
                                                  key if key != "amm" else ""))

    @precondition(lambda self: self.kind is TradingType.CLMM)
    @rule()
    def collect_fees(self) -> None:
        key = self._liquidity_key()
        if key:
            self.run(self.client.collect_fees(key))

    # -- invariants --------------------------------------------------------------------------
    def _tx(self, signature: str) -> Any:
        return self.network.transactions.get(signature)

    @invariant()
    def balances_are_conserved(self) -> None:
        expected = dict(self.start)
        for tx in self.network.transactions.values():
            if tx.wallet == self.wallet and tx.status is TxStatus.CONFIRMED:
                for symbol, change in tx.balance_changes.items():
                    expected[symbol] = expected.get(symbol, ZERO) + change
        held = self.network.wallets[self.wallet]
        for symbol in set(expected) | set(held):
            assert _near(held.get(symbol, ZERO), expected.get(symbol, ZERO)), (
                f"{symbol}: the wallet holds {held.get(symbol)}, its start plus its confirmed "
                f"transactions make {expected.get(symbol)}")
        for order in self.client.orders.values():
            tx = self._tx(order.signature)
            if order.state is OrderState.FILLED and tx is not None:
                for symbol, change in order.balance_changes.items():
                    # A swap's own change leaves out the gas its transaction paid.
                    gas = tx.fee if symbol == self.network.native and tx.fee else ZERO
                    chain = tx.balance_changes.get(symbol, ZERO) + gas
                    assert _near(change, chain), (
                        f"order {order.client_id} reports {symbol} {change}, its transaction "
                        f"{order.signature} changed it by {chain} (gas aside)")

    @invariant()
    def a_failed_transaction_changes_nothing(self) -> None:
        for order in self.client.orders.values():
            if order.state is not OrderState.FAILED:
                continue
            assert order.amount_in is None and order.amount_out is None, (
                f"failed order {order.client_id} reports amounts {order.amount_in} -> "
                f"{order.amount_out}")
            tx = self._tx(order.signature)
            assert tx is None or (tx.status is TxStatus.FAILED and not tx.balance_changes), (
                f"order {order.client_id} is FAILED but its transaction is {tx.status.name} "
                f"with changes {tx.balance_changes}")

    @invariant()
    def removed_never_exceeds_added_plus_fees(self) -> None:
        price = self.pool.price
        added = removed = ZERO
        for order in self.client.orders.values():
            tx = self._tx(order.signature)
            if tx is None or tx.status is not TxStatus.CONFIRMED or tx.data is None:
                continue
            data = tx.data
            if order.action in (GatewayAction.ADD_LIQUIDITY, GatewayAction.OPEN_POSITION):
                added += data["baseTokenAmountAdded"] * price + data["quoteTokenAmountAdded"]
            for prefix in ("baseTokenAmountRemoved", "baseFeeAmountCollected"):
                if prefix in data:
                    quote_key = prefix.replace("base", "quote", 1)
                    removed += data[prefix] * price + data[quote_key]
        fees = self.fees_paid["base"] * price + self.fees_paid["quote"]
        assert removed <= added + fees + max(added, Decimal(1)) * Decimal("1e-6"), (
            f"removed and collected {removed:.6f} (in {self.pool.quote.symbol} at {price:.4f}) "
            f"but added only {added:.6f} plus {fees:.6f} of fees")

    @invariant()
    def a_pending_transaction_is_never_reported_filled(self) -> None:
        for order in self.client.orders.values():
            tx = self._tx(order.signature)
            if order.state is OrderState.FILLED:
                assert tx is not None and tx.status is TxStatus.CONFIRMED, (
                    f"order {order.client_id} is FILLED but its transaction "
                    f"{order.signature} is {tx.status.name if tx else 'unknown'}")


def run_gateway_lifecycle(client_factory: Callable[[str], GatewayConnector],
                          server_factory: Callable[[], GatewayServer] = GatewayServer,
                          max_examples: int | None = None, shrink: bool = True) -> None:
    """Run the machine; raise AssertionError with the minimal failing steps on a violation
    (`shrink=False`: the first failing steps, found much faster). HARNESS_GATEWAY_EXAMPLES
    sets the number of examples (default 20)."""
    examples = max_examples or DEFAULT_EXAMPLES

    class Machine(GatewayLifecycle):
        pass

    Machine.client_factory = staticmethod(client_factory)
    Machine.server_factory = staticmethod(server_factory)
    run_state_machine_as_test(Machine, settings=settings(
        max_examples=examples, stateful_step_count=15, deadline=None, database=None,
        derandomize=True, suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
        phases=list(Phase) if shrink else [p for p in Phase if p is not Phase.shrink]))


def client_factory_for(cls: Callable[..., GatewayConnector], manifest_pairs: Any
                       ) -> Callable[[str], GatewayConnector]:
    def build(url: str) -> GatewayConnector:
        return cls(ConnectorConfig(trading_pairs=manifest_pairs, urls={"rest": url}))

    return build

