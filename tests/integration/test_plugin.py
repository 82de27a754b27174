"""The pytest plugin: loaded through its entry point, cheap to import, and recording what each
check did against each connector (pass, fail, skip with reason, known failure, deadline,
reruns) into the raw results every reporter reads."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import hypothesis  # noqa: F401  (imported once here: in-process runs would re-import it, 1 s each)
import pytest

from harness.registry import EXTRA_ROOTS_ENV
from harness.results import CheckResult, Expectation, Outcome, read_raw

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
CONNECTORS = ROOT / "tests" / "fixtures" / "connectors"


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "harness"]
    assert [ep.value for ep in found] == ["harness_pytest"]
    assert found[0].load().pytest_plugins == ["harness.plugin"]


def test_pytest_rewrites_the_plugin_not_the_whole_harness_package(tmp_path: Path) -> None:
    """The entry point's module is outside harness/, so pytest marks only it and the plugin
    for assertion rewriting, not the ~80 library modules of harness/ (parsed and rewritten at
    every start when the entry point named harness.plugin). Run as the bench runs the suite."""
    (tmp_path / "rewrite_probe.py").write_text(textwrap.dedent("""
        import sys
        def pytest_sessionfinish(session):
            print("REWRITTEN", sorted(
                name for name, module in list(sys.modules.items())
                if name.startswith(("harness", "suites")) and
                type(getattr(module, "__loader__", None)).__name__ == "AssertionRewritingHook"))
    """))
    out = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "suites.spot",
                          "--connector", "binance", "-k", "SPOT-SYM-1", "-q", "-s",
                          "-p", "no:cacheprovider", "-p", "rewrite_probe"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)})
    rewritten = out.stdout.split("REWRITTEN", 1)[-1]
    assert "'suites.spot.test_symbols'" in rewritten, out.stdout[-2000:]  # the checks are
    assert "'harness.subject'" not in rewritten, rewritten


def test_a_session_without_hypothesis_tests_never_imports_hypothesis(tmp_path: Path) -> None:
    """hypothesis' own plugin would import it at the terminal summary (about 0.4 s of every
    spot-suite run); with a hypothesis test collected, the plugin stays."""
    code = textwrap.dedent("""
        import sys, pytest
        class Probe:
            def pytest_sessionfinish(self, session):
                print("KEPT" if session.config.pluginmanager.get_plugin("hypothesispytest")
                      else "DROPPED")
        code = pytest.main(sys.argv[1:] + ["-q", "-p", "no:cacheprovider"], plugins=[Probe()])
        print("hypothesis " + ("imported" if "hypothesis" in sys.modules else "absent"), code)
    """)
    script = tmp_path / "probe.py"
    script.write_text(code)
    spot = subprocess.run([sys.executable, str(script), "--pyargs", "suites.spot", "--connector",
                           "binance", "-k", "SPOT-SYM-1"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert "DROPPED" in spot.stdout and "hypothesis absent 0" in spot.stdout, spot.stdout[-2000:]
    given = subprocess.run([sys.executable, str(script), str(ROOT / "tests" / "unit" / "standard"
                                                             / "test_rules.py")],
                           capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "KEPT" in given.stdout and "hypothesis imported 0" in given.stdout, \
        given.stdout[-2000:]


def test_importing_the_plugin_loads_no_heavy_module() -> None:
    heavy = ("aiohttp", "hypothesis", "websockets", "vcr", "yaml", "allure")
    code = ("import sys, harness.plugin; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout


def test_pytest_help_shows_the_plugin_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help", "-p", "no:cacheprovider")
    assert result.ret == 0
    text = result.stdout.str()
    assert "connector-harness conformance checks:" in text
    for option in ("--connector=NAME", "--check-timeout=SECONDS", "--record-mode",
                   "--record-upstream=ENV", "--harness-raw=PATH", "--harness-reruns=N"):
        assert option in text, option


def test_the_check_marker_is_declared(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.harness_check(spec): a conformance check*"])


TODAY = dt.date.today()
MANIFEST = f"""\
name = "plugtoy"
standard = "spot"
connector = "tests.fixtures.fake_exchange.connector:FakeExchange"
pairs = ["BTC-USDT"]
order_types = ["LIMIT"]
capabilities = ["user_stream"]

[urls.production]
rest = "https://api.plugtoy.example"

[[known_failures]]
check = "PROP-PLUGIN-5"
reason = "still broken upstream"
link = "https://example.invalid/5"
expires = {TODAY + dt.timedelta(days=30)}

[[known_failures]]
check = "PROP-PLUGIN-6"
reason = "was broken"
link = "https://example.invalid/6"
expires = {TODAY + dt.timedelta(days=30)}

