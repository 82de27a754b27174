"""PERP-FUND: funding info (REST, then the stream) and funding payments exactly once."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.standard.events import FundingPayment
from harness.subject import Subject, SubjectPlan
from suites.perp._support import dec, funding_as_expected, pair, perpetual
from suites.spot._support import WAIT, exp, go, served


@check("PERP-FUND-1", "Funding info comes from the exchange: index and mark price, rate, next "
       "funding time; readiness waits for it", area="funding", standard="perpetual",
       scenario="funding", requires=["funding"], severity=Severity.CRITICAL)
async def test_funding_info_from_rest(subject: Subject) -> None:
    await subject.start()
    connector = perpetual(subject)
    assert connector.status.get("funding_info") is True, \
        f"ready without funding info: status {connector.status}"
    for text, want in exp(subject, "funding").items():
        problems = funding_as_expected(await connector.get_funding_info(pair(text)), want)
        assert not problems, f"{text}: " + "; ".join(problems)


@check("PERP-FUND-2", "Funding info updates on the market stream replace the REST values",
       area="funding", standard="perpetual", scenario="funding_by_stream",
       requires=["funding"])
async def test_funding_info_from_the_stream(subject: Subject) -> None:
    await subject.start()
    connector = perpetual(subject)
    await go(subject)
    expected = exp(subject, "funding")

    def stale() -> list[str]:
        infos = connector.funding_infos()
        return [f"{text}: " + "; ".join(problems) for text, want in expected.items()
                if (problems := funding_as_expected(infos.get(pair(text)), want))]

    await subject.wait_until(lambda: not stale(), WAIT, "the streamed funding info")


@check("PERP-FUND-3", "Funding payments: none reported on the first poll, then exactly one "
       "FundingPayment per payment, never repeated", area="funding", standard="perpetual",
       scenario="funding_payments", requires=["funding"], severity=Severity.CRITICAL)
async def test_funding_payments_reported_once(subject_plan: SubjectPlan) -> None:
    # Funding is polled every few minutes on an exchange; here every half second.
    async with subject_plan.replay(options={"funding_poll_interval": 0.5}) as subject:
        await _payments_reported_once(subject)


async def _payments_reported_once(subject: Subject) -> None:
    await subject.start()
    await subject.wait_until(lambda: len(served(subject, "payments_2")) >= 2, WAIT * 2,
                             "two polls after the new payment")
    paid = subject.events_of(FundingPayment)
    expected = exp(subject, "payments")
    got = [(str(e.pair), e.amount, e.funding_rate) for e in paid]
    want = [(p["pair"], dec(p["amount"]), dec(p["rate"])) for p in expected]
    assert got == want, f"FundingPayment events {got}, expected {want}"


@check("PERP-FUND-4", "A funding payment is reported for the pair it was paid for, and for no "
       "other", area="funding", standard="perpetual", scenario="funding_payments",
       requires=["funding"])
async def test_funding_payments_belong_to_their_pair(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(options={"funding_poll_interval": 0.5}) as subject:
        await subject.start()
        await subject.wait_until(lambda: len(served(subject, "payments_2")) >= 4, WAIT * 2,
                                 "two polls of every pair after the new payment")
        pairs = sorted({str(e.pair) for e in subject.events_of(FundingPayment)})
        wanted = sorted({p["pair"] for p in exp(subject, "payments")})
        assert pairs == wanted, f"funding payments reported for {pairs}, expected {wanted}"


@check("PERP-NET-1", "Not ready while funding info is unavailable, though every spot part is "
       "up", area="network", standard="perpetual", scenario="funding_unavailable",
       requires=["funding"], severity=Severity.CRITICAL)
async def test_not_ready_without_funding_info(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.start()
    spot_parts = ("symbols", "trading_rules", "balances", "order_books", "user_stream")
    await subject.wait_until(lambda: all(connector.status.get(p) for p in spot_parts), WAIT,
                             "every spot part up")
    status = dict(connector.status)
    assert status.get("funding_info") is False and not connector.ready, \
        f"ready (or funding info reported) without funding info: status {status}"
