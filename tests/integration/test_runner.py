"""`harness run`, the runner and the worker: each connector in its own process, so one that
cannot be imported or hangs is reported red with its reason and the others still complete."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from harness import worker
from harness.cli import main
from harness.registry import EXTRA_ROOTS_ENV, load_registry
from harness.results import Outcome, read_raw
from harness.runner import RunPlan, run_connectors
from harness.status import Status, compute_status

ROOT = Path(__file__).resolve().parents[2]
CONNECTORS = ROOT / "tests" / "fixtures" / "connectors"
IMPORT_ERROR = "the toyexchange-sdk package is not installed (broken on purpose)"

OWN_CHECK = '''
from harness.checks import check


@check("PROP-RUNNERTOY-1", "the toy connector's own check", area="runner")
def test_runner_toy_own_check(harness_manifest):
    assert harness_manifest.name == "runner_toy"
'''


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HARNESS_CONNECTOR_PATH: the fixture connectors, plus `runner_toy` (the toy connector
    with one check of its own in its tests/ folder, as a connector may ship)."""
    extra = tmp_path / "extra"
    toy = extra / "runner_toy"
    (toy / "tests").mkdir(parents=True)
    manifest = (CONNECTORS / "fake_exchange" / "connector.toml").read_text()
    (toy / "connector.toml").write_text(manifest.replace('name = "fake_exchange"',
                                                         'name = "runner_toy"'))
    (toy / "tests" / "test_runner_toy_own.py").write_text(textwrap.dedent(OWN_CHECK))
    (extra / "bad_manifest").mkdir()
    (extra / "bad_manifest" / "connector.toml").write_text('name = "bad_manifest"\n')
    monkeypatch.setenv(EXTRA_ROOTS_ENV, os.pathsep.join([str(CONNECTORS), str(extra)]))
    return extra


