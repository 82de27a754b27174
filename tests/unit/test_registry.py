"""The registry: built-in folders, HARNESS_CONNECTOR_PATH, entry points that override, and
problems collected one line each without stopping the other connectors."""

from __future__ import annotations

import json
import logging
import os
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from harness.manifest import load_manifest
from harness.registry import (
    ENTRY_POINT_GROUP,
    EXTRA_ROOTS_ENV,
    ConnectorLoadError,
    Registry,
    UnknownConnector,
    builtin_root,
    load_connector_class,
    load_object,
    load_registry,
)
from harness.standard.pair import TradingPair
from tests.fixtures.fake_exchange.connector import FakeExchange

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CONNECTORS = FIXTURES / "connectors"


def ep(name: str, target: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"tests.fixtures.entry_points:{target}",
                      group=ENTRY_POINT_GROUP)


@pytest.fixture(autouse=True)
def no_extra_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXTRA_ROOTS_ENV, raising=False)


def manifest_text(name: str, pair: str = "BTC-USDT", standard: str = "spot") -> str:
    return (f'name = "{name}"\nstandard = "{standard}"\nconnector = "x.y:Z"\n'
            f'pairs = ["{pair}"]\n[urls.production]\nrest = "https://{name}.example"\n')


def make_root(tmp_path: Path, label: str, manifests: dict[str, str]) -> Path:
    root = tmp_path / label
    for folder, text in manifests.items():
        (root / folder).mkdir(parents=True)
        (root / folder / "connector.toml").write_text(text)
    return root


def test_connector_folders_under_the_root_are_registered() -> None:
    registry = load_registry(CONNECTORS, eps=[])
    assert sorted(registry.connectors) == ["broken_import", "fake_exchange", "hanging"]
    assert registry.errors == ()
    assert registry.get("fake_exchange").source == "built-in"


def test_the_default_root_is_the_connectors_package() -> None:
    assert builtin_root() == ROOT / "connectors"
    registry = load_registry(eps=[])
    folders = {path.parent.name for path in builtin_root().glob("*/connector.toml")}
    assert {m.folder.name for m in registry.connectors.values()} <= folders
    assert len(registry.connectors) + len(registry.errors) == len(folders)


def test_an_entry_point_overrides_the_built_in_of_the_same_name(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="harness.registry"):
        registry = load_registry(CONNECTORS, eps=[ep("fake_exchange", "external_fake_exchange")])
    manifest = registry.get("fake_exchange")
    assert manifest.display_name == "Fake exchange (external package)"
    assert manifest.pairs == (TradingPair("ETH", "USDT"),)
    assert manifest.source == "entry point tests.fixtures.entry_points:external_fake_exchange"
    assert sorted(registry.connectors) == ["broken_import", "fake_exchange", "hanging"]
    assert "overrides" in caplog.text and "(built-in)" in caplog.text
    (warning,) = registry.warnings
    assert warning.startswith("connector fake_exchange: ") and "(built-in)" in warning


def test_an_entry_point_may_name_a_path_and_add_a_new_connector(tmp_path: Path) -> None:
    registry = load_registry(tmp_path, eps=[ep("fake_exchange", "EXTERNAL_FAKE_EXCHANGE")])
    assert list(registry.connectors) == ["fake_exchange"]
    assert registry.get("fake_exchange").folder.name == "fake_exchange"


def test_broken_entry_points_are_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    eps = [EntryPoint("gone", "tests.fixtures.no_such_module:thing", ENTRY_POINT_GROUP),
           ep("number", "not_a_path"),
           ep("bad_external", "external_bad"),
           ep("fake_exchange", "external_fake_exchange")]
    registry = load_registry(tmp_path, eps=eps)
    assert list(registry.connectors) == ["fake_exchange"]
    gone, number, bad = registry.errors
    assert gone.startswith("entry point gone (tests.fixtures.no_such_module:thing): cannot load:")
    assert number == ("entry point number (tests.fixtures.entry_points:not_a_path): cannot "
                      "load: must give a path to connector.toml, got int")
    assert bad.startswith(str(FIXTURES / "external" / "bad" / "connector.toml"))
    assert "standard: 'options' is not one of spot, perpetual" in bad


