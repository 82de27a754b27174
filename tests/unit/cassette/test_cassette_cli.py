"""`harness record` and `harness bench`: argument wiring, refusals in one line, delegation."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cassette.recorder import (
    find_root,
    record_command,
    record_scenario,
    scrubber_for,
    secret_env_names,
)
from harness.cli import build_parser, main
from harness.registry import load_registry

MANIFEST = """
name = "acme"
standard = "spot"
connector = "acme_connector:AcmeConnector"
pairs = ["BTC-USDT"]
order_types = ["LIMIT"]

[urls.production]
rest = "http://127.0.0.1:{port}"
[urls.testnet]
rest = "http://127.0.0.1:{port}"

[secrets]
api_key_env = "ACME_API_KEY"
api_secret_env = "ACME_API_SECRET"
scrub_fields = ["apiKey", "signature"]

[secrets.testnet]
api_key_env = "ACME_TESTNET_KEY"

[cassettes]
scrub = ["orderSecret"]
"""

CONFTEST = """
def pytest_addoption(parser):
    parser.addoption("--connector")
    parser.addoption("--record-mode")
    parser.addoption("--record-upstream")
    parser.addoption("--scenario")

def pytest_collection_modifyitems(config, items):
    items[:] = [i for i in items if config.getoption("scenario") in i.name]
"""

SUITE = """
def test_place_limit_buy(request):
    opts = request.config.option
    assert (opts.connector, opts.record_mode, opts.record_upstream) == (
        "acme", "new_episodes", "production")

def test_other_scenario():
    raise AssertionError("--scenario must deselect this one")
"""


@pytest.fixture
def upstream_port() -> Iterator[int]:
    """A loopback port that accepts connections: the exchange `harness record` records from."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def repo(tmp_path: Path, upstream_port: int) -> tuple[Path, Any]:
    (tmp_path / "connectors" / "acme").mkdir(parents=True)
    (tmp_path / "connectors" / "acme" / "connector.toml").write_text(
        MANIFEST.replace("{port}", str(upstream_port)))
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "conftest.py").write_text(CONFTEST)
    (tmp_path / "suites" / "test_acme_suite.py").write_text(SUITE)
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    return tmp_path, load_registry(root=tmp_path / "connectors", eps=[])


KEYS = {"ACME_API_KEY": "k" * 20, "ACME_API_SECRET": "s" * 20}


def test_secret_names_and_scrubber() -> None:
    table = {"api_key_env": "A_KEY", "env": ["B", 3], "scrub_fields": ["accountSecret"],
             "scrub_headers": ["X-Session"], "testnet": {"api_key_env": "T_KEY"}}
    assert secret_env_names(table, "production") == ["A_KEY", "B"]
    assert secret_env_names(table, "testnet") == ["T_KEY"]
    scrub = scrubber_for(table, {"scrub": ["orderSecret"], "scrub_headers": "X-Other"},
                         "production", env={"A_KEY": "a-very-secret-key"})
    assert scrub.text("x a-very-secret-key") == "x SCRUBBED"
    assert scrub.json_value({"orderSecret": "v", "accountSecret": "w"}) == {
        "orderSecret": "SCRUBBED", "accountSecret": "SCRUBBED"}
    assert scrub.headers({"X-Session": "1", "X-Other": "2", "Accept": "3"}) == {
        "X-Session": ("SCRUBBED",), "X-Other": ("SCRUBBED",), "Accept": ("3",)}


def test_scrubber_for_a_manifest_whose_scrub_fields_name_headers() -> None:
    # Bybit's manifest: its signature header named in scrub_fields; the regression exporter
    # adds the test credentials it ran with and reads no environment.
    table = {"api_key_env": "BYBIT_API_KEY", "scrub_fields": ["X-BAPI-API-KEY", "X-BAPI-SIGN"]}
    scrub = scrubber_for(table, {}, "production", env={}, secrets=["harness-test-api-key"])
    assert scrub.headers({"X-BAPI-SIGN": "00ff", "X-BAPI-TIMESTAMP": "1"}) == {
        "X-BAPI-SIGN": ("SCRUBBED",), "X-BAPI-TIMESTAMP": ("1",)}
    assert scrub.text("key harness-test-api-key") == "key SCRUBBED"