[[known_failures]]
check = "PROP-PLUGIN-7"
reason = "broken for too long"
link = "https://example.invalid/7"
expires = {TODAY - dt.timedelta(days=1)}
"""

CHECKS = '''
import asyncio

import pytest

from harness.checks import check
from harness.standard.enums import OrderType

ATTEMPTS = []


@check("PROP-PLUGIN-1", "passes", area="plugin")
def test_passes(harness_manifest):
    assert harness_manifest.name == "plugtoy"


@check("PROP-PLUGIN-2", "fails", area="plugin")
def test_fails(harness_manifest):
    assert 1 == 2, "expected 1 order, got 2"


@check("PROP-PLUGIN-3", "needs positions", area="plugin", requires=["positions"])
def test_needs_a_capability(harness_manifest):
    raise AssertionError("must not run")


@check("PROP-PLUGIN-4", "needs maker", area="plugin", order_types=[OrderType.LIMIT_MAKER])
def test_needs_an_order_type(harness_manifest):
    raise AssertionError("must not run")


@check("PROP-PLUGIN-5", "known failure", area="plugin")
def test_known_failure(harness_manifest):
    assert False, "still broken"


@check("PROP-PLUGIN-6", "known failure now fixed", area="plugin")
def test_known_failure_fixed(harness_manifest):
    pass


@check("PROP-PLUGIN-7", "expired known failure", area="plugin")
def test_expired_known_failure(harness_manifest):
    assert False, "broken for too long"


@check("PERP-PLUGIN-8", "perpetual only", area="plugin", standard="perpetual")
def test_perpetual_only(harness_manifest):
    raise AssertionError("must not run on a spot connector")


@pytest.fixture
def exploding_setup():
    raise RuntimeError("setup exploded")


@pytest.fixture
def exploding_teardown():
    yield
    raise RuntimeError("teardown exploded")


@check("PROP-PLUGIN-9", "setup error", area="plugin")
def test_setup_error(harness_manifest, exploding_setup):
    pass


@check("PROP-PLUGIN-10", "teardown error", area="plugin")
def test_teardown_error(harness_manifest, exploding_teardown):
    pass


@check("PROP-PLUGIN-11", "hangs", area="plugin", timeout=0.2)
async def test_hangs(subject_plan):
    await asyncio.sleep(30)


@check("PROP-PLUGIN-12", "flaky", area="plugin")
async def test_flaky(harness_manifest):
    ATTEMPTS.append(1)
    assert len(ATTEMPTS) > 1, "first attempt fails"


@check("PROP-PLUGIN-13", "async with its plan", area="plugin")
async def test_async_plan(subject_plan):
    assert subject_plan.manifest.name == "plugtoy"
    assert subject_plan.spec.check_id == "PROP-PLUGIN-13"
    assert subject_plan.options.record_mode == "once"
    await asyncio.sleep(0)


@check("PROP-PLUGIN-14", "skips itself", area="plugin")
async def test_async_skip(harness_manifest):
    pytest.skip("the venue is closed on Sundays")


def test_plain_sync():
    pass


async def test_plain_async():
    await asyncio.sleep(0)
'''


@pytest.fixture
def plugin_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[pytest.RunResult, dict[str, CheckResult], Path]:
    roots = pytester.path / "roots"
    (roots / "plugtoy").mkdir(parents=True)
    (roots / "plugtoy" / "connector.toml").write_text(MANIFEST)
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(roots))
    # As when this test runs under xdist: the inner session inherits the variable but is no
    # xdist worker, and must still write its results (it used to write nothing).
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw9")
    pytester.makepyfile(test_plugin_checks=CHECKS)
    raw = pytester.path / "raw.json"
    result = pytester.runpytest("--connector", "plugtoy", "--harness-raw", str(raw),
                                "--harness-reruns", "1", "--record-mode", "once",
                                "-p", "no:randomly", "-rA")
    (run,) = read_raw(raw)
    return result, {r.check_id: r for r in run.results}, raw


def test_each_check_outcome_is_recorded_with_its_expectation(
        plugin_run: tuple[pytest.RunResult, dict[str, CheckResult], Path]) -> None:
    result, found, _ = plugin_run
    assert sorted(found, key=lambda c: int(c.split("-")[-1])) == [
        f"PROP-PLUGIN-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14)]
    expected = {
        "PROP-PLUGIN-1": (Outcome.PASS, Expectation.PASS, False),
        "PROP-PLUGIN-2": (Outcome.FAIL, Expectation.PASS, True),
        "PROP-PLUGIN-3": (Outcome.SKIP, Expectation.SKIP, False),
        "PROP-PLUGIN-4": (Outcome.SKIP, Expectation.SKIP, False),
        "PROP-PLUGIN-5": (Outcome.FAIL, Expectation.FAIL, False),
        "PROP-PLUGIN-6": (Outcome.PASS, Expectation.FAIL, True),
        "PROP-PLUGIN-7": (Outcome.FAIL, Expectation.PASS, True),
        "PROP-PLUGIN-9": (Outcome.ERROR, Expectation.PASS, True),
        "PROP-PLUGIN-10": (Outcome.ERROR, Expectation.PASS, True),
        "PROP-PLUGIN-11": (Outcome.FAIL, Expectation.PASS, True),
        "PROP-PLUGIN-12": (Outcome.PASS, Expectation.PASS, False),
        "PROP-PLUGIN-13": (Outcome.PASS, Expectation.PASS, False),
        "PROP-PLUGIN-14": (Outcome.SKIP, Expectation.SKIP, False),
    }
    actual = {cid: (r.outcome, r.expected, r.unexpected) for cid, r in found.items()}
    assert actual == expected
    assert all(r.connector == "plugtoy" and r.area == "plugin" for r in found.values())
    result.assert_outcomes(passed=6, failed=4, skipped=4, xfailed=1, errors=2)
    assert "PytestUnknownMarkWarning" not in result.stdout.str()


def test_messages_say_what_happened(
        plugin_run: tuple[pytest.RunResult, dict[str, CheckResult], Path]) -> None:
    _, found, _ = plugin_run
    assert "expected 1 order, got 2" in found["PROP-PLUGIN-2"].message
    assert found["PROP-PLUGIN-3"].message == "plugtoy declares no positions capability"
    assert found["PROP-PLUGIN-4"].message == "plugtoy declares no LIMIT_MAKER order type"
    assert found["PROP-PLUGIN-5"].message.startswith("known failure until ")
    assert "still broken upstream (https://example.invalid/5)" in found["PROP-PLUGIN-5"].message
    # A known failure that passes is an unexpected pass (strict xfail), not a new failure.
    assert found["PROP-PLUGIN-6"].message.startswith("[XPASS(strict)] known failure until")
    assert found["PROP-PLUGIN-7"].message.startswith(
        f"known failure expired on {TODAY - dt.timedelta(days=1)}: broken for too long")
    assert found["PROP-PLUGIN-14"].message == "the venue is closed on Sundays"
    assert "setup exploded" in found["PROP-PLUGIN-9"].message
    assert "teardown exploded" in found["PROP-PLUGIN-10"].message
    assert "did not finish within its 0.2 s deadline" in found["PROP-PLUGIN-11"].message
    assert found["PROP-PLUGIN-1"].message == ""


def test_known_failures_flaky_reruns_and_reproduction_are_recorded(
        plugin_run: tuple[pytest.RunResult, dict[str, CheckResult], Path]) -> None:
    _, found, raw = plugin_run
    five, seven = found["PROP-PLUGIN-5"].known_failure, found["PROP-PLUGIN-7"].known_failure
    assert five is not None and not five.expired and five.link == "https://example.invalid/5"
    assert seven is not None and seven.expired
    assert found["PROP-PLUGIN-1"].known_failure is None
    assert found["PROP-PLUGIN-12"].flaky and not found["PROP-PLUGIN-13"].flaky
    assert found["PROP-PLUGIN-2"].reproduce == (
        "pytest 'test_plugin_checks.py::test_fails[plugtoy]' --connector plugtoy")
    # A check's deadline is on its loop's clock, which skips idle waits: a connector that
    # hangs fails its check (every attempt) without costing the deadline in wall time.
    assert found["PROP-PLUGIN-11"].duration < 0.2 * 2
    data = json.loads(raw.read_text())
    assert data[0]["connector"] == "plugtoy"
    assert {r["check_id"]: r["unexpected"] for r in data[0]["results"]}["PROP-PLUGIN-6"]


def test_checks_run_only_for_the_selected_connectors(pytester: pytest.Pytester,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(CONNECTORS))
    pytester.makepyfile(test_select=textwrap.dedent('''
        from harness.checks import check

        @check("PROP-PLUGIN-20", "parametrized", area="plugin")
        def test_each(harness_manifest):
            pass
    '''))
    result = pytester.runpytest("--connector", "hanging", "--connector", "fake_exchange",
                                "--co", "-q")
    result.stdout.fnmatch_lines(["test_select.py::test_each[hanging]",
                                 "test_select.py::test_each[fake_exchange]"])
    assert "broken_import" not in result.stdout.str()
    unknown = pytester.runpytest("--connector", "nope", "--co", "-q")
    assert unknown.ret != 0
    assert "unknown connector 'nope'" in unknown.stdout.str() + unknown.stderr.str()


def test_no_raw_results_are_written_unless_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_x():\n    pass\n")
    assert pytester.runpytest().ret == 0
    assert not list(pytester.path.glob("*.json"))