def test_a_bad_manifest_does_not_stop_the_others(tmp_path: Path) -> None:
    root = make_root(tmp_path, "root", {
        "alpha": manifest_text("alpha"),
        "broken_toml": "name = [\n",
        "bad_pair": manifest_text("bad_pair", pair="BTCUSDT"),
        "omega": manifest_text("omega", standard="perpetual"),
        "no_manifest_here": "",
    })
    (root / "no_manifest_here" / "connector.toml").unlink()
    registry = load_registry(root, eps=[])
    assert sorted(registry.connectors) == ["alpha", "omega"]
    assert len(registry.errors) == 2
    bad_pair, broken = registry.errors
    assert bad_pair.startswith(f"{root / 'bad_pair' / 'connector.toml'}: pairs[0]: ")
    assert broken.startswith(f"{root / 'broken_toml' / 'connector.toml'}: not valid TOML")
    assert all("\n" not in line for line in registry.errors)


def test_extra_folders_come_from_harness_connector_path(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = make_root(tmp_path, "builtin", {"alpha": manifest_text("alpha")})
    first = make_root(tmp_path, "first", {"beta": manifest_text("beta")})
    second = make_root(tmp_path, "second", {"alpha2": manifest_text("alpha", pair="ETH-USDT")})
    monkeypatch.setenv(EXTRA_ROOTS_ENV, os.pathsep.join([str(first), "", str(second)]))
    registry = load_registry(builtin, eps=[])
    assert sorted(registry.connectors) == ["alpha", "beta"]
    assert registry.get("beta").source == f"{EXTRA_ROOTS_ENV} {first}"
    # A later folder overrides an earlier one of the same name, as entry points do, and
    # says so: a connector shadowing a built-in is never silent.
    assert registry.get("alpha").pairs == (TradingPair("ETH", "USDT"),)
    (warning,) = registry.warnings
    assert warning == (f"connector alpha: {second / 'alpha2' / 'connector.toml'} "
                       f"({EXTRA_ROOTS_ENV} {second}) overrides "
                       f"{builtin / 'alpha' / 'connector.toml'} (built-in); "
                       "rename one to keep both")
    assert registry.errors == ()


def test_a_harness_connector_path_that_does_not_exist_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = make_root(tmp_path, "builtin", {"alpha": manifest_text("alpha")})
    missing = tmp_path / "typo"
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(missing))
    registry = load_registry(builtin, eps=[])
    assert sorted(registry.connectors) == ["alpha"]
    (error,) = registry.errors
    assert error.startswith(f"{EXTRA_ROOTS_ENV}: {missing}: no such folder; ")


def test_every_problem_of_a_manifest_is_reported_at_once(tmp_path: Path) -> None:
    text = manifest_text("alpha", pair="BTCUSDT").replace('standard = "spot"',
                                                         'standard = "futures"')
    root = make_root(tmp_path, "root", {"alpha": 'maintaner = "me"\n' + text})
    registry = load_registry(root, eps=[])
    path = root / "alpha" / "connector.toml"
    assert sorted(e.removeprefix(f"{path}: ").split(":")[0] for e in registry.errors) == \
        ["maintaner", "pairs[0]", "standard"]


def test_unknown_connectors_are_named_with_the_registered_ones() -> None:
    registry = load_registry(CONNECTORS, eps=[])
    with pytest.raises(UnknownConnector) as caught:
        registry.get("binanse")
    assert str(caught.value) == ("unknown connector 'binanse'; registered: broken_import, "
                                 "fake_exchange, hanging (see `harness list`)")
    with pytest.raises(UnknownConnector, match="registered: none"):
        Registry().get("x")


