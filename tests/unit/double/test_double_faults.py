"""The fault plan: programmed faults are taken in order, per operation or event kind."""

from __future__ import annotations

import pytest

from harness.double import (
    AppliedFault,
    FaultPlan,
    HttpFault,
    HttpFaultKind,
    WsFault,
    WsFaultKind,
)


def test_http_faults_hit_the_next_n_requests_of_their_operation_only() -> None:
    plan = FaultPlan()
    plan.fail_next("place", 2, status=502)
    assert plan.pending == 2
    assert plan.take_http("cancel") is None
    assert plan.take_http("place") == HttpFault(HttpFaultKind.SERVER_ERROR, 502)
    assert plan.take_http("place") == HttpFault(HttpFaultKind.SERVER_ERROR, 502)
    assert plan.take_http("place") is None and plan.pending == 0
    assert plan.applied == [AppliedFault("place", HttpFault(HttpFaultKind.SERVER_ERROR, 502))] * 2


def test_faults_are_taken_in_programmed_order_and_star_matches_any_operation() -> None:
    plan = FaultPlan()
    plan.rate_limit_next("*", retry_after=2.5)
    plan.timeout_next("status")
    plan.accept_then_timeout_next("place")
    plan.time_error_next("balances")
    first = plan.take_http("status")
    assert first is not None and first.kind is HttpFaultKind.RATE_LIMIT
    assert (first.status, first.retry_after) == (429, 2.5)
    kinds = [plan.take_http(op) for op in ("status", "place", "balances", "time")]
    assert [k.kind if k else None for k in kinds] == [
        HttpFaultKind.TIMEOUT, HttpFaultKind.ACCEPTED_THEN_TIMEOUT, HttpFaultKind.TIME_ERROR,
        None]
    assert [a.target for a in plan.applied] == ["status", "status", "place", "balances"]


def test_ws_faults_target_an_event_kind() -> None:
    plan = FaultPlan()
    plan.duplicate_next(2)
    plan.reorder_next(kind="market")
    plan.delay_next(0.25)
    assert plan.take_ws("market") == WsFault(WsFaultKind.REORDER)
    assert plan.take_ws("user") == WsFault(WsFaultKind.DUPLICATE)
    assert plan.take_ws("user") == WsFault(WsFaultKind.DUPLICATE)
    assert plan.take_ws("user") == WsFault(WsFaultKind.DELAY, 0.25)
    assert plan.take_ws("user") is None and plan.take_ws("market") is None


def test_drop_requests_reach_the_server_hook_at_once() -> None:
    plan = FaultPlan()
    calls: list[tuple[str | None, bool]] = []
    remove = plan.on_drop(lambda kind, abrupt: calls.append((kind, abrupt)))
    plan.drop_ws("user")
    plan.drop_ws(abrupt=False)
    remove()
    plan.drop_ws("user")
    assert calls == [("user", True), (None, False)]
    assert [a.target for a in plan.applied] == ["user", "*", "user"]
    assert all(a.fault == WsFault(WsFaultKind.DROP) for a in plan.applied)


def test_clear_forgets_pending_and_applied_faults() -> None:
    plan = FaultPlan()
    plan.fail_next("place")
    plan.duplicate_next()
    plan.take_http("place")
    plan.reorder_next()
    plan.clear()
    assert plan.pending == 0 and plan.applied == [] and plan.take_ws("user") is None


@pytest.mark.parametrize(("program", "message"), [
    (lambda p: p.fail_next("place", 0), "count must be >= 1"),
    (lambda p: p.fail_next("place", status=429), "must be a 5xx"),
    (lambda p: p.execute_then_fail_next("place", status=400), "must be a 5xx"),
    (lambda p: p.delay_next(0), "positive delay"),
    (lambda p: p.add_ws(WsFault(WsFaultKind.DUPLICATE), 0), "count must be >= 1"),
    (lambda p: p.add_ws(WsFault(WsFaultKind.DROP)), "drop_ws"),
])
def test_impossible_faults_are_refused_with_the_fix(program, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        program(FaultPlan())
