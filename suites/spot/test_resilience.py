"""SPOT-RES: rate limits, clock drift, and streams that misbehave."""

from __future__ import annotations

import json

from harness.checks import Severity, check
from harness.standard.errors import ConnectorError
from harness.standard.events import BalanceUpdated, OrderCompleted, OrderCreated, OrderFilled
from harness.subject import Subject, SubjectPlan
from suites.spot._support import (
    QUIET,
    WAIT,
    SteppingClock,
    dec,
    exp,
    go,
    inp,
    place,
    request_log,
    served,
    settle,
)


@check("SPOT-RES-1", "A rate-limit answer makes the connector wait as long as the exchange "
       "asks, then retry; a ban (HTTP 418) is waited out, never retried",
       area="resilience", scenario="rate_limited", severity=Severity.CRITICAL)
async def test_rate_limit_honours_retry_after(subject_plan: SubjectPlan) -> None:
    clock = SteppingClock()
    async with subject_plan.replay(clock=clock) as subject:
        started = clock.time()
        await subject.connector.update_trading_rules()
        waited = clock.time() - started
        retry_after = float(inp(subject, "retry_after"))
        assert served(subject, "limited") and served(subject, "retry"), \
            f"expected the rate-limited request and one retry:\n{request_log(subject)}"
        assert waited >= retry_after, (
            f"the retry came {waited:.3f} s (connector clock) after the first attempt; the "
            f"exchange asked for Retry-After: {retry_after:g} s")
        loaded = sorted(str(p) for p in subject.connector.trading_rules)
        assert loaded == sorted(exp(subject, "pairs")), f"rules after the retry: {loaded}"
    if subject_plan.has_scenario("rate_banned"):  # an exchange that bans (Binance's 418)
        await _ban_is_honoured(subject_plan)


async def _ban_is_honoured(subject_plan: SubjectPlan) -> None:
    """HTTP 418 (a ban): not retried; nothing reaches the exchange until the ban ends."""
    clock = SteppingClock()
    async with subject_plan.replay("rate_banned", clock=clock) as subject:
        ban = float(inp(subject, "ban"))
        for attempt in ("the request answered 418", "a request during the ban"):
            try:
                await subject.connector.update_trading_rules()
            except ConnectorError:
                pass
            else:
                raise AssertionError(f"{attempt}: update_trading_rules() returned; under an "
                                     f"HTTP 418 ban it must raise a ConnectorError at once:\n"
                                     f"{request_log(subject)}")
        assert len(subject.server.requests) == 1, (
            f"after HTTP 418 (banned for {ban:g} s) nothing may reach the exchange until the "
            f"ban ends, no retry either; it received:\n{request_log(subject)}")
        await clock.sleep(ban)
        await subject.connector.update_trading_rules()
        assert served(subject, "after_ban"), \
            f"the first request after the ban was not answered:\n{request_log(subject)}"


@check("SPOT-RES-2", "A burst of requests never exceeds the exchange's declared rate limit",
       area="resilience", scenario="rate_limit_burst", requires=["rate_limits"],
       severity=Severity.CRITICAL, timeout=40.0)  # up to 400 requests: slow under coverage
async def test_declared_rate_limits_are_never_exceeded(subject_plan: SubjectPlan) -> None:
    clock = SteppingClock()  # the throttler's waits cost no wall time
    async with subject_plan.replay(clock=clock) as subject:
        connector = subject.connector
        await connector.update_trading_rules()
        limit, window = int(inp(subject, "limit")), float(inp(subject, "window"))
        order = inp(subject, "order")
        first = len(subject.server.requests)
        for _ in range(int(inp(subject, "count"))):
            client_order_id = await place(subject, order)
            assert subject.events_of(OrderCreated, client_order_id), \
                f"order {client_order_id} was not acknowledged:\n{request_log(subject)[-2000:]}"
        # Judged by when each request reached the exchange (on the connector's clock): a
        # connector that sends first and waits for its throttler after still bursts.
        sent: dict[str, list[float]] = {}
        for request in subject.server.requests[first:]:
            sent.setdefault(f"{request.method} {request.path}", []).append(request.received_at)
        for endpoint, times in sent.items():
            for i in range(len(times) - limit):
                spacing = times[i + limit] - times[i]
                assert spacing >= window, (
                    f"{endpoint}: requests {i + 1}..{i + limit + 1} ({limit + 1} of them) "
                    f"reached the exchange within {spacing:.3f} s; the exchange allows {limit} "
                    f"per {window:g} s")
    if subject_plan.has_scenario("weight_burst"):  # an exchange that charges weights
        await _weights_stay_within_the_limit(subject_plan)


