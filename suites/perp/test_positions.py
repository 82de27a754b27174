"""PERP-POS: positions from REST and from the user stream, one-way and hedge."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.events import PositionUpdated
from harness.subject import Subject, SubjectPlan
from suites.perp._support import perpetual, positions_as_expected
from suites.spot._support import QUIET, WAIT, exp, go, served


@check("PERP-POS-1", "Positions from REST carry their side, signed amount, entry price, PnL "
       "and leverage", area="positions", standard="perpetual", scenario="positions",
       requires=["positions"], severity=Severity.CRITICAL)
async def test_positions_from_rest(subject: Subject) -> None:
    await subject.start()
    problems = positions_as_expected(perpetual(subject), exp(subject, "positions"))
    assert not problems, "positions differ from the exchange's:\n  " + "\n  ".join(problems)


@check("PERP-POS-2", "A position update on the user stream replaces the position and emits "
       "one PositionUpdated", area="positions", standard="perpetual",
       scenario="positions_by_stream", requires=["positions", "user_stream"],
       severity=Severity.CRITICAL)
async def test_position_updates_from_the_stream(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await _position_from_the_stream(subject)


async def _position_from_the_stream(subject: Subject) -> None:
    await subject.start()
    before = len(subject.events_of(PositionUpdated))
    await go(subject)
    expected = exp(subject, "positions")
    await subject.wait_until(lambda: not positions_as_expected(perpetual(subject), expected),
                             WAIT, "the streamed position")
    updates = subject.events_of(PositionUpdated)[before:]
    assert len(updates) == int(exp(subject, "updates")), \
        f"expected {exp(subject, 'updates')} PositionUpdated after the stream, got {updates}"


@check("PERP-POS-3", "In hedge mode a pair's long and short positions are kept apart",
       area="positions", standard="perpetual", scenario="positions_hedge",
       requires=["positions", "position_mode"])
async def test_hedge_sides_are_kept_apart(subject: Subject) -> None:
    await subject.start()
    problems = positions_as_expected(perpetual(subject), exp(subject, "positions"))
    assert not problems, "hedge positions differ:\n  " + "\n  ".join(problems)


@check("PERP-POS-4", "A position the exchange no longer lists is reported closed, once",
       area="positions", standard="perpetual", scenario="positions_closed",
       requires=["positions"])
async def test_a_position_no_longer_listed_is_closed(subject: Subject) -> None:
    await subject.start()
    connector = perpetual(subject)
    await subject.wait_until(lambda: not connector.positions(), WAIT,
                             "the position to be closed by a later poll")
    await subject.wait_until(lambda: len(served(subject, "positions_2")) >= 2, WAIT,
                             "another poll after the close")
    closes = [e for e in subject.events_of(PositionUpdated) if e.amount == 0]
    assert len(closes) == 1, f"expected one PositionUpdated with amount 0, got {closes}"


@check("PERP-POS-5", "Polling an unchanged position emits no further PositionUpdated",
       area="positions", standard="perpetual", scenario="positions", requires=["positions"])
async def test_unchanged_positions_emit_nothing(subject: Subject) -> None:
    await subject.start()
    await subject.wait_until(lambda: len(served(subject, "positions_1")) >= 3, WAIT,
                             "three position polls")
    updates = subject.events_of(PositionUpdated)
    assert len(updates) == len(exp(subject, "positions")), \
        f"expected one PositionUpdated per position, got {len(updates)}: {updates}"


@check("PERP-NET-2", "Not ready while positions are unavailable, though every spot part is up",
       area="network", standard="perpetual", scenario="positions_unavailable",
       requires=["positions"], severity=Severity.CRITICAL)
async def test_not_ready_without_positions(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.start()
    spot_parts = ("symbols", "trading_rules", "balances", "order_books", "user_stream")
    await subject.wait_until(lambda: all(connector.status.get(p) for p in spot_parts), WAIT,
                             "every spot part up")
    status = dict(connector.status)
    assert status.get("positions") is False and not connector.ready, \
        f"ready (or positions reported) without positions: status {status}"
