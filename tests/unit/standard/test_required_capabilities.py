"""The capabilities each standard requires, and what lacking one does to a connector's status."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from harness.checks import CATALOGUE, Severity
from harness.results import (
    CheckResult,
    ConnectorRun,
    CoverageResult,
    Expectation,
    Outcome,
    ScenarioResult,
)
from harness.standard.capabilities import (
    KNOWN_CAPABILITIES,
    REQUIRED_CAPABILITIES,
    required_capabilities,
    undeclared_in,
    undeclared_reason,
)
from harness.standard.enums import Standard
from harness.status import Status, compute_status

ROOT = Path(__file__).resolve().parents[3]
BINANCE_CAPABILITIES = ["order_book_diffs", "public_trades", "user_stream", "status_polling",
                        "cancel_all", "time_sync", "rate_limits"]


def _spot_checks() -> dict[str, tuple[Severity, tuple[str, ...]]]:
    sys.path.insert(0, str(ROOT))
    for path in sorted((ROOT / "suites" / "spot").glob("test_*.py")):
        importlib.import_module(f"suites.spot.{path.stem}")
    return {check_id: (spec.severity, spec.requires) for check_id, spec in CATALOGUE.items()
            if spec.function.startswith("suites.spot.")}


def test_spot_requires_what_its_blocker_and_critical_checks_need() -> None:
    needed = {capability for severity, requires in _spot_checks().values()
              if severity in (Severity.BLOCKER, Severity.CRITICAL) for capability in requires}
    assert set(required_capabilities("spot")) == needed
    assert needed == {"order_book_diffs", "user_stream", "status_polling", "rate_limits"}


def test_every_standard_says_what_it_requires_and_names_known_capabilities() -> None:
    assert set(REQUIRED_CAPABILITIES) == {standard.value for standard in Standard}
    for required in REQUIRED_CAPABILITIES.values():
        assert set(required) <= KNOWN_CAPABILITIES
    assert required_capabilities("no such standard") == frozenset()


def test_the_skip_reason_names_the_undeclared_capabilities() -> None:
    reason = undeclared_reason("x", ["user_stream", "status_polling"])
    assert reason == "x declares no user_stream, status_polling capability"
    assert undeclared_in(reason) == ("user_stream", "status_polling")
    assert undeclared_in("x declares no LIMIT_MAKER order type") == ()
    assert undeclared_in("x declares no teleport capability") == ()  # not a capability
    assert undeclared_in("declares no user_stream capability") == ()  # no connector named


def _result(check_id: str, outcome: Outcome = Outcome.PASS, message: str = "") -> CheckResult:
    expected = Expectation.SKIP if outcome is Outcome.SKIP else Expectation.PASS
    return CheckResult("lean", check_id, check_id, "fills", True, outcome, expected, 0.01,
                       f"suites/spot/x.py::t[{check_id}]", message)


def _run(*results: CheckResult, standard: str = "spot") -> ConnectorRun:
    return ConnectorRun("lean", standard, results=list(results),
                        coverage=CoverageResult("lean", 0.95, 0.9, 95.0),
                        scenarios=ScenarioResult("lean", True, 10, "1"))


def test_a_connector_lacking_a_required_capability_is_not_green() -> None:
    lacking = undeclared_reason("lean", ["user_stream"])
    status = compute_status(_run(
        _result("SPOT-SYM-1"),
        _result("SPOT-FIL-3", Outcome.SKIP, lacking),
        _result("SPOT-FIL-5", Outcome.SKIP, undeclared_reason("lean", ["user_stream",
                                                                      "status_polling"])),
        _result("SPOT-OB-7", Outcome.SKIP, undeclared_reason("lean", ["public_trades"]))))
    assert status.status is Status.YELLOW
    assert status.reasons == (
        "lacks capabilities the spot standard requires: status_polling, user_stream; "
        "2 checks not judged: SPOT-FIL-3, SPOT-FIL-5",)
    assert (status.skipped, status.not_judged) == (3, 2)


def test_lacking_only_optional_capabilities_stays_green() -> None:
    status = compute_status(_run(
        _result("SPOT-SYM-1"),
        _result("SPOT-OB-7", Outcome.SKIP, undeclared_reason("lean", ["public_trades"])),
        _result("SPOT-CXL-4", Outcome.SKIP, undeclared_reason("lean", ["cancel_all"]))))
    assert status.status is Status.GREEN, status.reasons
    assert (status.skipped, status.not_judged) == (2, 0)


def test_a_gateway_connector_requires_no_capability() -> None:
    status = compute_status(_run(
        _result("GW-X-1"),
        _result("GW-X-2", Outcome.SKIP, undeclared_reason("lean", ["positions"])),
        standard="gateway"))
    assert status.status is Status.GREEN, status.reasons


def test_the_shipped_spot_connectors_declare_every_required_capability() -> None:
    from harness.manifest import load_manifest
    for name in ("binance", "ccxt_binance"):
        manifest = load_manifest(ROOT / "connectors" / name / "connector.toml")
        declared = set(manifest.capabilities)
        assert set(required_capabilities(manifest.standard.value)) <= declared, name
