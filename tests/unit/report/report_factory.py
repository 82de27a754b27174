"""Synthetic results for the reporting tests: one green, one yellow and one red connector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harness.report.run_info import RunInfo
from harness.results import (
    CheckResult,
    ConnectorRun,
    CoverageResult,
    Expectation,
    KnownFailureRef,
    Outcome,
    ScenarioResult,
)

START = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def known_ref(
    check_id: str, *, expires: str = "2027-01-31", expired: bool = False
) -> KnownFailureRef:
    return KnownFailureRef(
        check_id=check_id,
        reason="venue rounds quantities up",
        link="https://example.invalid/issues/7",
        expires=expires,
        expired=expired,
    )


def check(
    check_id: str = "SPOT-OB-1",
    *,
    connector: str = "alpha",
    area: str = "order book",
    outcome: Outcome = Outcome.PASS,
    expected: Expectation = Expectation.PASS,
    required: bool = True,
    message: str = "",
    known: KnownFailureRef | None = None,
    flaky: bool = False,
    duration: float = 0.0125,
) -> CheckResult:
    return CheckResult(
        connector=connector,
        check_id=check_id,
        title=f"test_{check_id.lower().replace('-', '_')}",
        area=area,
        required=required,
        outcome=outcome,
        expected=expected,
        duration=duration,
        nodeid=f"suites/spot/test_x.py::test_{check_id}[{connector}]",
        message=message,
        reproduce=f"harness run {connector} -k {check_id}",
        known_failure=known,
        flaky=flaky,
    )


def cov(connector: str, percent: float = 91.5, diff: float | None = None) -> CoverageResult:
    return CoverageResult(
        connector=connector,
        line_rate=0.93,
        branch_rate=0.85,
        percent=percent,
        diff_percent=diff,
        missing={"client.py": [12, 13, 14, 40]},
    )


def scen(connector: str, passed: bool = True) -> ScenarioResult:
    return ScenarioResult(
        connector=connector,
        passed=passed,
        examples=200,
        seed="12345",
        failure="" if passed else "Invariant balance_conserved: 10 != 9\nmore detail",
        minimal_steps=() if passed else ("place_limit(BUY, 1)", "cancel(#1)"),
        regression_cassette="" if passed else "cassettes/gamma/regression-12345.yaml",
    )


def green_run(name: str = "alpha") -> ConnectorRun:
    return ConnectorRun(
        connector=name,
        results=[
            check("SPOT-OB-1", connector=name),
            check("SPOT-OB-2", connector=name),
            check("SPOT-ORD-1", connector=name, area="orders"),
            check("SPOT-BAL-1", connector=name, area="balances"),
        ],
        coverage=cov(name),
        scenarios=scen(name),
    )


def yellow_run(name: str = "beta") -> ConnectorRun:
    return ConnectorRun(
        connector=name,
        results=[
            check("SPOT-OB-1", connector=name),
            check(
                "SPOT-OB-4",
                connector=name,
                outcome=Outcome.FAIL,
                expected=Expectation.FAIL,
                message="AssertionError: expected 5 levels, got 4",
                known=known_ref("SPOT-OB-4"),
            ),
            check("SPOT-ORD-1", connector=name, area="orders", flaky=True),
            check(
                "SPOT-ORD-9",
                connector=name,
                area="orders",
                outcome=Outcome.SKIP,
                expected=Expectation.SKIP,
                message="capability not declared: MARKET",
            ),
        ],
        coverage=cov(name, percent=74.25),
        scenarios=None,
    )


def red_run(name: str = "gamma") -> ConnectorRun:
    return ConnectorRun(
        connector=name,
        results=[
            check("SPOT-OB-1", connector=name),
            check(
                "SPOT-ORD-3",
                connector=name,
                area="orders",
                outcome=Outcome.FAIL,
                message="AssertionError: expected one OrderCancelled event, got 2\n  at line 3",
            ),
            check("SPOT-BAL-1", connector=name, area="balances"),
        ],
        coverage=cov(name, percent=88.0),
        scenarios=scen(name, passed=False),
    )


def three_runs() -> list[ConnectorRun]:
    return [green_run(), yellow_run(), red_run()]


def run_info(run_id: str = "run-1", *, complete: bool = True, offset_minutes: int = 0) -> RunInfo:
    started = START + timedelta(minutes=offset_minutes)
    return RunInfo(
        run_id=run_id,
        started=started,
        finished=started + timedelta(seconds=42.5),
        complete=complete,
        commit=COMMIT,
        harness_version="0.1.0",
        standard_version="1.0.0",
        seed="12345",
        hypothesis_profile="ci",
    )


LONG_MESSAGE = (
    "AssertionError: expected the order request to carry the amount 0.01000000 by value, "
    "as the exchange's filters round it down to the step size of the pair; the connector "
    "sent 0.010000001 instead, which the exchange rejects with code -1013. Fix the rounding: "
    "quantize the amount to the pair's LOT_SIZE step with ROUND_DOWN before it is sent, and "
    "refuse an amount that rounds to zero locally, without a request."
)


def market_run(
    name: str,
    exchange: str,
    standard: str = "spot",
    *,
    failing: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
    version: str = "v1",
) -> ConnectorRun:
    """A connector of some exchange and market; `failing` checks fail unexpectedly."""
    prefix = {"spot": "SPOT", "perpetual": "PERP", "gateway": "GW"}[standard]
    areas = {"OB-1": "order_book", "ORD-3": "orders", "RUL-1": "trading_rules"}
    ids = [*(f"{prefix}-{suffix}" for suffix in areas), *extra]
    results = []
    for check_id in ids:
        area = areas.get(check_id.split("-", 1)[1], "orders")
        bad = check_id in failing
        results.append(
            check(
                check_id,
                connector=name,
                area=area,
                outcome=Outcome.FAIL if bad else Outcome.PASS,
                message=LONG_MESSAGE if bad else "",
            )
        )
    return ConnectorRun(
        connector=name,
        standard=standard,
        exchange=exchange,
        version=version,
        results=results,
        coverage=cov(name),
        scenarios=scen(name),
    )


def market_runs(generation: int) -> list[ConnectorRun]:
    """Six connectors of three exchanges over three markets, as they were in run
    `generation` (0, 1, 2...): ccxt_binance breaks at run 2; bybit is red throughout;
    SPOT-NEW-1 appears at run 1; binance's version changes at run 2."""
    later = generation >= 1
    return [
        market_run("binance", "binance", extra=("SPOT-NEW-1",) if later else (),
                   version="v2" if generation >= 2 else "v1"),
        market_run("ccxt_binance", "binance",
                   failing=("SPOT-ORD-3",) if generation >= 2 else ()),
        market_run("bybit", "bybit", failing=("SPOT-OB-1",)),
        market_run("bybit_perpetual", "bybit", "perpetual"),
        market_run("uniswap_amm", "uniswap", "gateway"),
        market_run("kraken_ccxt", "kraken", extra=("SPOT-NEW-1",) if later else ()),
    ]
