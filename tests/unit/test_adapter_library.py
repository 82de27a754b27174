"""A connector judged through a library that is not installed (Hummingbot): `harness run`
shows it as not installed with the command that installs it; pytest skips its checks with
that line, unless CI is set, when they run and fail with it."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from harness import expectations
from harness.registry import (
    ConnectorLoadError,
    load_connector_class,
    load_registry,
    missing_library,
)


def _absent(name: str = "hummingbot_binance") -> object:
    manifest = load_registry().get(name)
    return dataclasses.replace(manifest, adapter={**manifest.adapter,
                                                  "library": "no_such_library_xyz"})


def test_a_missing_library_is_one_line_with_its_install_command() -> None:
    line = missing_library(_absent())  # type: ignore[arg-type]
    assert line == ("hummingbot_binance: not installed (no_such_library_xyz is missing); "
                    "install it with: harness install hummingbot")


def test_without_an_install_command_pip_is_named() -> None:
    manifest = dataclasses.replace(load_registry().get("ccxt_binance"),
                                   adapter={"library": "no_such_library_xyz"})
    assert (missing_library(manifest) or "").endswith("pip install no_such_library_xyz")


def test_connectors_without_a_library_or_with_it_installed_are_not_missing() -> None:
    assert missing_library(load_registry().get("binance")) is None
    manifest = dataclasses.replace(load_registry().get("ccxt_binance"),
                                   adapter={"library": "json"})
    assert missing_library(manifest) is None


def test_loading_it_fails_with_that_line() -> None:
    with pytest.raises(ConnectorLoadError, match=r"not installed.*harness install hummingbot"):
        load_connector_class(_absent())  # type: ignore[arg-type]


class _Item:
    """The parts of a pytest item apply_expectations reads and writes."""

    def __init__(self, manifest: object) -> None:
        self.callspec = SimpleNamespace(params={"harness_manifest": manifest})
        self.extra_keyword_matches: set[str] = set()
        self.markers: list[pytest.MarkDecorator] = []

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker)


@pytest.mark.parametrize("ci, skipped", [("", True), ("1", False)])
def test_its_checks_skip_with_the_line_unless_ci(monkeypatch: pytest.MonkeyPatch, ci: str,
                                                 skipped: bool) -> None:
    monkeypatch.setenv("CI", ci)
    spec = SimpleNamespace(check_id="SPOT-SYM-1", area="symbols", severity="critical",
                           requires=[], order_types=[])
    monkeypatch.setattr(expectations, "spec_of", lambda item: spec)
    item = _Item(_absent())
    expectations.apply_expectations(item)  # type: ignore[arg-type]
    skips = [m for m in item.markers if m.name == "skip"]
    assert bool(skips) is skipped
    if skipped:
        assert "harness install hummingbot" in skips[0].kwargs["reason"]
