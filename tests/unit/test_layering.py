"""The import rules of ARCHITECTURE.md, enforced: harness never imports a concrete connector,
suites use only the public API and harness fixtures, the standard depends on nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(folder: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    problems = []
    for path in python_files(folder):
        for name in imports_of(path):
            ours = name.split(".")[0] in ("harness", "connectors", "suites")
            if _within(name, forbidden) or (ours and not _within(name, allowed)):
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    return problems


def test_harness_never_imports_a_concrete_connector_or_the_suites() -> None:
    # The registry may locate the `connectors` package itself, never import a connector.
    problems = violations("harness", ("harness",), ("suites",))
    assert [p for p in problems if not p.endswith(" imports connectors")] == []


def test_the_standard_depends_on_nothing_but_itself() -> None:
    assert violations("harness/standard", ("harness.standard",), ()) == []


def test_the_base_builds_only_on_the_standard() -> None:
    assert violations("harness/base", ("harness.standard", "harness.base"), ()) == []


def test_the_mocks_build_on_cassettes_never_on_the_base() -> None:
    allowed = ("harness.mocks", "harness.cassette", "harness.replay", "harness.standard")
    assert violations("harness/mocks", allowed, ("harness.base",)) == []


def test_adapters_build_only_on_the_standard_and_the_base() -> None:
    # An adapter is a connector written elsewhere (ccxt) made a subject of the standard:
    # it may use what a connector uses, never the replay, the double or the scenarios.
    allowed = ("harness.standard", "harness.base", "harness.adapters")
    assert violations("harness/adapters", allowed, ()) == []


def test_only_the_connector_loader_names_an_adapter() -> None:
    # harness.adapters is loaded by name from a manifest, like a connector: no other part
    # of the harness imports it.
    importers = [path.relative_to(ROOT).as_posix() for path in python_files("harness")
                 if "harness/adapters/" not in path.as_posix()
                 and any(_within(name, ("harness.adapters",)) for name in imports_of(path))]
    assert importers == []


def test_suites_use_only_the_public_api_and_harness_fixtures() -> None:
    allowed = ("harness.standard", "harness.checks", "harness.subject", "suites")
    assert violations("suites", allowed, ("harness.base", "connectors")) == []


@pytest.mark.parametrize("folder", sorted(p.name for p in (ROOT / "connectors").iterdir()
                                          if p.is_dir() and not p.name.startswith("_")))
def test_a_connector_never_imports_another_connector(folder: str) -> None:
    """The one exception (ARCHITECTURE.md): `<exchange>_<product>` may import `<exchange>`,
    the same exchange's first connector (bybit_perpetual -> bybit: one API, one signing)."""
    own = f"connectors.{folder}"
    family = f"connectors.{folder.rsplit('_', 1)[0]}" if "_" in folder else own
    problems = [p for p in violations(f"connectors/{folder}", ("harness", own, "connectors"), ())
                if "connectors." in p and own not in p
                and not _within(p.rsplit(" imports ", 1)[1], (family,))]
    assert problems == []


def test_the_family_exception_does_not_open_other_connectors() -> None:
    folder = "bybit_perpetual"
    family = f"connectors.{folder.rsplit('_', 1)[0]}"
    assert _within("connectors.bybit.auth", (family,))
    assert not _within("connectors.binance.auth", (family,))
    assert not _within("connectors.bybitx", (family,))
