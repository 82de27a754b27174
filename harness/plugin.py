"""The pytest plugin (entry point `pytest11: harness`): runs checks over every connector.

Thin on purpose: options and markers here; precedence in harness.options; live subjects in
harness.subject; results in harness.recording. Importing it costs almost nothing: heavy
modules load only when a check runs.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import math
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

HYPOTHESIS_PLUGIN = "hypothesispytest"  # hypothesis' pytest11 entry point


def positive_seconds(text: str) -> float:
    """A deadline from the command line: a finite number of seconds above zero."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a number of seconds above 0, e.g. 30")
    return seconds


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "connector-harness conformance checks")
    group.addoption("--connector", action="append", default=[], metavar="NAME",
                    help="run checks only for this connector (repeatable); default: all")
    group.addoption("--check-timeout", type=positive_seconds, default=None, metavar="SECONDS",
                    help="per-check deadline (default 10; manifest < check < this option)")
    group.addoption("--record-mode", default=None,
                    choices=["none", "once", "new_episodes", "all"],
                    help="cassette record mode, vcrpy's names (default none; forced in CI)")
    group.addoption("--scenario", default=None, metavar="NAME",
                    help="run only the checks that replay this scenario (cassette name), as "
                         "`harness record` does")
    group.addoption("--replay-mode", default=None, choices=["conformance", "strict"],
                    help="conformance (default: any request a correct client may send) or"
                         " strict (the recorded client's requests, parameter for parameter)")
    group.addoption("--record-upstream", default="production", metavar="ENV",
                    help="manifest URL set to record from (production or testnet)")
    group.addoption("--harness-raw", default=None, metavar="PATH",
                    help="write raw check results (JSON) here, for `harness report`")
    group.addoption("--regressions-dir", default=None, metavar="DIR",
                    help="save the minimal failing sequences of the property scenarios here"
                         " (DIR/<connector>/) instead of next to the connector's cassettes")
    group.addoption("--harness-reruns", type=int, default=0, metavar="N",
                    help="rerun a failing check up to N times; a later pass is reported flaky")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "harness_check(spec): a conformance check (declared with harness.checks.check)")
    from harness.recording import ResultRecorder

    selected = config.getoption("connector")
    if selected:
        from harness.registry import UnknownConnector, load_registry

        try:
            _registry(config, load_registry).select(selected)
        except UnknownConnector as exc:
            raise pytest.UsageError(f"--connector: {exc}") from None
    recorder = ResultRecorder(config)
    config.pluginmanager.register(recorder, "harness-results")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    from harness.checks import spec_of
    from harness.registry import load_registry

    spec = spec_of(metafunc.definition)
    if spec is None:
        return
    registry = _registry(metafunc.config, load_registry)
    selected = metafunc.config.getoption("connector")
    manifests = [m for m in registry.select(selected) if spec.applies_to(m.standard)]
    metafunc.parametrize("harness_manifest", manifests, ids=[m.name for m in manifests],
                         scope="function")


def _registry(config: pytest.Config, load: Any) -> Any:
    cached = getattr(config, "_harness_registry", None)
    if cached is None:
        cached = load()
        config._harness_registry = cached  # type: ignore[attr-defined]
    return cached


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from harness.expectations import (
        apply_expectations,
        unknown_known_failures,
        whole_suite_collected,
    )

    for item in items:
        apply_expectations(item)
    scenario = config.getoption("scenario")
    if scenario:
        from harness.expectations import select_scenario

        select_scenario(config, items, scenario)
    # Before -k deselects anything: the items are every check of the collected files.
    if whole_suite_collected(config):
        recorder: Any = config.pluginmanager.get_plugin("harness-results")
        for connector, problems in unknown_known_failures(items).items():
            recorder.add_problems(connector, problems)


def pytest_collection_finish(session: pytest.Session) -> None:
    """A session that collected no hypothesis test (a spot or perp suite run) drops
    hypothesis' pytest plugin: it would import all of hypothesis (and have pytest rewrite
    its modules) at the terminal summary only to report on tests that do not exist."""
    if not any(getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
               for item in session.items):
        plugin = session.config.pluginmanager.get_plugin(HYPOTHESIS_PLUGIN)
        if plugin is not None and "hypothesis" not in sys.modules:
            session.config.pluginmanager.unregister(plugin)


@pytest.fixture
def harness_manifest(request: pytest.FixtureRequest) -> Any:
    """The manifest of the connector this check runs against."""
    return request.param


