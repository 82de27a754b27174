"""Status rules: each kind of reason, and the exit code."""

from __future__ import annotations

import dataclasses

import pytest
from report_factory import check, cov, green_run, known_ref, red_run, scen, yellow_run

from harness.results import ConnectorRun, Expectation, Outcome
from harness.status import (
    NO_SCENARIOS_REASON,
    ConnectorStatus,
    Status,
    check_status,
    compute_status,
    compute_statuses,
    exit_code,
    first_line,
    one_line_per_connector,
    worst,
)


def run_with(*results, coverage=None, scenarios=None, **kwargs) -> ConnectorRun:  # type: ignore[no-untyped-def]
    return ConnectorRun(
        connector="x",
        results=list(results) or [check(connector="x")],
        coverage=coverage if coverage is not None else cov("x"),
        scenarios=scenarios if scenarios is not None else scen("x"),
        **kwargs,
    )


def test_all_passing_with_coverage_and_scenarios_is_green_with_no_reason() -> None:
    status = compute_status(green_run())
    assert status.status is Status.GREEN
    assert status.reasons == ()
    assert (status.total, status.passed, status.failed, status.known) == (4, 4, 0, 0)
    assert status.badge_message == "green 4/4"


def test_unexpected_failure_of_required_check_is_red_with_first_line_of_message() -> None:
    status = compute_status(
        run_with(check("SPOT-ORD-3", outcome=Outcome.FAIL, message="\nboom: 2 events\nstack"))
    )
    assert status.status is Status.RED
    assert status.reasons == ("SPOT-ORD-3 failed unexpectedly: boom: 2 events",)
    assert status.failed == 1


def test_unexpected_error_says_errored() -> None:
    status = compute_status(run_with(check("SPOT-X-1", outcome=Outcome.ERROR, message="KeyError")))
    assert status.status is Status.RED
    assert status.reasons == ("SPOT-X-1 errored unexpectedly: KeyError",)


def test_failure_of_optional_check_is_yellow() -> None:
    status = compute_status(
        run_with(check("SPOT-OPT-1", outcome=Outcome.FAIL, required=False, message="slow"))
    )
    assert status.status is Status.YELLOW
    assert status.reasons == ("SPOT-OPT-1 (optional) failed: slow",)


def test_known_failure_that_fails_is_yellow_and_names_its_expiry() -> None:
    known = check(
        "SPOT-OB-4", outcome=Outcome.FAIL, expected=Expectation.FAIL, known=known_ref("SPOT-OB-4")
    )
    other = check(
        "SPOT-OB-5",
        outcome=Outcome.ERROR,
        expected=Expectation.FAIL,
        known=known_ref("SPOT-OB-5", expires="2027-03-01"),
    )
    status = compute_status(run_with(known, other))
    assert status.status is Status.YELLOW
    assert status.reasons == (
        "2 known failures: SPOT-OB-4 (expires 2027-01-31), SPOT-OB-5 (expires 2027-03-01)",
    )
    assert status.known == 2 and status.failed == 0


def test_expired_known_failure_that_still_fails_is_red() -> None:
    expired = check(
        "SPOT-OB-4",
        outcome=Outcome.FAIL,
        expected=Expectation.FAIL,
        message="still broken",
        known=known_ref("SPOT-OB-4", expires="2026-01-31", expired=True),
    )
    status = compute_status(run_with(expired))
    assert status.status is Status.RED
    assert status.reasons == (
        "SPOT-OB-4 still failed and its known failure expired 2026-01-31: still broken",
    )


def test_unexpected_pass_of_known_failure_is_yellow() -> None:
    passing = check(
        "SPOT-OB-4", outcome=Outcome.PASS, expected=Expectation.FAIL, known=known_ref("SPOT-OB-4")
    )
    status = compute_status(run_with(passing))
    assert status.status is Status.YELLOW
    assert status.unexpected_passes == 1
    assert status.reasons == (
        "SPOT-OB-4 passed but is listed as a known failure: remove it from connector.toml",
    )


def test_pass_of_a_check_expected_to_skip_is_yellow() -> None:
    status = compute_status(run_with(check("SPOT-S-1", expected=Expectation.SKIP)))
    assert status.reasons == ("SPOT-S-1 passed but was expected to skip",)


def test_flaky_check_is_yellow() -> None:
    status = compute_status(run_with(check("A-1", flaky=True), check("A-2", flaky=True)))
    assert status.status is Status.YELLOW
    assert status.reasons == ("2 flaky checks passed only on a rerun: A-1, A-2",)
    assert status.flaky == 2


def test_skip_with_reason_is_neutral_but_skip_without_reason_is_yellow() -> None:
    reasoned = check("A-1", outcome=Outcome.SKIP, message="capability not declared")
    assert check_status(reasoned) is None
    assert compute_status(run_with(check("A-0"), reasoned)).status is Status.GREEN
    silent = check("A-2", outcome=Outcome.SKIP)
    status = compute_status(run_with(check("A-0"), silent))
    assert status.status is Status.YELLOW
    assert status.reasons == ("A-2 was skipped without a reason",)


def test_all_checks_skipped_is_yellow() -> None:
    status = compute_status(run_with(check("A-1", outcome=Outcome.SKIP, message="n/a")))
    assert status.reasons == ("all 1 checks were skipped",)
    assert status.ran == 0


@pytest.mark.parametrize(
    ("percent", "diff", "reason"),
    [
        (74.25, None, "coverage 74.2 % < 80 %"),
        (79.99, None, "coverage 80.0 % < 80 %"),
        (95.0, 60.0, "diff coverage 60.0 % < 80 % of changed lines"),
    ],
)
def test_low_coverage_is_yellow(percent: float, diff: float | None, reason: str) -> None:
    status = compute_status(run_with(coverage=cov("x", percent=percent, diff=diff)))
    assert status.status is Status.YELLOW
    assert status.reasons == (reason,)


