"""The world of a property run: the manifest's double, re-seeded between examples, and the
one-line errors a bad manifest gets."""

from __future__ import annotations

from dataclasses import replace

from connectors.binance.double import default_exchange
from harness.registry import load_registry
from harness.scenarios.runner import run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.scenarios.world import load_double, template_seed


def test_a_double_without_a_seed_function_is_reseeded_from_its_default_exchange() -> None:
    fresh = default_exchange()
    reseed = template_seed(default_exchange())
    used = default_exchange()
    used.reset()
    assert used.balances() == {}
    reseed(used)
    assert {a: b.free for a, b in used.balances().items()} == \
        {a: b.free for a, b in fresh.balances().items()}
    for spec in fresh.markets():
        want, got = fresh.snapshot(spec.pair, None), used.snapshot(spec.pair, None)
        assert (got.bids, got.asks) == (want.bids, want.asks)


def test_the_manifest_double_brings_its_wire_format_default_exchange_and_seed() -> None:
    kit = load_double(load_registry().get("binance"))
    exchange = kit.default_exchange(None)
    assert exchange.markets() and kit.seed is not None
    assert kit.wire_factory(exchange).exchange is exchange


def test_a_connector_without_a_double_gets_one_clear_line() -> None:
    manifest = replace(load_registry().get("binance"), double="")
    run = run_scenarios(manifest, plan_from_env({}, profile="ci", max_examples=1), quiet=True)
    assert not run.result.passed and run.result.examples == 0
    assert run.result.failure == (f"{manifest.path}: double: missing; the property scenarios "
                                  "need an exchange double (double = "
                                  "\"module.path:WireFormatClass\")")


def test_a_double_that_cannot_be_imported_gets_one_clear_line() -> None:
    manifest = replace(load_registry().get("binance"), double="connectors.nope:Double")
    run = run_scenarios(manifest, plan_from_env({}, profile="ci", max_examples=1), quiet=True)
    assert not run.result.passed
    assert run.result.failure.startswith(f"{manifest.path}: double: cannot import "
                                         "connectors.nope")
    assert "\n" not in run.result.failure


def test_the_streams_only_pass_starts_connectors_with_polling_off() -> None:
    import asyncio

    from harness.scenarios.settings import POLLING_OFF
    from harness.scenarios.world import World

    polls = {}
    with World(load_registry().get("binance"), plan_from_env({}, profile="ci")) as world:
        for streams_only in (False, True):
            world.streams_only = streams_only
            world.begin_example()
            connector, _, server = world.live()
            started = len(server.request_log.for_operation("balances"))
            world.run(asyncio.sleep(0.1))  # 10 clock-s: five 2 s poll intervals
            polls[streams_only] = (connector.config.poll_interval,
                                   len(server.request_log.for_operation("balances")) - started)
            world.end_example()
    interval, balance_polls = polls[False]
    assert interval == 2.0 and balance_polls >= 3
    assert polls[True] == (POLLING_OFF, 0)


def test_only_a_connector_with_a_user_stream_gets_the_streams_only_pass() -> None:
    binance = load_registry().get("binance")
    plan = plan_from_env({}, profile="ci", max_examples=1, streams_only_examples=1, step_count=3)
    both = run_scenarios(binance, plan, export=False, quiet=True)
    assert both.result.passed and both.result.examples == 2
    polling_only = replace(binance, capabilities=binance.capabilities - {"user_stream"})
    run = run_scenarios(polling_only, plan, export=False, quiet=True)
    assert run.result.passed and run.result.examples == 1
