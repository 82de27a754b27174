"""The check catalogue and the one place option precedence is resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness import checks
from harness.checks import CATALOGUE, CheckSpec, Severity, check
from harness.manifest import parse_manifest
from harness.options import DEFAULT_CHECK_TIMEOUT, CheckOptions, resolve
from harness.standard.enums import OrderType, Standard

ID = "PROP-HARNESSTEST-1"


@pytest.fixture(autouse=True)
def clean_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "CATALOGUE", dict(CATALOGUE))


def manifest(suite: dict[str, Any] | None = None) -> Any:
    data: dict[str, Any] = {"name": "toy", "standard": "spot", "connector": "a.b:C",
                            "pairs": ["BTC-USDT"],
                            "urls": {"production": {"rest": "https://toy.example"}}}
    if suite is not None:
        data["cassettes"] = {"suite": suite}
    return parse_manifest(data, Path("connectors/toy/connector.toml"))


def spec(timeout: float | None = None) -> CheckSpec:
    return CheckSpec(ID, "t", "area", Standard.SPOT, None, (), (), True, Severity.NORMAL,
                     timeout, "mod.fn")


def test_check_records_a_spec_in_the_catalogue_and_marks_the_function() -> None:
    @check(ID, "an order is created once", area="orders", standard="perpetual",
           scenario="place_limit", requires=["user_stream"], order_types=[OrderType.LIMIT],
           required=False, severity=Severity.CRITICAL, timeout=3.0)
    def test_thing() -> None: ...

    found = checks.CATALOGUE[ID]
    assert found == CheckSpec(ID, "an order is created once", "orders", Standard.PERPETUAL,
                              "place_limit", ("user_stream",), (OrderType.LIMIT,), False,
                              "critical", 3.0, f"{__name__}.{test_thing.__qualname__}")
    marks = getattr(test_thing, "pytestmark", [])
    assert [m.name for m in marks] == ["harness_check"] and marks[0].args[0] is found
    # Allure's title for the check (allure-pytest formats it: braces are escaped).
    assert test_thing.__allure_display_name__ == f"{ID} an order is created once"

    @check(ID.replace("1", "2"), "fills {amount}", area="orders")
    def test_titled() -> None: ...

    assert test_titled.__allure_display_name__ == "PROP-HARNESSTEST-2 fills {{amount}}"


@pytest.mark.parametrize("bad", ["ORD-1", "SPOT-ORD", "spot-ord-1", "SPOT-ORD-1a", "FUT-X-1"])
def test_check_ids_must_follow_the_pattern(bad: str) -> None:
    with pytest.raises(ValueError, match=f"check id {bad!r} must look like SPOT-ORD-1"):
        check(bad, "x", area="y")


def test_an_id_used_by_two_functions_is_refused() -> None:
    def first() -> None: ...

    def second() -> None: ...

    check(ID, "x", area="a")(first)
    check(ID, "x", area="a")(first)  # the same function again (re-import) is fine
    with pytest.raises(ValueError, match=rf"check id {ID} is used by both .*first and "
                                         r".*second; ids must be unique"):
        check(ID, "x", area="a")(second)


def test_an_unknown_standard_is_refused() -> None:
    def options_check() -> None: ...

    with pytest.raises(ValueError, match="'options' is not a valid Standard"):
        check(ID, "x", area="a", standard="options")(options_check)


def test_defaults_apply_without_overrides() -> None:
    options = resolve(manifest(), None, {})
    assert options == CheckOptions()
    assert options.timeout == DEFAULT_CHECK_TIMEOUT and options.record_mode == "none"


def test_precedence_is_manifest_then_check_then_command_line() -> None:
    m = manifest({"timeout": 20.0, "clock_speed": 5.0, "poll_interval": 2.0, "bogus": 1})
    assert resolve(m, None, {}).timeout == 20.0
    assert resolve(m, spec(timeout=7.0), {}).timeout == 7.0
    both = resolve(m, spec(timeout=7.0), {"timeout": 1.5, "record_mode": "once",
                                          "clock_speed": None})
    assert both.timeout == 1.5 and both.record_mode == "once"
    assert both.clock_speed == 5.0 and both.poll_interval == 2.0  # None does not override
    assert not hasattr(both, "bogus")


def test_a_check_without_its_own_timeout_keeps_the_manifest_one() -> None:
    assert resolve(manifest({"timeout": 30.0}), spec(timeout=None), {}).timeout == 30.0


def test_spot_checks_judge_perpetual_connectors_too_but_not_the_reverse() -> None:
    from harness.checks import CheckSpec
    from harness.standard.enums import Standard

    def spec(standard: Standard) -> CheckSpec:
        return CheckSpec("X-Y-1", "t", "a", standard, None, (), (), True, "normal", None, "f")

    assert spec(Standard.SPOT).applies_to(Standard.SPOT)
    assert spec(Standard.SPOT).applies_to(Standard.PERPETUAL)
    assert spec(Standard.PERPETUAL).applies_to(Standard.PERPETUAL)
    assert not spec(Standard.PERPETUAL).applies_to(Standard.SPOT)
