"""SPOT-RES-6: signed requests carry the exchange's time, not the connector's own clock.

The cassette records the exchange's clock (its server-time answer) and says how far the
connector's clock runs ahead of it; the check gives the connector a clock that far ahead and
judges each signed request's timestamp against the exchange's clock at the moment the request
arrived, as the exchange would (Binance -1021, Bybit 10002 outside the window).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from harness.checks import check
from harness.standard.clock import ScaledClock
from harness.subject import SubjectPlan
from suites.spot._support import QUIET, inp, request_log

# Rules are reloaded (and the clock resynced) only when the check's window has long passed:
# the recorded server time does not move, so a resync late in the check would read it stale.
_NO_REFRESH = {"rules_refresh_interval": 1e9}


def _signed_time(request: Any, where: Mapping[str, str]) -> str | None:
    """The request's signed timestamp, from the parameter or header the cassette names."""
    if "param" in where:
        return request.param(where["param"])
    wanted = where["header"].lower()
    return next((value for name, value in request.view.headers.items()
                 if name.lower() == wanted), None)


@check("SPOT-RES-6", "Signed requests carry the exchange's time in milliseconds (the server-time "
       "offset applied), within the receive window", area="resilience", scenario="clock_skew",
       requires=["time_sync"])
async def test_signed_requests_carry_the_exchange_time(subject_plan: SubjectPlan) -> None:
    clock = ScaledClock(subject_plan.options.clock_speed,
                        monotonic=asyncio.get_running_loop().time)
    async with subject_plan.replay(clock=clock, **QUIET, **_NO_REFRESH) as subject:
        skew, server_ms = float(inp(subject, "skew")), int(inp(subject, "server_time_ms"))
        where = inp(subject, "signed_time")
        window, ahead = int(inp(subject, "recv_window_ms")), int(inp(subject, "ahead_ms"))
        # The connector's clock now reads `skew` seconds ahead of the exchange's recorded time.
        clock.advance(server_ms / 1000 + skew - clock.time())
        await subject.start()
        await subject.connector.update_balances()
        judged = 0
        for request in subject.server.requests:
            stamp = _signed_time(request, where)
            if stamp is None:
                continue
            judged += 1
            exchange_ms = (request.received_at - skew) * 1000
            assert stamp.isdigit(), (
                f"{request.method} {request.path}: timestamp {stamp!r} is not a whole number "
                f"of milliseconds")
            late, early = exchange_ms - int(stamp), int(stamp) - exchange_ms
            assert late <= window and early < ahead, (
                f"{request.method} {request.path} carried timestamp {stamp}; the exchange's "
                f"clock read {exchange_ms:.0f} ms when it arrived (the connector's clock runs "
                f"{skew:g} s ahead, which the server-time answer {server_ms} shows). The "
                f"exchange refuses a timestamp more than {window} ms behind or {ahead} ms ahead "
                f"of its clock: sign with the connector's clock plus the measured server-time "
                f"offset, in milliseconds.\n{request_log(subject)}")
        assert judged >= 2, (f"expected the start's and the balance request's signed requests "
                             f"to carry a timestamp; {judged} did:\n{request_log(subject)}")