def test_harness_run_reports_an_unimportable_connector_red_and_completes_the_others(
        roots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code = main(["run", "--connector", "runner_toy", "--connector", "broken_import",
                 "--out", str(out), "--jobs", "2", "--connector-timeout", "120",
                 "--check-timeout", "5", "--", "-k", "runner_toy_own", "-p", "no:randomly"])
    printed = capsys.readouterr().out
    assert code == 1, printed
    # `-k` makes it a partial run: its reports go to <out>/partial/.
    out = out / "partial"
    status = json.loads((out / "status.json").read_text())
    broken = status["connectors"]["broken_import"]
    toy = status["connectors"]["runner_toy"]
    assert broken["status"] == "red"
    assert IMPORT_ERROR in broken["load_error"]
    assert broken["reasons"][0].startswith("could not load: ")
    assert toy["load_error"] == "" and toy["status"] != "red", toy["reasons"]
    assert [(c["check_id"], c["outcome"]) for c in toy["checks"]] == \
        [("PROP-RUNNERTOY-1", "pass")]
    # The status lines, not the progress lines ("runner_toy: running") printed before them.
    lines = [line for line in printed.splitlines() if line.startswith(("broken_import", "runner"))
             and not line.split()[0].endswith(":")]
    assert len(lines) == 2
    assert "RED" in lines[0] and "could not load" in lines[0]
    assert "1/1 passed" in lines[1]
    # The bad manifest is reported, one line, and fails the run without stopping it.
    assert f"manifest error: {roots / 'bad_manifest' / 'connector.toml'}: standard: missing" \
        in printed
    assert status["gate_failures"][0].startswith(str(roots / "bad_manifest"))
    for name in ("broken_import", "runner_toy"):
        assert (out / "raw" / f"{name}.json").is_file()
        assert (out / "logs" / f"{name}.log").is_file()
    assert (out / "junit.xml").is_file() and (out / "summary.md").is_file()


def test_a_hanging_connector_is_stopped_and_reported_with_its_reason(
        roots: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    plan = RunPlan(connectors=["hanging", "broken_import"], out=tmp_path / "out", jobs=2,
                   connector_timeout=3.0)
    outcome = run_connectors(plan, lambda name, state: seen.append((name, state)))
    assert outcome.complete
    hanging, broken = outcome.runs
    assert hanging.connector == "hanging" and hanging.incomplete
    assert hanging.load_error.startswith("its checks did not finish within 3 s and were "
                                         "stopped; see ")
    assert hanging.load_error.endswith("hanging.log")
    assert broken.connector == "broken_import" and not broken.incomplete
    assert IMPORT_ERROR in broken.load_error
    assert sorted(seen) == sorted([("hanging", "running"), ("hanging", "done"),
                                   ("broken_import", "running"), ("broken_import", "done")])


def test_a_worker_that_crashes_is_reported_with_its_exit_code(roots: Path,
                                                               tmp_path: Path) -> None:
    # The worker cannot find the connector the runner asked for (its registry differs):
    # it dies before writing any result.
    plan = RunPlan(connectors=["broken_import"], out=tmp_path / "out",
                   extra_env={EXTRA_ROOTS_ENV: ""})
    (run,) = run_connectors(plan, registry=load_registry(CONNECTORS, eps=[])).runs
    assert run.load_error.startswith("the worker exited with code 1 after ")
    assert "without results; see " in run.load_error
    log = (tmp_path / "out" / "logs" / "broken_import.log").read_text()
    assert "unknown connector 'broken_import'" in log


def test_run_changed_since_with_no_change_runs_nothing(
        roots: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["run", "--changed-since", "HEAD", "--out", str(tmp_path / "out")]) == 0
    assert "connectors touched since HEAD: none" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_an_interrupted_run_marks_what_did_not_run_incomplete(roots: Path,
                                                              tmp_path: Path) -> None:
    def progress(name: str, state: str) -> None:
        if (name, state) == ("hanging", "running"):
            raise KeyboardInterrupt

    registry = load_registry(CONNECTORS, eps=[])
    plan = RunPlan(connectors=["broken_import", "hanging"], out=tmp_path / "out", jobs=1)
    outcome = run_connectors(plan, progress, registry=registry)
    assert not outcome.complete
    broken, hanging = outcome.runs
    assert IMPORT_ERROR in broken.load_error and not broken.incomplete
    assert not broken.interrupted
    # Interrupted, not failed: no load error, no result, nothing red about it.
    assert hanging.interrupted and not hanging.incomplete and hanging.load_error == ""
    assert compute_status(hanging).reasons[0] == "interrupted before any of its checks finished"
    assert compute_status(hanging).status is Status.YELLOW
    # Manifest problems travel with the outcome, interrupted or not.
    assert [e.split(": ")[1] for e in outcome.registry_errors] == \
        ["standard", "connector", "pairs", "urls.production"]


def test_the_worker_records_a_load_error_without_running_checks(roots: Path,
                                                               tmp_path: Path) -> None:
    raw = tmp_path / "broken.json"
    assert worker.main(["broken_import", str(raw), "--no-coverage"]) == 2
    (run,) = read_raw(raw)
    assert run.connector == "broken_import" and run.standard == "spot"
    assert run.load_error.startswith(f"{CONNECTORS / 'broken_import' / 'connector.toml'}: "
                                     "connector: cannot import ")
    assert run.results == [] and run.coverage is None


def test_the_worker_runs_the_connector_checks_and_writes_its_results(
        roots: Path, tmp_path: Path) -> None:
    raw = tmp_path / "toy.json"
    code = worker.main(["runner_toy", str(raw), "--check-timeout", "5",
                        "--alluredir", str(tmp_path / "allure"),
                        "--", "-k", "runner_toy_own", "-p", "no:randomly"])
    assert code == 0
    (run,) = read_raw(raw)
    assert run.load_error == ""
    assert [(r.check_id, r.outcome) for r in run.results] == \
        [("PROP-RUNNERTOY-1", Outcome.PASS)]
    assert list((tmp_path / "allure").glob("*-result.json"))


def test_the_worker_refuses_an_unknown_connector(roots: Path, tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown connector 'nope'"):
        worker.main(["nope", str(tmp_path / "x.json")])
