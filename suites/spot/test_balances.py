"""SPOT-BAL: balances from REST snapshots and from the user stream."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.checks import Severity, check
from harness.standard.events import BalanceUpdated
from harness.subject import Subject, SubjectPlan
from suites.spot._support import QUIET, WAIT, dec, exp, go


def _as_text(balances: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {asset: (str(b.total), str(b.available)) for asset, b in sorted(balances.items())}


def _compare(balances: Mapping[str, Any], expected: Mapping[str, Any], when: str) -> None:
    want = {asset: (dec(v["total"]), dec(v["available"])) for asset, v in expected.items()}
    got = {asset: (b.total, b.available) for asset, b in balances.items()}
    assert got == want, f"{when}: balances (total, available) {_as_text(balances)}, expected " \
                        f"{ {a: (str(t), str(v)) for a, (t, v) in sorted(want.items())} }"


@check("SPOT-BAL-1", "Total and available balances come from the REST account snapshot",
       area="balances", scenario="balances", severity=Severity.CRITICAL)
async def test_balances_from_rest(subject: Subject) -> None:
    await subject.connector.update_balances()
    _compare(subject.connector.balances(), exp(subject, "balances"), "after update_balances()")


@check("SPOT-BAL-2", "An asset missing from a later full snapshot is removed", area="balances",
       scenario="balances_asset_removed")
async def test_assets_missing_from_a_later_snapshot_are_removed(subject: Subject) -> None:
    for number, expected in enumerate(exp(subject, "balances"), start=1):
        await subject.connector.update_balances()
        _compare(subject.connector.balances(), expected, f"after update {number}")


@check("SPOT-BAL-3", "Balance updates on the user stream are applied and emitted as "
       "BalanceUpdated", area="balances", scenario="balances_by_stream",
       requires=["user_stream"], severity=Severity.CRITICAL)
async def test_stream_balance_updates_are_applied(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        await go(subject)  # the stream's balance update comes after the REST snapshot
        want = {u["asset"]: (u["asset"], dec(u["total"]), dec(u["available"]))
                for u in exp(subject, "updates")}
        await subject.wait_until(
            lambda: want.keys() <= {e.asset for e in subject.events_of(BalanceUpdated)},
            WAIT, f"a BalanceUpdated event for each of {sorted(want)}")
        got = [(e.asset, e.total, e.available) for e in subject.events_of(BalanceUpdated)]
        # Each asset changes once in this scenario, so every event for it must carry its new
        # balance; Binance defines no order between a balanceUpdate delta and the
        # outboundAccountPosition, so the order across assets is the client's.
        wrong = [event for event in got if want.get(event[0]) != event]
        missing = sorted(want.keys() - {event[0] for event in got})
        assert not wrong and not missing, (
            f"BalanceUpdated events {got}: expected one or more for each of "
            f"{sorted(want.values())}; wrong values or assets: {wrong}; none for: {missing}")
        _compare(subject.connector.balances(), exp(subject, "balances"),
                 "after the stream's updates")


@check("SPOT-BAL-4", "A balance the user stream reports at zero is emitted as zero and no "
       "longer shows its old amount", area="balances", scenario="balance_to_zero_by_stream",
       requires=["user_stream"], severity=Severity.CRITICAL)
async def test_stream_balance_going_to_zero_is_applied(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        zeroed = list(exp(subject, "zeroed"))
        before = {asset: subject.connector.balances().get(asset) for asset in zeroed}
        assert all(balance is not None and balance.total > 0 for balance in before.values()), \
            f"the REST snapshot should hold {zeroed} before the stream empties them: {before}"
        await go(subject)  # the stream's zero balance comes after the REST snapshot
        updates = exp(subject, "updates")
        await subject.wait_until(lambda: len(subject.events_of(BalanceUpdated)) >= len(updates),
                                 WAIT, f"{len(updates)} BalanceUpdated events (to zero)")
        got = [(e.asset, e.total, e.available) for e in subject.events_of(BalanceUpdated)]
        want = [(u["asset"], dec(u["total"]), dec(u["available"])) for u in updates]
        assert got == want, f"BalanceUpdated events {got}, expected {want}"
        balances = dict(subject.connector.balances())
        for asset in zeroed:  # zero, or no longer listed: the standard allows either
            balance = balances.pop(asset, None)
            assert balance is None or (balance.total, balance.available) == (0, 0), \
                f"{asset} went to zero on the stream, yet balances() says {balance}"
        _compare(balances, exp(subject, "balances"), "after the stream emptied " +
                 ", ".join(zeroed))