def test_select_keeps_the_order_asked_or_sorts_all() -> None:
    registry = load_registry(CONNECTORS, eps=[])
    assert [m.name for m in registry.select()] == ["broken_import", "fake_exchange", "hanging"]
    assert [m.name for m in registry.select(["hanging", "fake_exchange"])] == \
        ["hanging", "fake_exchange"]
    with pytest.raises(UnknownConnector):
        registry.select(["fake_exchange", "nope"])


def test_load_connector_class_imports_the_class() -> None:
    manifest = load_registry(CONNECTORS, eps=[]).get("fake_exchange")
    assert load_connector_class(manifest) is FakeExchange


def test_a_connector_that_cannot_be_imported_names_file_field_and_reason() -> None:
    manifest = load_registry(CONNECTORS, eps=[]).get("broken_import")
    with pytest.raises(ConnectorLoadError) as caught:
        load_connector_class(manifest)
    assert str(caught.value) == (
        f"{manifest.path}: connector: cannot import tests.fixtures.connectors.broken_import."
        "connector: ImportError: the toyexchange-sdk package is not installed (broken on "
        "purpose)")


@pytest.mark.parametrize(("target", "problem"), [
    ("tests.fixtures.entry_points:NoSuchClass",
     "connector: tests.fixtures.entry_points has no 'NoSuchClass'"),
    ("tests.fixtures.entry_points:not_a_path",
     "connector: tests.fixtures.entry_points:not_a_path is not a subclass of "
     "harness.standard.api.SpotConnector"),
    ("tests.fixtures.nowhere:Thing",
     "connector: cannot import tests.fixtures.nowhere: ModuleNotFoundError"),
])
def test_a_connector_entry_that_is_not_a_connector_class_is_explained(
        tmp_path: Path, target: str, problem: str) -> None:
    path = make_root(tmp_path, "r", {"x": manifest_text("xx").replace("x.y:Z", target)})
    manifest = load_manifest(path / "x" / "connector.toml")
    with pytest.raises(ConnectorLoadError) as caught:
        load_connector_class(manifest)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(str(manifest.path))


def test_load_object_names_the_manifest_field() -> None:
    manifest = load_registry(CONNECTORS, eps=[]).get("fake_exchange")
    with pytest.raises(ConnectorLoadError, match=r"connector.toml: cassettes.verifier: "):
        load_object("tests.fixtures.entry_points:missing", manifest, "cassettes.verifier")
    assert load_object("tests.fixtures.entry_points:not_a_path", manifest, "x")() == 42


def test_harness_list_shows_connectors_and_one_line_per_bad_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    from harness.cli import main

    extra = make_root(tmp_path, "extra", {"bad": manifest_text("bad", pair="BTC")})
    monkeypatch.setenv(EXTRA_ROOTS_ENV, os.pathsep.join([str(CONNECTORS), str(extra)]))
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["list"]) == 1
    out = capsys.readouterr().out
    assert "registered connector(s)" in out
    assert all(len(line) <= 80 for line in out.splitlines() if not line.startswith("error"))
    block = out.split("\nfake_exchange  ")[1].split("\n\n")[0]
    for value in ("(Fake exchange (harness tests), spot)", "pairs          BTC-USDT",
                  "order types    LIMIT, MARKET", "cancel_all, rate_limits",
                  f"source         {EXTRA_ROOTS_ENV}"):
        assert value in block, block
    # Every capability survives whole at 80 columns (none is cut to "…").
    for capability in load_registry(CONNECTORS, eps=[]).get("fake_exchange").capabilities:
        assert capability in block
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {extra / 'bad' / 'connector.toml'}: pairs[0]: 'BTC' is not "
                      "BASE-QUOTE (for example BTC-USDT)"]
    assert main(["list", "--json"]) == 0
    names = json.loads(capsys.readouterr().out)
    assert {"broken_import", "fake_exchange", "hanging"} <= set(names)
