"""Small parts of the base: event fan-out, client order ids, server-time sync."""

from __future__ import annotations

import logging
import re

import pytest

from harness.base.client_ids import ClientOrderIdFactory
from harness.base.emitter import EventHub
from harness.base.time_sync import TimeSynchronizer
from harness.standard.clock import ScaledClock
from harness.standard.events import Event
from tests.fixtures.aio import run


def test_a_failing_listener_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    hub = EventHub()
    seen: list[str] = []

    def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    hub.subscribe(lambda event: seen.append("first"))
    hub.subscribe(broken)
    hub.subscribe(lambda event: seen.append("last"))
    with caplog.at_level(logging.ERROR):
        hub.emit(Event(1.0))
    assert seen == ["first", "last"]
    assert "failed on Event" in caplog.text


def test_unsubscribe_stops_delivery_and_is_idempotent() -> None:
    hub = EventHub()
    seen: list[Event] = []
    unsubscribe = hub.subscribe(seen.append)
    hub.emit(Event(1.0))
    unsubscribe()
    unsubscribe()
    hub.emit(Event(2.0))
    assert seen == [Event(1.0)]


def test_a_listener_may_unsubscribe_while_an_event_is_delivered() -> None:
    hub = EventHub()
    seen: list[str] = []
    unsubscribe = hub.subscribe(lambda event: unsubscribe())
    hub.subscribe(lambda event: seen.append("second"))
    hub.emit(Event(1.0))
    hub.emit(Event(2.0))
    assert seen == ["second", "second"]


def test_client_ids_carry_prefix_side_and_a_fixed_tag() -> None:
    ids = ClientOrderIdFactory("HB", 32, session_tag="t")
    assert [ids.new("B"), ids.new("S"), ids.new("B")] == ["HBBt1", "HBSt2", "HBBt3"]
    again = ClientOrderIdFactory("HB", 32, session_tag="t")
    assert again.new("B") == "HBBt1"  # reproducible: cassettes can hold the ids


def test_client_ids_are_unique_across_sessions_without_a_tag() -> None:
    first = {ClientOrderIdFactory("X-", 20).new("B") for _ in range(50)}
    assert len(first) == 50
    assert all(re.fullmatch(r"X-B[A-Za-z0-9]{6}1", cid) for cid in first)


def test_client_ids_stay_within_the_length_limit_when_the_counter_grows() -> None:
    ids = ClientOrderIdFactory("HBOT", 12, session_tag="abcdef")
    seen = set()
    for _ in range(120):
        cid = ids.new("B")
        assert len(cid) <= 12
        seen.add(cid)
    assert len(seen) == 120
    assert not all("abcdef" in cid for cid in seen)  # a fresh session tag took over


def test_a_prefix_that_leaves_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="leaves no room in 10 characters"):
        ClientOrderIdFactory("HUMMINGBOT", 10)


def test_time_sync_takes_the_server_reading_as_mid_request() -> None:
    clock = ScaledClock(speed=1.0, start=1_000.0)
    sync = TimeSynchronizer(clock)
    assert not sync.synced and sync.offset_ms == 0.0

    async def server_time() -> float:
        clock.advance(2.0)  # the request takes two seconds
        return 1_000_000.0 + 5_000.0 + 1_000.0  # server is 5 s ahead, at mid-request

    run(sync.sync(server_time))
    assert sync.synced
    assert sync.offset_ms == pytest.approx(5_000.0, abs=20.0)
    assert sync.now_ms() == pytest.approx(clock.time() * 1000 + 5_000.0, abs=20.0)
