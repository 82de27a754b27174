"""junit.xml: one testsuite per connector, for CI test viewers.

Mapped by what was unexpected: a known failure that failed as expected is a skip
("expected failure: ..."), an unexpected pass is a failure. Written with xml.etree, not by
pytest, so that it reflects the harness' judgement rather than pytest's.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from harness.report.run_info import RunInfo, iso
from harness.results import CheckResult, ConnectorRun, Outcome
from harness.status import ConnectorStatus, first_line

# Characters XML 1.0 forbids; a message with a stray control byte must not break the file.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _known_text(result: CheckResult) -> str:
    known = result.known_failure
    if known is None:
        return "expected failure"
    parts = [known.reason]
    if known.link:
        parts.append(known.link)
    if known.expires:
        parts.append(f"expires {known.expires}")
    return "expected failure: " + ", ".join(part for part in parts if part)


def _body(result: CheckResult) -> str:
    body = result.message
    if result.reproduce:
        body += f"\n\nReproduce: {result.reproduce}"
    return xml_text(body.strip())


def _testcase(suite: ET.Element, connector: str, result: CheckResult) -> str:
    """Add one testcase; returns its kind: pass, failure, error or skipped."""
    case = ET.SubElement(
        suite,
        "testcase",
        name=xml_text(f"{result.check_id} {result.title}".strip()),
        classname=xml_text(f"{connector}.{result.area}"),
        time=f"{result.duration:.3f}",
    )
    failing = result.outcome in (Outcome.FAIL, Outcome.ERROR)
    if result.outcome is Outcome.SKIP:
        message = result.message or "skipped without a reason"
        ET.SubElement(case, "skipped", message=xml_text(first_line(message)))
        return "skipped"
    if failing and not result.unexpected:
        reason = _known_text(result)
        node = ET.SubElement(case, "skipped", message=xml_text(reason))
        node.text = _body(result)
        return "skipped"
    if failing:
        tag = "error" if result.outcome is Outcome.ERROR else "failure"
        node = ET.SubElement(
            case, tag, message=xml_text(first_line(result.message) or result.outcome.value)
        )
        node.set("type", "UnexpectedError" if tag == "error" else "UnexpectedFailure")
        node.text = _body(result)
        return tag
    if result.unexpected:
        node = ET.SubElement(
            case,
            "failure",
            message=f"unexpected pass: expected {result.expected.value}",
            type="UnexpectedPass",
        )
        node.text = xml_text(
            f"{result.check_id} passed but is listed as a known failure; "
            "remove it from connector.toml"
            if result.known_failure is not None
            else f"{result.check_id} passed but was expected to {result.expected.value}"
        )
        return "failure"
    if result.flaky:
        ET.SubElement(case, "system-out").text = "flaky: passed only on a rerun"
    return "pass"


def _run_level_case(suite: ET.Element, connector: str, name: str, tag: str, text: str) -> None:
    case = ET.SubElement(suite, "testcase", name=name, classname=f"{connector}.run", time="0")
    node = ET.SubElement(case, tag, message=xml_text(first_line(text)))
    node.text = xml_text(text)


def build_junit(
    runs: Sequence[ConnectorRun], statuses: Sequence[ConnectorStatus], info: RunInfo
) -> ET.ElementTree[ET.Element]:
    by_name = {status.connector: status for status in statuses}
    root = ET.Element("testsuites", name="connector-harness")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for run in sorted(runs, key=lambda run: run.connector):
        suite = ET.SubElement(root, "testsuite", name=run.connector, timestamp=iso(info.started))
        props = ET.SubElement(suite, "properties")
        status = by_name[run.connector]
        ET.SubElement(props, "property", name="status", value=status.status.value)
        for reason in status.reasons:
            ET.SubElement(props, "property", name="reason", value=xml_text(reason))
        kinds = [_testcase(suite, run.connector, result) for result in run.results]
        if run.load_error:
            _run_level_case(suite, run.connector, "load", "error", run.load_error)
            kinds.append("error")
        if run.incomplete:
            _run_level_case(
                suite, run.connector, "complete", "error", "run incomplete: not every check ran"
            )
            kinds.append("error")
        if run.scenarios is not None and not run.scenarios.passed:
            text = run.scenarios.failure or "property invariant violated"
            steps = "\n".join(run.scenarios.minimal_steps)
            detail = f"{text}\nseed {run.scenarios.seed}\n{steps}".strip()
            _run_level_case(suite, run.connector, "property scenarios", "failure", detail)
            kinds.append("failure")
        time = sum(result.duration for result in run.results)
        counts = {
            "tests": len(kinds),
            "failures": kinds.count("failure"),
            "errors": kinds.count("error"),
            "skipped": kinds.count("skipped"),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{time:.3f}")
        total_time += time
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def render_junit(
    runs: Sequence[ConnectorRun], statuses: Sequence[ConnectorStatus], info: RunInfo
) -> bytes:
    root = build_junit(runs, statuses, info).getroot()
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
