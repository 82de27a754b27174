"""A check whose connector blocks its thread is stopped at its own deadline by the watchdog,
reported as a timeout with its check id and where it blocked; the other checks still run."""

from __future__ import annotations

import json
import signal
import textwrap
import threading
import time
from pathlib import Path

import pytest

from harness.cli import main
from harness.registry import EXTRA_ROOTS_ENV
from harness.runner import RunPlan, run_connectors
from harness.status import Status, compute_status
from harness.watchdog import CheckBlocked, wall_deadline, watchdog

ROOT = Path(__file__).resolve().parents[2]
FAKE = ROOT / "tests" / "fixtures" / "connectors" / "fake_exchange" / "connector.toml"

CHECKS = '''
import socket
import time

from harness.checks import check


def blocking_sdk_call(seconds):
    # What a synchronous SDK inside an async connector does.
    time.sleep(seconds)


@check("PROP-BLOCKTOY-1", "a connector that sleeps on the loop's thread", area="runner")
async def test_blocking_toy_sleeps(subject_plan):
    blocking_sdk_call(60)


@check("PROP-BLOCKTOY-2", "a connector that waits on a blocking socket", area="runner")
async def test_blocking_toy_reads_a_socket(subject_plan):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            client.recv(1)  # nothing will ever come


@check("PROP-BLOCKTOY-3", "a connector that swallows every exception while it spins",
       area="runner")
async def test_blocking_toy_spins(subject_plan):
    while True:
        try:
            sum(range(1000))
        except Exception:
            pass


@check("PROP-BLOCKTOY-4", "a well-behaved check after them", area="runner")
async def test_blocking_toy_behaves(subject_plan):
    assert subject_plan.manifest.name == "blocking_toy"
'''


FIRST = '''
from harness.checks import check


@check("PROP-BLOCKTOY-5", "a check that passes before the others", area="runner")
async def test_blocking_toy_first(subject_plan):
    pass
'''


@pytest.fixture
def blocking_toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    toy = tmp_path / "extra" / "blocking_toy"
    (toy / "tests").mkdir(parents=True)
    (toy / "connector.toml").write_text(
        FAKE.read_text().replace('name = "fake_exchange"', 'name = "blocking_toy"'))
    (toy / "tests" / "test_blocking_toy.py").write_text(textwrap.dedent(CHECKS))
    (toy / "tests" / "test_a_first.py").write_text(textwrap.dedent(FIRST))
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(tmp_path / "extra"))
    return toy


def test_blocking_checks_time_out_with_their_stack_and_the_others_still_run(
        blocking_toy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    began = time.monotonic()
    code = main(["run", "--connector", "blocking_toy", "--out", str(out), "--check-timeout", "1",
                 "--", "-k", "BLOCKTOY", "-p", "no:randomly"])
    elapsed = time.monotonic() - began
    capsys.readouterr()
    status = json.loads((out / "partial" / "status.json").read_text())
    toy = status["connectors"]["blocking_toy"]
    assert toy["load_error"] == ""
    outcomes = {c["check_id"]: (c["outcome"], c["message"]) for c in toy["checks"]}
    assert sorted(outcomes) == [f"PROP-BLOCKTOY-{n}" for n in (1, 2, 3, 4, 5)]
    assert outcomes["PROP-BLOCKTOY-4"] == ("pass", "")
    for check_id, where in (("PROP-BLOCKTOY-1", "in blocking_sdk_call (time.sleep(seconds))"),
                            ("PROP-BLOCKTOY-2", "in test_blocking_toy_reads_a_socket"),
                            ("PROP-BLOCKTOY-3", "in test_blocking_toy_spins")):
        outcome, message = outcomes[check_id]
        first, *rest = message.splitlines()
        assert outcome == "fail"
        assert first.startswith("timed out: blocked its thread past its 1 s deadline and was "
                                "stopped by the watchdog after 2.5 s at "), first
        assert where in first, first
        assert "Stack of the blocked thread (innermost last):" in rest
        assert any("test_blocking_toy.py" in line for line in rest)
    assert any(r.startswith("PROP-BLOCKTOY-1 failed unexpectedly: timed out: ")
               for r in toy["reasons"])
    assert code == 1
    assert elapsed < 60, "each blocked check stops at its deadline, not at the connector's"


def test_a_stopped_worker_keeps_the_results_it_finished(blocking_toy: Path,
                                                        tmp_path: Path) -> None:
    # The watchdog would fire only after 151 s: the connector timeout stops the worker first.
    plan = RunPlan(connectors=["blocking_toy"], out=tmp_path / "out", check_timeout=100,
                   connector_timeout=8, pytest_args=["-k", "BLOCKTOY-5 or BLOCKTOY-1"])
    seen: list[str] = []
    (run,) = run_connectors(plan, lambda name, state: seen.append(state)).runs
    assert [(r.check_id, r.outcome.value) for r in run.results] == [("PROP-BLOCKTOY-5", "pass")]
    # Progress while it ran, read from the results the worker writes after every check.
    assert seen[0] == "running" and "1/2 checks, 0 failed" in seen and seen[-1] == "done"
    assert run.incomplete and run.load_error == ""
    assert run.problems[-1].startswith("its checks did not finish within 8 s and were stopped")
    assert compute_status(run).status is Status.RED


def test_the_watchdog_leaves_a_block_that_finishes_in_time_alone() -> None:
    with watchdog(5.0):
        time.sleep(0.01)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_the_watchdog_interrupts_the_main_thread_and_says_where() -> None:
    with pytest.raises(CheckBlocked) as caught, watchdog(0.2):
        time.sleep(30)
    assert "test_watchdog.py" in caught.value.where()
    assert caught.value.report().splitlines()[0] == caught.value.summary()


def test_the_watchdog_does_not_watch_other_threads() -> None:
    done: list[bool] = []

    def work() -> None:
        with watchdog(0.01):
            time.sleep(0.1)
        done.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert done == [True]


def test_the_wall_deadline_is_later_than_the_check_deadline() -> None:
    assert wall_deadline(1) == 2.5 and wall_deadline(10) > 10


def test_one_watchdog_thread_serves_every_check() -> None:
    def watchers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "check watchdog"]

    with watchdog(5.0):
        first = watchers()
    with watchdog(5.0):
        second = watchers()
    assert len(first) == 1 and second == first, (first, second)
    with pytest.raises(CheckBlocked), watchdog(0.2):  # and the same thread still fires
        time.sleep(30)
    assert watchers() == first