def test_record_command_shape() -> None:
    assert record_command("acme", "place", "testnet", "all") == [
        sys.executable, "-m", "pytest", "suites", "--connector", "acme", "--record-mode", "all",
        "--record-upstream", "testnet", "--scenario", "place", "--tb=line", "-q"]


def test_record_runs_pytest_on_the_suites_and_returns_its_code(repo: tuple[Path, Any]) -> None:
    root, registry = repo
    # Only the test's conftest defines the options, whether or not the harness plugin is
    # installed in this venv.
    env = {**KEYS, "PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    code = record_scenario("acme", "place_limit_buy", "production", "new_episodes", root=root,
                           env=env, registry=registry)
    assert code == 0
    failing = record_scenario("acme", "other_scenario", "production", "new_episodes",
                              root=root, env=env, registry=registry)
    assert failing == 1


def test_an_unreachable_upstream_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        (tmp_path / "acme").mkdir()
        (tmp_path / "acme" / "connector.toml").write_text(MANIFEST.replace("{port}", str(port)))
        registry = load_registry(root=tmp_path, eps=[])
        code = record_scenario("acme", "place_limit_buy", "production", "all", root=tmp_path,
                               env=KEYS, registry=registry)
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        f"harness record: acme: production upstream cannot reach http://127.0.0.1:{port} "
        "(rest): Connection refused; check the network (or record from another upstream "
        "with --upstream)"]


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(env={"CI": "true", **KEYS}), "harness record: CI is set, and CI never records"),
    (dict(env={}), "harness record: acme: missing credentials ACME_API_KEY, ACME_API_SECRET:"
                   " export them"),
    (dict(env={"ACME_API_KEY": "x" * 10}), "missing credentials ACME_TESTNET_KEY"),
    (dict(env=KEYS, connector="nope"), "harness record: unknown connector 'nope'"),
    (dict(env=KEYS, mode="sometimes"), "harness record: unknown record mode 'sometimes'"),
    (dict(env=KEYS, upstream="staging"), "urls.staging: missing, so cannot record from staging"),
])
def test_refusals_are_one_line_and_exit_2(repo: tuple[Path, Any], kwargs: dict[str, Any],
                                          message: str, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    root, registry = repo
    upstream = kwargs.pop("upstream", "testnet" if "ACME_API_KEY" in kwargs["env"]
                          and len(kwargs["env"]) == 1 else "production")
    connector = kwargs.pop("connector", "acme")
    mode = kwargs.pop("mode", "all")
    code = record_scenario(connector, "place_limit_buy", upstream, mode, root=root,
                           registry=registry, **kwargs)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_cli_record_parses_and_dispatches(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["record", "binance", "place", "--upstream", "testnet",
                                      "--mode", "once"])
    assert (args.connector, args.scenario, args.upstream, args.mode) == (
        "binance", "place", "testnet", "once")
    monkeypatch.setenv("CI", "1")
    assert main(["record", "binance", "place"]) == 2
    assert "CI never records" in capsys.readouterr().err


def test_bench_suite_and_scenarios_say_not_available(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    import harness.bench

    for name in ("suite", "scenarios"):
        monkeypatch.delitem(sys.modules, f"harness.bench.{name}", raising=False)
        # Pretend the module is absent even if another helper has added it meanwhile.
        monkeypatch.setattr(harness.bench, "__path__", [])
        assert main(["bench", name]) == 2
        assert capsys.readouterr().out == f"harness bench {name}: not available yet\n"


def test_bench_delegates_when_the_module_exists(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    import harness.bench

    (tmp_path / "suite.py").write_text("def main(args):\n    return 7\n")
    monkeypatch.delitem(sys.modules, "harness.bench.suite", raising=False)
    monkeypatch.setattr(harness.bench, "__path__", [str(tmp_path)])
    assert main(["bench", "suite"]) == 7
    monkeypatch.delitem(sys.modules, "harness.bench.suite", raising=False)


def test_find_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_root(tmp_path / "a" / "b") == tmp_path.resolve()