async def _weights_stay_within_the_limit(subject_plan: SubjectPlan) -> None:
    """Requests that weigh more than one (Binance's REQUEST_WEIGHT): what each cost is what
    the exchange reported it spent (the used-weight header of its answer), and no window may
    hold more than the limit, judged on when each request reached the exchange."""
    clock = SteppingClock()
    async with subject_plan.replay("weight_burst", clock=clock) as subject:
        limit, window = int(inp(subject, "limit")), float(inp(subject, "window"))
        header = str(inp(subject, "weight_header")).lower()
        for _ in range(int(inp(subject, "count"))):
            await subject.connector.update_balances()
        spent: list[tuple[float, int]] = []
        reported = 0
        for request in subject.server.requests:
            if request.answered_by_default:
                # A read-only request the scenario never recorded (a client's own server-time
                # or exchange-info read), answered from the exchange's state: no recorded
                # header says what it cost, and the recorded ones count only the burst.
                continue
            assert subject.cassette is not None and request.interaction_index is not None, \
                f"a request the exchange did not answer:\n{request_log(subject)[-2000:]}"
            answer = subject.cassette.interactions[request.interaction_index].response
            used = int(next(values[0] for name, values in answer.headers.items()
                            if name.lower() == header))
            # The header counts the window so far: a drop means a new window began.
            spent.append((request.received_at, used - reported if used > reported else used))
            reported = used
        for index, (at, _) in enumerate(spent):
            in_window = sum(weight for when, weight in spent[:index + 1] if when > at - window)
            assert in_window <= limit, (
                f"request {index + 1} brought the weight the exchange counted within "
                f"{window:g} s to {in_window} (each request's weight as the exchange reported "
                f"it in {header}); the exchange allows {limit}: the weights the connector "
                f"declares must be what the exchange charges")


def _kinds(subject: Subject) -> list[str]:
    return ["time" if (r.interaction_id or "").startswith("time") else str(r.interaction_id)
            for r in subject.server.requests]


@check("SPOT-RES-3", "A timestamp rejection resyncs the clock and retries once",
       area="resilience", scenario="time_resync", requires=["time_sync"])
async def test_time_error_resyncs_and_retries_once(subject: Subject) -> None:
    connector = subject.connector
    await connector.update_balances()
    # Server-time requests are read-only: a client may also ask at other times (its own
    # choice), so they are compared as `time`, whichever recorded answer served them.
    order = _kinds(subject)
    first = order.index("rejected_1") if "rejected_1" in order else 0
    order = order[first:]
    assert order == ["rejected_1", "time", "accepted"], (
        f"expected: the rejected request, a server-time request, one retry; got:\n"
        f"{request_log(subject)}")
    balances = {a: (b.total, b.available) for a, b in connector.balances().items()}
    want = {a: (dec(v["total"]), dec(v["available"])) for a, v in exp(subject, "balances").items()}
    assert balances == want, f"balances after the retry {balances}, expected {want}"
    try:
        await connector.update_balances()
    except ConnectorError:
        pass  # rejected twice: giving up with the standard's error is right
    else:
        raise AssertionError("the request was refused for its timestamp after the resync too, "
                             "yet update_balances() returned as if it had worked; a second "
                             "refusal must raise a ConnectorError (harness.standard.errors)")
    order = _kinds(subject)
    order = order[order.index("accepted") + 1:]
    assert order == ["rejected_2", "time", "rejected_3"], (
        f"after a second rejection the connector must give up, not resync again; got:\n"
        f"{request_log(subject)}")


@check("SPOT-RES-4", "Garbage on the user stream is logged and skipped; the stream goes on",
       area="resilience", scenario="user_stream_garbage", requires=["user_stream"])