def test_coverage_at_threshold_is_green() -> None:
    assert (
        compute_status(run_with(coverage=cov("x", percent=80.0, diff=80.0))).status is Status.GREEN
    )


def test_coverage_not_measured_is_yellow() -> None:
    run = ConnectorRun("x", results=[check(connector="x")], scenarios=scen("x"))
    status = compute_status(run)
    assert status.status is Status.YELLOW
    assert status.reasons == ("coverage not measured",)
    assert status.coverage_percent is None


def test_scenarios_not_run_is_said_but_lowers_nothing() -> None:
    run = ConnectorRun("x", results=[check(connector="x")], coverage=cov("x"))
    status = compute_status(run)
    assert status.status is Status.GREEN
    assert status.reasons == (NO_SCENARIOS_REASON,)


def test_violated_invariant_is_red() -> None:
    status = compute_status(run_with(scenarios=scen("x", passed=False)))
    assert status.status is Status.RED
    assert status.reasons == (
        "property invariant violated (seed 12345): Invariant balance_conserved: 10 != 9",
    )


def test_load_error_is_red_and_skips_coverage_and_scenario_reasons() -> None:
    run = ConnectorRun("x", load_error="Traceback...\nImportError: no module named 'ccxt'")
    status = compute_status(run)
    assert status.status is Status.RED
    assert status.reasons == ("could not load: Traceback...",)
    assert status.badge_message == "red 0/0"


def test_incomplete_run_is_red() -> None:
    status = compute_status(run_with(incomplete=True))
    assert status.status is Status.RED
    assert status.reasons[0].startswith("run incomplete")


def test_no_check_at_all_is_red() -> None:
    run = ConnectorRun("x", coverage=cov("x"), scenarios=scen("x"))
    assert compute_status(run).reasons == ("no check ran for it",)


def test_red_reasons_come_before_yellow_ones_and_duplicates_are_said_once() -> None:
    fail = check("B-1", outcome=Outcome.FAIL, message="m")
    run = run_with(check("A-1", flaky=True), fail, fail, coverage=cov("x", percent=10.0))
    status = compute_status(run)
    assert status.reasons == (
        "B-1 failed unexpectedly: m",
        "1 flaky check passed only on a rerun: A-1",
        "coverage 10.0 % < 80 %",
    )


def test_statuses_are_sorted_by_connector_and_worst_works() -> None:
    statuses = compute_statuses([red_run("zeta"), green_run("alpha"), yellow_run("mid")])
    assert [s.connector for s in statuses] == ["alpha", "mid", "zeta"]
    assert worst(s.status for s in statuses) is Status.RED
    assert worst([Status.GREEN, Status.YELLOW]) is Status.YELLOW
    assert worst([]) is None


def test_exit_code_comes_from_red_or_failed_gates() -> None:
    green = compute_statuses([green_run()])
    yellow = compute_statuses([yellow_run()])
    red = compute_statuses([green_run(), red_run()])
    assert exit_code(green, False) == 0
    assert exit_code(yellow, []) == 0
    assert exit_code(red, False) == 1
    assert exit_code(green, ["alpha: diff coverage 10.0 % < 80 %"]) == 1
    assert exit_code(green, True) == 1


def test_one_line_per_connector_is_aligned_and_names_the_first_problem() -> None:
    lines = one_line_per_connector(compute_statuses([green_run("a"), red_run("longname")]))
    assert lines[0] == "a         GREEN   4/4 passed, 0 failed, 0 known, coverage 91.5 %"
    assert lines[1].startswith("longname  RED     2/3 passed, 1 failed, 0 known, coverage 88.0 %")
    assert "SPOT-ORD-3 failed unexpectedly" in lines[1] and lines[1].endswith("(+1 more)")
    no_cov = ConnectorStatus("b", Status.YELLOW, ("coverage not measured",))
    assert one_line_per_connector([no_cov]) == [
        "b  YELLOW  0/0 passed, 0 failed, 0 known, coverage n/a - coverage not measured"
    ]


def test_first_line_cuts_long_messages() -> None:
    assert first_line("x" * 500, limit=10) == "x" * 9 + "…"
    assert first_line("") == ""


def test_a_known_failure_of_the_lifecycle_check_covers_the_scenarios_failure() -> None:
    lifecycle = check("PROP-LIFE-1", outcome=Outcome.FAIL, expected=Expectation.FAIL,
                      known=known_ref("PROP-LIFE-1"))
    status = compute_status(run_with(lifecycle, scenarios=scen("x", passed=False)))
    assert status.status is Status.YELLOW
    assert status.reasons == ("1 known failure: PROP-LIFE-1 (expires 2027-01-31)",)
    # without the known failure the same scenarios' failure is red
    plain = compute_status(run_with(check("PROP-LIFE-1", outcome=Outcome.FAIL),
                                    scenarios=scen("x", passed=False)))
    assert plain.status is Status.RED
    assert any(r.startswith("property invariant violated") for r in plain.reasons)


def test_coverage_that_is_not_gated_is_reported_but_lowers_nothing() -> None:
    low = dataclasses.replace(cov("x", percent=20.3), gated=False, exemption="a library module")
    status = compute_status(run_with(coverage=low))
    assert status.status is Status.GREEN
    assert status.reasons == ("coverage not gated (a library module); the checks ran 93.0 % "
                              "of the lines measured instead",)
    gated = compute_status(run_with(coverage=cov("x", percent=20.3)))
    assert gated.status is Status.YELLOW
