"""SPOT-SEC: credentials stay secret; private requests are authenticated, public ones are not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.checks import Severity, check
from harness.subject import SubjectPlan
from suites.spot._support import QUIET, WAIT, go, inp, place, wait_terminal

SCRUBBED = "SCRUBBED"  # what a cassette holds in place of every credential it recorded
# Loggers of the harness' own replay servers: they log what they receive, not the connector.
HARNESS_LOGGERS = ("websockets.server", "aiohttp.server", "aiohttp.access", "aiohttp.web",
                   "harness.replay", "harness.cassette")


async def _exercise(subject: Any) -> str | None:
    """Start, place an order, have one rejected, cancel the first, ping.

    Returns why the scenario could not be completed (None if it was), so that a check can
    still judge what was logged and sent before reporting that.
    """
    try:
        await subject.start(timeout=WAIT)
        order = inp(subject, "order")
        first = await place(subject, order)
        second = await place(subject, order)
        await wait_terminal(subject, second)
        await subject.connector.cancel(first)
        await wait_terminal(subject, first)
        await go(subject)
    except AssertionError as exc:
        return f"the scenario could not be completed: {exc}"
    return None


@check("SPOT-SEC-1", "The API key and secret never appear in logs or events; the secret is "
       "never sent", area="security", scenario="security", severity=Severity.BLOCKER)
async def test_credentials_never_appear_in_logs_or_events(subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        unfinished = await _exercise(subject)
        config = subject.connector.config
        secrets = {"API secret": config.api_secret, "API key": config.api_key}
        for label, value in secrets.items():
            assert value, f"the harness gave no {label}"
            for record in subject.log_records:
                if record.name.startswith(HARNESS_LOGGERS):
                    continue
                text = record.getMessage() + (record.exc_text or "")
                assert value not in text, \
                    f"the {label} appears in a log line ({record.name}): {text[:200]!r}"
            for event in subject.events:
                assert value not in repr(event), f"the {label} appears in an event: {event!r}"
        for request in subject.server.requests:
            wire = " ".join([request.view.describe(), *request.view.headers.values(),
                             request.view.body.decode("utf-8", "replace")])
            assert config.api_secret not in wire, \
                f"the API secret was sent to the exchange: {request.view.describe()[:200]}"
        for connection in subject.server.ws_connections:
            for frame in connection.received:
                assert config.api_secret not in frame.text, \
                    f"the API secret was sent on a stream: {frame.text[:200]!r}"
        assert unfinished is None, unfinished


def _scrubbed_keys(value: Any, path: str = "") -> Iterator[str]:
    """Paths (`params.apiKey`, `args.0`) of the scrubbed values in a recorded frame."""
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else None)
    if items is not None:
        for key, item in items:
            yield from _scrubbed_keys(item, f"{path}.{key}" if path else str(key))
    elif value == SCRUBBED:
        yield path


def _get(value: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return None
    return value


@check("SPOT-SEC-2", "Private requests carry the API key and a signature; public ones carry "
       "neither", area="security", scenario="security", severity=Severity.BLOCKER)
async def test_private_requests_are_signed_and_public_ones_are_not(
        subject_plan: SubjectPlan) -> None:
    async with subject_plan.replay(**QUIET) as subject:
        unfinished = await _exercise(subject)
        key = subject.connector.config.api_key
        rejected = [m for m in subject.server.mismatches if "verifier" in m or "unmatched" in m]
        assert not rejected, "requests the exchange would refuse:\n" + "\n".join(rejected)
        cassette = subject.cassette
        problems: list[str] = []
        private = public = 0
        signature_names = {name for item in cassette.interactions
                           for name, value in parse_qsl(urlsplit(item.request.uri).query)
                           if value == SCRUBBED}
        for request in subject.server.requests:
            if request.interaction_index is None:
                continue
            recorded = cassette.interactions[request.interaction_index].request
            recorded_params = dict(parse_qsl(urlsplit(recorded.uri).query,
                                             keep_blank_values=True))
            auth_headers = [n for n, values in recorded.headers.items() if SCRUBBED in values]
            signed_params = [n for n, v in recorded_params.items() if v == SCRUBBED]
            headers = {n.lower(): v for n, v in request.view.headers.items()}
            where = request.view.describe()[:120]
            if auth_headers or signed_params:
                private += 1
                # One scrubbed header is the API key (Binance's only one); the others (Bybit's
                # signature and timestamp headers) must be there, with a value.
                if auth_headers and key not in [headers.get(n.lower()) for n in auth_headers]:
                    problems.append(f"{where}: none of the headers {auth_headers} carries "
                                    f"the API key")
                for name in auth_headers:
                    if headers.get(name.lower()) in (None, ""):
                        problems.append(f"{where}: header {name} is missing")
                # Only the credentials: the other parameters are the request's meaning,
                # which the replay matched, or the client's own choice (recvWindow, ...).
                for name in signed_params:
                    if request.param(name) in (None, ""):
                        problems.append(f"{where}: parameter {name} is missing")
            else:
                public += 1
                if key in headers.values() or any(key in values
                                                  for values in request.params.values()):
                    problems.append(f"{where}: a public request carries the API key")
                credentials = sorted(set(request.params) & signature_names)
                if credentials:
                    problems.append(f"{where}: a public request carries {credentials}")
        for log in subject.server.ws_connections:
            frames = cassette.ws[log.entry_index].frames if log.entry_index is not None else ()
            for received in log.received:
                if received.matched is None:
                    continue
                recorded = frames[received.matched].value
                needs = list(_scrubbed_keys(recorded))
                for path in needs:
                    if _get(received.json, path) in (None, ""):
                        problems.append(f"stream {log.path}: {path} is missing from "
                                        f"{received.text[:120]!r}")
                if not needs and key in received.text:
                    problems.append(f"stream {log.path}: a public frame carries the API key")
        assert private and public, f"the scenario must exercise both kinds ({private} private, " \
                                   f"{public} public requests)"
        assert not problems, "authentication is wrong:\n  " + "\n  ".join(problems)
        assert unfinished is None, unfinished
