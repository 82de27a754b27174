"""`harness gateway check` against the double: green for every connector it serves, and each
broken variant fails the check meant to catch it."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from harness.gateway.checks.catalogue import CATALOGUE
from harness.gateway.checks.probe import Target
from harness.gateway.checks.runner import GatewayResult, run_checks
from harness.gateway.double.serve import server_for
from harness.gateway.double.server import GatewayServer
from harness.gateway.double.variants import VARIANTS
from harness.standard.gateway.model import DexConnector

SERVED = ("uniswap/amm", "uniswap/clmm", "uniswap/router", "raydium/amm", "raydium/clmm",
          "jupiter/router")


def judge(server: GatewayServer, connector: str, **target: object) -> list[GatewayResult]:
    async def run() -> list[GatewayResult]:
        async with server:
            options = {"poll_interval": 0.0, "poll_timeout": 0.3, **target}
            return await run_checks(Target(server.url, DexConnector.parse(connector),
                                           **options))  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.mark.parametrize("connector", SERVED)
def test_every_check_passes_against_the_double(connector: str) -> None:
    results = judge(GatewayServer(), connector)
    assert [(r.check_id, r.message) for r in results if r.outcome != "passed"] == []
    assert len(results) >= 14


def test_the_catalogue_has_at_least_twenty_checks_each_in_docs() -> None:
    assert len(CATALOGUE) >= 20
    docs = (Path(__file__).resolve().parents[3] / "docs" / "standard.md").read_text()
    assert [c for c in CATALOGUE if f"`{c}`" not in docs] == []


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_broken_variant_fails_the_check_meant_to_catch_it(name: str) -> None:
    variant = VARIANTS[name]
    results = {r.check_id: r for r in judge(variant.server(), variant.connector)}
    caught = results[variant.check_id]
    assert caught.outcome == "failed", f"{name}: {variant.check_id} {caught.outcome}"
    assert caught.message


def test_read_only_and_only_select_checks() -> None:
    results = judge(GatewayServer(), "uniswap/clmm")
    read_only = asyncio.run(_read_only())
    assert {r.check_id for r in read_only} < {r.check_id for r in results}
    assert all(not CATALOGUE[r.check_id].executes for r in read_only)


async def _read_only() -> list[GatewayResult]:
    async with GatewayServer() as server:
        return await run_checks(Target(server.url, DexConnector.parse("uniswap/clmm")),
                                read_only=True)


def test_an_unreachable_gateway_is_one_error_result() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    results = asyncio.run(run_checks(Target(f"http://127.0.0.1:{port}",
                                            DexConnector.parse("uniswap/amm"))))
    assert [(r.check_id, r.outcome) for r in results] == [("GW-SETUP", "error")]


@pytest.fixture
def served_double() -> Iterator[str]:
    """A double served from another thread, as `harness gateway serve` would."""
    server, ready, stop = GatewayServer(), threading.Event(), threading.Event()

    async def serve() -> None:
        async with server:
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.01)

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(5)
    yield server.url
    stop.set()
    thread.join(5)


def test_cli_check_is_green_and_writes_json(served_double: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gw.json"
    code = main(["gateway", "check", served_double, "--connector", "uniswap/amm",
                 "--connector", "jupiter/router", "--poll-interval", "0", "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "PASSED  GW-QTE-2" in printed and "0 failed" in printed
    assert {r["connector"] for r in json.loads(out.read_text())} == {"uniswap/amm",
                                                                      "jupiter/router"}


def test_cli_check_fails_on_a_failing_check(served_double: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["gateway", "check", served_double, "--connector", "uniswap/amm",
                 "--pool", "0xnotapool", "--only", "GW-SCH-1"])
    assert code == 1 and "FAILED  GW-SCH-1" in capsys.readouterr().out


def test_cli_refuses_a_bad_connector_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gateway", "check", "http://127.0.0.1:1", "--connector", "uniswap"]) == 2
    assert "e.g. uniswap/amm" in capsys.readouterr().err
    assert main(["gateway", "check", "http://127.0.0.1:1", "--connector", "sushi/amm"]) == 2
    assert "pass --chain" in capsys.readouterr().err


def test_serve_names_the_variants_when_one_is_unknown() -> None:
    assert isinstance(server_for("slippage-ignored"), GatewayServer)
    with pytest.raises(ValueError, match="missing-route"):
        server_for("nope")
