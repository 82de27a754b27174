"""The catalogue of checks: each has a stable id, a one-line statement and an area.

Suites declare checks with `@check(...)`; the plugin parametrizes each over every registered
connector of its standard, gates it on capabilities, and records its expected outcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from harness.standard.enums import OrderType, Standard

_ID = re.compile(r"^(SPOT|PERP|PROP|GW)-[A-Z]+-\d+$")

F = TypeVar("F", bound=Callable[..., Any])


class Severity:
    BLOCKER = "blocker"
    CRITICAL = "critical"
    NORMAL = "normal"
    MINOR = "minor"


@dataclass(frozen=True)
class CheckSpec:
    check_id: str
    title: str
    area: str
    standard: Standard
    scenario: str | None
    requires: tuple[str, ...]
    order_types: tuple[OrderType, ...]
    required: bool
    severity: str
    timeout: float | None
    function: str

    def applies_to(self, standard: Standard) -> bool:
        """Spot checks judge perpetual connectors too: a perpetual market is a market first
        (its books, orders, fills and balances are checked alike); PERP checks add the rest."""
        return standard is self.standard or (
            self.standard is Standard.SPOT and standard is Standard.PERPETUAL)


CATALOGUE: dict[str, CheckSpec] = {}


def check(check_id: str, title: str, *, area: str, standard: str = "spot",
          scenario: str | None = None, requires: Iterable[str] = (),
          order_types: Iterable[OrderType] = (), required: bool = True,
          severity: str = Severity.NORMAL, timeout: float | None = None) -> Callable[[F], F]:
    """Declare a conformance check.

    `scenario` names the cassette (cassettes/<connector>/<scenario>.yaml) the check replays;
    `requires` lists capabilities and `order_types` order types the connector must declare,
    or the check is skipped with that reason.
    """
    if not _ID.match(check_id):
        raise ValueError(f"check id {check_id!r} must look like SPOT-ORD-1")

    def decorate(function: F) -> F:
        spec = CheckSpec(check_id, title, area, Standard(standard), scenario, tuple(requires),
                         tuple(order_types), required, severity, timeout,
                         f"{function.__module__}.{function.__qualname__}")
        existing = CATALOGUE.get(check_id)
        if existing is not None and existing.function != spec.function:
            raise ValueError(f"check id {check_id} is used by both {existing.function} and "
                             f"{spec.function}; ids must be unique")
        CATALOGUE[check_id] = spec
        # allure-pytest takes a test's title from this attribute (what `@allure.title` sets)
        # and formats it with the test's arguments: braces in the title must be doubled.
        display = f"{check_id} {title}".replace("{", "{{").replace("}", "}}")
        setattr(function, "__allure_display_name__", display)  # noqa: B010
        marked: F = pytest.mark.harness_check(spec)(function)
        return marked

    return decorate


def spec_of(item: pytest.Item) -> CheckSpec | None:
    marker = item.get_closest_marker("harness_check")
    if marker is None:
        return None
    spec = marker.args[0]
    return spec if isinstance(spec, CheckSpec) else None