@pytest.fixture
def subject_plan(request: pytest.FixtureRequest, harness_manifest: Any) -> Any:
    """How to bring up the connector under test (replay of a named cassette, or a double)."""
    from harness.checks import spec_of
    from harness.options import resolve
    from harness.subject import SubjectPlan

    assert isinstance(request.node, pytest.Item)
    command_line = {
        "timeout": request.config.getoption("check_timeout"),
        "record_mode": request.config.getoption("record_mode"),
        "record_upstream": request.config.getoption("record_upstream"),
        "replay_mode": request.config.getoption("replay_mode"),
        "regressions_dir": request.config.getoption("regressions_dir"),
    }
    spec = spec_of(request.node)
    return SubjectPlan(harness_manifest, spec, resolve(harness_manifest, spec, command_line))


@pytest.fixture
def gateway_subject(request: pytest.FixtureRequest, harness_manifest: Any) -> Any:
    """A gateway connector's plan: its client against a cassette replay or the Gateway
    double (harness.gateway.subject.GatewayPlan)."""
    from harness.gateway.subject import GatewayPlan

    return GatewayPlan(harness_manifest, request.config.getoption("record_mode"))


@pytest.fixture
def subject(subject_plan: Any) -> Any:
    """The connector under test, pointed at a replay of the check's cassette (opened in the
    check's own event loop by the plugin)."""
    return subject_plan


@pytest.fixture
def cassette_mock(request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """cassette_mock(path, **options): a cassette served in-process (aioresponses + ws_connect)."""
    from harness.mocks import CassetteMock

    started: list[CassetteMock] = []

    def start(cassette: Any, **options: Any) -> CassetteMock:
        if isinstance(cassette, str | os.PathLike) and not os.path.exists(cassette):
            cassette = request.config.rootpath / cassette  # as written from the project root
        mock = CassetteMock(cassette, **options).start()
        started.append(mock)
        return mock

    yield start
    for mock in reversed(started):
        mock.stop()  # all of them, before any check can raise
    for mock in started:
        mock.check(unused=mock.strict, ws_frames=mock.strict)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run async checks on a fresh event loop, with their deadline and optional reruns."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    funcargs = pyfuncitem.funcargs
    kwargs = {name: funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    plan: Any = kwargs.get("subject_plan") or kwargs.get("subject")
    timeout = plan.options.timeout if plan is not None else 60.0
    reruns = pyfuncitem.config.getoption("harness_reruns")
    attempt = functools.partial(_run_async, pyfuncitem.obj, kwargs, timeout)
    # A check's connector, replay servers and clock share the loop over loopback: its idle
    # waits (deadlines, polls, Retry-After) are skipped. Other async tests keep real time.
    loop_factory = _idle_skipping_loop if plan is not None else None
    from harness.watchdog import CheckBlocked, wall_deadline, watchdog

    for attempt_number in range(reruns + 1):
        try:
            # The loop's own deadline cannot fire while the connector blocks the thread: a
            # watchdog thread stops such a check a little after it, with the stack.
            with watchdog(wall_deadline(timeout), timeout), \
                    asyncio.Runner(loop_factory=loop_factory) as runner:
                runner.run(attempt())
        except CheckBlocked as blocked:
            if attempt_number == reruns:
                raise AssertionError(blocked.report()) from None
            continue
        except (pytest.skip.Exception, KeyboardInterrupt):
            raise
        except BaseException:
            if attempt_number == reruns:
                raise
            continue
        if attempt_number > 0:
            pyfuncitem.stash[FLAKY_KEY] = True
        break
    return True


FLAKY_KEY = pytest.StashKey[bool]()


def _idle_skipping_loop() -> asyncio.AbstractEventLoop:
    from harness.idle_time import IdleSkippingLoop

    return IdleSkippingLoop()


async def _run_async(function: Any, kwargs: dict[str, Any], timeout: float) -> None:
    from harness.subject import SubjectPlan

    async def body() -> None:
        plan = kwargs.get("subject")
        if isinstance(plan, SubjectPlan):
            async with plan.replay() as live:
                await function(**{**kwargs, "subject": live})
        else:
            await function(**kwargs)

    try:
        async with asyncio.timeout(timeout):
            await body()
    except TimeoutError:
        raise AssertionError(
            f"check did not finish within its {timeout} s deadline (a hanging connector "
            "fails the check, never the run; raise it with --check-timeout)") from None
