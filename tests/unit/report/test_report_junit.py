"""junit.xml: one testsuite per connector, judged by what was unexpected."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from report_factory import check, known_ref, run_info, three_runs

from harness.report.junit import render_junit
from harness.results import ConnectorRun, Expectation, Outcome
from harness.status import compute_statuses


def junit(runs: list[ConnectorRun]) -> ET.Element:
    return ET.fromstring(render_junit(runs, compute_statuses(runs), run_info()))


def case(root: ET.Element, connector: str, check_id: str) -> ET.Element:
    suite = root.find(f"testsuite[@name='{connector}']")
    assert suite is not None
    found = [c for c in suite.findall("testcase") if c.get("name", "").startswith(check_id)]
    assert len(found) == 1
    return found[0]


def test_one_testsuite_per_connector_with_counts() -> None:
    root = junit(three_runs())
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root.findall("testsuite")] == ["alpha", "beta", "gamma"]
    gamma = root.find("testsuite[@name='gamma']")
    assert gamma is not None
    # 3 checks plus the violated property scenarios.
    assert (gamma.get("tests"), gamma.get("failures"), gamma.get("errors")) == ("4", "2", "0")
    assert gamma.find("properties/property[@name='status']").get("value") == "red"  # type: ignore[union-attr]
    assert root.get("tests") == "12" and root.get("failures") == "2" and root.get("skipped") == "2"


def test_testcase_names_and_classnames() -> None:
    element = case(junit(three_runs()), "gamma", "SPOT-ORD-3")
    assert element.get("name") == "SPOT-ORD-3 test_spot_ord_3"
    assert element.get("classname") == "gamma.orders"
    assert element.get("time") == "0.013"


def test_unexpected_failure_is_a_failure_with_the_reproduce_command() -> None:
    failure = case(junit(three_runs()), "gamma", "SPOT-ORD-3").find("failure")
    assert failure is not None
    assert failure.get("message") == "AssertionError: expected one OrderCancelled event, got 2"
    assert "Reproduce: harness run gamma -k SPOT-ORD-3" in (failure.text or "")


def test_expected_failure_is_skipped_with_its_reason() -> None:
    skipped = case(junit(three_runs()), "beta", "SPOT-OB-4").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "expected failure: venue rounds quantities up, https://example.invalid/issues/7, "
        "expires 2027-01-31"
    )


def test_unexpected_pass_is_a_failure_and_errors_are_errors() -> None:
    runs = [
        ConnectorRun(
            "x",
            results=[
                check("A-1", connector="x", expected=Expectation.FAIL, known=known_ref("A-1")),
                check("A-2", connector="x", outcome=Outcome.ERROR, message="Key\x01Error"),
                check("A-3", connector="x", flaky=True),
                check("A-4", connector="x", outcome=Outcome.SKIP),
                check("A-5", connector="x", expected=Expectation.SKIP),
            ],
            load_error="ImportError: nope",
            incomplete=True,
        )
    ]
    root = junit(runs)
    passed = case(root, "x", "A-1").find("failure")
    assert passed is not None and passed.get("type") == "UnexpectedPass"
    error = case(root, "x", "A-2").find("error")
    assert error is not None and error.get("message") == "Key\ufffdError"
    assert case(root, "x", "A-3").findtext("system-out") == "flaky: passed only on a rerun"
    skipped = case(root, "x", "A-4").find("skipped")
    assert skipped is not None and skipped.get("message") == "skipped without a reason"
    other = case(root, "x", "A-5").find("failure")
    assert other is not None and "expected to skip" in (other.text or "")
    assert case(root, "x", "load").find("error") is not None
    assert case(root, "x", "complete").find("error") is not None
    suite = root.find("testsuite")
    assert suite is not None and suite.get("errors") == "3" and suite.get("failures") == "2"
