"""harness.subject: a connector built from its manifest, pointed at a loopback server, watched.

The toy exchange stands in for the replay server here: it answers `http_base_for` and
`ws_base_for` the way every loopback server of the harness does.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.checks import CheckSpec, Severity
from harness.manifest import load_manifest, parse_manifest
from harness.options import CheckOptions
from harness.standard.clock import ScaledClock
from harness.standard.enums import OrderType, Standard, TradeSide
from harness.standard.events import OrderCompleted, OrderCreated
from harness.subject import (
    SESSION_TAG,
    TEST_API_KEY,
    TEST_API_SECRET,
    SubjectPlan,
    build_config,
    cassette_path,
    loopback_urls,
    request_verifier,
)
from tests.fixtures.aio import run
from tests.fixtures.fake_exchange.connector import FakeExchange
from tests.fixtures.fake_exchange.server import running_venue

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = load_manifest(ROOT / "tests" / "fixtures" / "connectors" / "fake_exchange"
                         / "connector.toml")
SPEC = CheckSpec("PROP-SUBJECT-1", "t", "subject", Standard.SPOT, None, (), (), True,
                 Severity.NORMAL, None, "m.f")


def manifest_with(**cassettes: Any) -> Any:
    return parse_manifest({"name": "toy", "standard": "spot", "connector": "a.b:C",
                           "pairs": ["ETH-USDT", "BTC-USDT"], "cassettes": cassettes,
                           "urls": {"production": {"rest": "https://api.toy.example",
                                                   "ws_public": "wss://ws.toy.example"}}},
                          ROOT / "connectors" / "toy" / "connector.toml")


def test_build_config_uses_the_test_credentials_the_options_and_overrides() -> None:
    clock = ScaledClock(5.0)
    options = CheckOptions(poll_interval=0.25, request_timeout=0.75, reconnect_delay=0.1)
    config = build_config(MANIFEST, {"rest": "http://127.0.0.1:1"}, options, clock,
                          poll_interval=9.0, exclusive_account=True)
    assert config.trading_pairs == MANIFEST.pairs
    assert (config.api_key, config.api_secret) == (TEST_API_KEY, TEST_API_SECRET)
    assert config.urls == {"rest": "http://127.0.0.1:1"} and config.clock is clock
    assert (config.poll_interval, config.request_timeout, config.reconnect_delay) == \
        (9.0, 0.75, 0.1)
    assert config.session_tag == SESSION_TAG and config.exclusive_account


def test_loopback_urls_map_every_production_url_by_scheme() -> None:
    server = SimpleNamespace(http_base_for=lambda url: f"http://127.0.0.1:1/{url[8:11]}",
                             ws_base_for=lambda url: f"ws://127.0.0.1:2/{url[6:8]}")
    assert loopback_urls(manifest_with(), server) == {"rest": "http://127.0.0.1:1/api",
                                                      "ws_public": "ws://127.0.0.1:2/ws"}


def test_cassette_path_defaults_to_the_cassettes_folder_or_the_manifest_root() -> None:
    assert cassette_path(manifest_with(), "place_limit") == \
        ROOT / "cassettes" / "toy" / "place_limit.yaml"
    assert cassette_path(manifest_with(root="recorded"), "x") == \
        ROOT / "connectors" / "toy" / "recorded" / "x.yaml"


def test_request_verifier_is_the_manifest_function_with_the_test_secret() -> None:
    assert request_verifier(manifest_with()) is None
    verify = request_verifier(manifest_with(verifier="hmac:compare_digest"))
    assert verify is not None
    assert verify(TEST_API_SECRET) is True  # compare_digest(request, secret)
    assert verify("forged") is False


def plan(**options: Any) -> SubjectPlan:
    return SubjectPlan(MANIFEST, SPEC, CheckOptions(**{"clock_speed": 20.0, **options}))


def test_a_subject_starts_trades_and_records_events_and_logs() -> None:
    async def main() -> None:
        async with running_venue(ScaledClock(20.0)) as venue:
            venue.api_key, venue.api_secret = TEST_API_KEY, TEST_API_SECRET
            async with plan()._connector(venue, None, {"clock_speed": 20.0}) as subject:
                assert isinstance(subject.connector, FakeExchange)
                assert subject.clock.speed == 20.0
                assert subject.pair == subject.pairs[0] == MANIFEST.pairs[0]
                assert subject.inputs == {} and subject.expect == {}
                await subject.start()
                cid = await subject.connector.place_order(
                    subject.pair, TradeSide.BUY, OrderType.LIMIT, Decimal("0.1"), None)
                assert subject.events_of(OrderCreated, cid) == []  # no price: failed locally
                cid = await subject.connector.place_order(
                    subject.pair, TradeSide.BUY, OrderType.LIMIT, Decimal("0.1"),
                    Decimal("100"))
                created = await subject.wait_for_event(OrderCreated, cid)
                assert created.client_order_id == cid
                await venue.fill(cid, "0.1")
                await subject.wait_for_event(OrderCompleted, timeout=3.0)
                assert [type(e) for e in subject.events_of(OrderCompleted, cid)] == \
                    [OrderCompleted]
                logging.getLogger("toy").info("a line the check can read")
                assert "a line the check can read" in subject.log_text
                assert any(r.name == "toy" for r in subject.log_records)
                subject.poke()
                with pytest.raises(AssertionError,
                                   match=r"timed out after 0\.05 s waiting for nothing"):
                    await subject.wait_until(lambda: False, timeout=0.05, what="nothing")
                with pytest.raises(AssertionError, match="OrderCompleted for nope"):
                    await subject.wait_for_event(OrderCompleted, "nope", timeout=0.05)
            # After the block the connector is stopped and no longer watched.
            assert subject._logs not in logging.getLogger().handlers

    run(main(), deadline=15.0)


def test_a_subject_that_never_gets_ready_says_which_part_is_missing() -> None:
    async def main() -> None:
        # Wrong credentials (the venue expects its own): the private parts never come up.
        async with running_venue(ScaledClock(20.0)) as venue, \
                plan()._connector(venue, None, {}) as subject:
            with pytest.raises(AssertionError) as caught:
                await subject.start(timeout=0.5)
            message = str(caught.value)
            assert message.startswith("connector not ready after 0.5 s; status: ")
            assert "'balances': False" in message and "'symbols': True" in message

    run(main(), deadline=15.0)


def test_inputs_and_expect_come_from_the_cassette_meta() -> None:
    async def main() -> None:
        async with running_venue(ScaledClock(20.0)) as venue:
            cassette = SimpleNamespace(meta=SimpleNamespace(inputs={"amount": "0.1"},
                                                            expect=None))
            async with plan()._connector(venue, cassette, {}) as subject:
                assert subject.inputs == {"amount": "0.1"} and subject.expect == {}

    run(main(), deadline=15.0)


def test_replay_needs_a_scenario() -> None:
    async def main() -> None:
        replay = SubjectPlan(MANIFEST, None, CheckOptions()).replay()
        async with replay:
            raise AssertionError("unreachable")

    with pytest.raises(ValueError, match="this check names no scenario"):
        run(main())