async def test_user_stream_garbage_is_logged_and_skipped(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        logged = len(subject.log_records)
        await go(subject)
        updates = exp(subject, "updates")
        await subject.wait_until(lambda: len(subject.events_of(BalanceUpdated)) >= len(updates),
                                 WAIT, "the balance update sent after the garbage")
        got = [(e.asset, e.total, e.available) for e in subject.events_of(BalanceUpdated)]
        assert got == [(u["asset"], dec(u["total"]), dec(u["available"])) for u in updates], \
            f"BalanceUpdated events {got}"
        recorded = len(subject.cassette.ws) if subject.cassette is not None else 0
        assert len(subject.server.ws_connections) <= recorded, \
            "a stream reconnected because of garbage; it must skip the frame and go on"
        assert subject.connector.ready, "the connector is not ready after garbage on a stream"
        warnings = [r.getMessage() for r in subject.log_records[logged:] if r.levelname in
                    ("WARNING", "ERROR", "CRITICAL")]
        for frame in _unreadable_frames(subject):
            # A warning about some other frame (or from another logger) is not one about this.
            assert any(frame[:12] in message for message in warnings), (
                f"the unreadable frame {frame[:40]!r} was skipped without a warning or error "
                f"that quotes it; logged at warning and above: {warnings}")


def _unreadable_frames(subject: Subject) -> list[str]:
    """The exchange's text frames that are not JSON (the cassette's garbage)."""
    frames = [frame.value for connection in (subject.cassette.ws if subject.cassette else ())
              for frame in connection.frames
              if frame.dir.value == "server" and frame.kind.value == "text"]
    unreadable = []
    for text in frames:
        try:
            json.loads(text)
        except ValueError:
            unreadable.append(str(text).strip())
    assert unreadable, "the scenario serves no unreadable frame; meta or ws is wrong"
    return unreadable


@check("SPOT-RES-5", "After a user-stream disconnect the connector reconnects and resubscribes",
       area="resilience", scenario="user_stream_reconnect", requires=["user_stream"],
       severity=Severity.CRITICAL)
async def test_user_stream_reconnects_and_resubscribes(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        await subject.start()
        before = len(subject.server.ws_connections)
        await go(subject)  # the user stream drops after this
        updates = exp(subject, "updates")
        await subject.wait_until(lambda: len(subject.events_of(BalanceUpdated)) >= len(updates),
                                 WAIT, "the balance update sent on the new connection")
        await subject.wait_until(lambda: subject.connector.ready, WAIT, "ready again")
        opened = len(subject.server.ws_connections) - before
        assert opened == 1, f"{opened} new stream connections after the drop, expected one"
        got = [(e.asset, e.total, e.available) for e in subject.events_of(BalanceUpdated)]
        assert got == [(u["asset"], dec(u["total"]), dec(u["available"])) for u in updates], \
            f"BalanceUpdated events {got}"


@check("SPOT-RES-7", "After the server ends the user stream the connector reconnects, "
       "resubscribes and keeps its orders and balances", area="resilience",
       scenario="user_stream_terminated", requires=["user_stream"], severity=Severity.CRITICAL)
async def test_user_stream_ended_by_the_server_is_resumed(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        connector = subject.connector
        await subject.start()
        client_order_id = await place(subject, inp(subject, "order"))
        before = len(subject.server.ws_connections)
        await go(subject)  # the server ends the user stream after this (a notice, a close)
        updates = exp(subject, "updates")
        await subject.wait_until(lambda: len(subject.events_of(BalanceUpdated)) >= len(updates),
                                 WAIT, "the balance update sent on the new connection")
        await subject.wait_until(lambda: connector.ready, WAIT, "ready again")
        await settle(subject, lambda: subject.events_of(OrderCompleted, client_order_id))
        opened = len(subject.server.ws_connections) - before
        assert opened == 1, f"{opened} new stream connections after the server ended the " \
                            f"stream, expected one"
        filled = [e.fill.trade_id for e in subject.events_of(OrderFilled, client_order_id)]
        assert filled == [str(t) for t in exp(subject, "trade_ids")], \
            f"the open order's fills after the new subscription: {filled}, expected " \
            f"{exp(subject, 'trade_ids')} (was the order forgotten with the old stream?)"
        completed = subject.events_of(OrderCompleted, client_order_id)
        assert len(completed) == 1 and completed[0].executed_amount == dec(
            exp(subject, "executed_amount")), f"OrderCompleted events: {completed}"
        got = [(e.asset, e.total, e.available) for e in subject.events_of(BalanceUpdated)]
        assert got == [(u["asset"], dec(u["total"]), dec(u["available"])) for u in updates], \
            f"BalanceUpdated events {got}"
        balances = {a: (b.total, b.available) for a, b in connector.balances().items()}
        want = {a: (dec(v["total"]), dec(v["available"]))
                for a, v in exp(subject, "balances").items()}
        assert balances == want, f"balances after the new subscription {balances}, expected " \
                                 f"{want} (the old ones kept, the update applied)"
