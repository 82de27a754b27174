"""SPOT-NET: network checks, readiness, and stopping."""

from __future__ import annotations

import asyncio

from harness.checks import Severity, check
from harness.standard.enums import NetworkStatus
from harness.subject import Subject, SubjectPlan
from suites.spot._support import WAIT, go, served

PARTS = ("symbols", "trading_rules", "balances", "order_books", "user_stream")


@check("SPOT-NET-1", "check_network reports CONNECTED when the exchange answers",
       area="network", scenario="network_ok")
async def test_check_network_connected(subject: Subject) -> None:
    status = await subject.connector.check_network()
    assert status is NetworkStatus.CONNECTED, f"expected CONNECTED, got {status}"


@check("SPOT-NET-2", "check_network reports NOT_CONNECTED on a server error",
       area="network", scenario="network_server_error")
async def test_check_network_not_connected_on_server_error(subject: Subject) -> None:
    status = await subject.connector.check_network()
    assert status is NetworkStatus.NOT_CONNECTED, \
        f"expected NOT_CONNECTED on HTTP 5xx, got {status}"


@check("SPOT-NET-3", "check_network reports NOT_CONNECTED when the exchange does not answer",
       area="network", scenario="network_timeout")
async def test_check_network_not_connected_on_timeout(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(request_timeout=0.1) as subject:
        try:
            async with asyncio.timeout(2.0):
                status = await subject.connector.check_network()
        except TimeoutError:
            raise AssertionError("check_network() did not return within 2 s although its "
                                 "request timeout is 0.1 s") from None
        assert status is NetworkStatus.NOT_CONNECTED, f"expected NOT_CONNECTED, got {status}"


@check("SPOT-NET-4", "Cancelling check_network propagates CancelledError (it is not swallowed)",
       area="network", scenario="network_timeout")
async def test_check_network_propagates_cancellation(subject_plan: SubjectPlan) -> None:
    # The ping is never answered; a long request timeout keeps it pending until cancelled.
    async with subject_plan.replay(request_timeout=WAIT * 2) as subject:
        task = asyncio.create_task(subject.connector.check_network())
        await subject.wait_until(lambda: served(subject, "ping") or task.done(), WAIT,
                                 "the ping request")
        assert not task.done(), f"check_network() returned {task.result()} before its " \
                                "request was answered or timed out"
        task.cancel()
        try:
            result = await task
        except asyncio.CancelledError:
            return
        raise AssertionError(f"check_network() returned {result} when cancelled; the "
                             "CancelledError must propagate so that callers can stop it")


@check("SPOT-NET-5", "The connector becomes ready, with every part up",
       area="network", scenario="startup", severity=Severity.BLOCKER)
async def test_becomes_ready_with_every_part_up(subject: Subject) -> None:
    await subject.start()
    status = dict(subject.connector.status)
    assert subject.connector.ready, f"ready is False after wait_ready(); status {status}"
    missing = [part for part in PARTS if not status.get(part)]
    assert not missing, f"ready, but these parts are not up: {missing} (status {status})"
    for market in subject.pairs:
        assert subject.connector.order_book(market).best_bid is not None, \
            f"ready, but the {market} order book is empty"
    assert subject.connector.balances(), "ready, but no balances are loaded"


@check("SPOT-NET-6", "Not ready until symbols, rules, balances, books and the user stream are up",
       area="network", scenario="startup_user_stream_late", severity=Severity.CRITICAL)
async def test_not_ready_until_every_part_is_up(subject_plan: SubjectPlan) -> None:
    # The subscription's answer is held until the check pings: a long request timeout keeps
    # the connector from giving up on it meanwhile, however slow the machine.
    async with subject_plan.replay(request_timeout=WAIT * 2) as subject:
        await _user_stream_comes_last(subject)


async def _user_stream_comes_last(subject: Subject) -> None:
    connector = subject.connector
    await connector.start()
    others = [part for part in PARTS if part != "user_stream"]
    await subject.wait_until(lambda: all(connector.status.get(p) for p in others), WAIT,
                             f"{', '.join(others)} to be up")
    # The user-stream subscription is answered only after the ping below.
    status = dict(connector.status)
    assert not status.get("user_stream"), f"user_stream is up before its subscription was " \
                                          f"answered (status {status})"
    assert not connector.ready, f"ready is True while the user stream is down (status {status})"
    await go(subject)
    await subject.wait_until(lambda: connector.ready, WAIT, "ready once the user stream is up")
    assert all(connector.status.get(p) for p in PARTS), f"ready with status {connector.status}"


@check("SPOT-NET-7", "stop() closes every connection and the connector is no longer ready",
       area="network", scenario="startup")
async def test_stop_closes_every_connection(subject: Subject) -> None:
    await subject.start()
    await subject.connector.stop()
    connections = subject.server.ws_connections
    assert connections, "no stream was connected"
    await subject.wait_until(lambda: all(c.closed for c in connections), 1.0,
                             "every stream connection to close after stop()")
    assert not subject.connector.ready, f"ready is True after stop() (status " \
                                        f"{dict(subject.connector.status)})"
