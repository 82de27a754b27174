"""Misconfiguration a user can make is reported, naming file and field, never silently passed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness import worker
from harness.registry import EXTRA_ROOTS_ENV
from harness.results import read_raw
from harness.status import Status, compute_status

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "cassette"))
from cassette_samples import sample_doc  # noqa: E402

API_KEY = "Ab12" + "xY9zQ3wE5rT7uI1oP4aS6dF8gH0jK2lZ" * 2
API_KEY = API_KEY[:64]
FAKE = ROOT / "tests" / "fixtures" / "connectors" / "fake_exchange" / "connector.toml"

KNOWN_FAILURES = """
[[known_failures]]
check = "SPOT-ORD-1"
reason = "a real check id"
link = "https://example.invalid/1"
expires = 2099-01-31

[[known_failures]]
check = "SPOT-ORD-99"
reason = "no such check"
link = "https://example.invalid/2"
expires = 2099-01-31
"""


@pytest.fixture
def toy_with_known_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HARNESS_CONNECTOR_PATH with `kf_toy`: the fake exchange with two known failures, one of
    them naming a check that does not exist."""
    toy = tmp_path / "extra" / "kf_toy"
    toy.mkdir(parents=True)
    text = FAKE.read_text().replace('name = "fake_exchange"', 'name = "kf_toy"')
    (toy / "connector.toml").write_text(text + KNOWN_FAILURES)
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(tmp_path / "extra"))
    return toy / "connector.toml"


def test_a_known_failure_naming_no_check_makes_the_connector_red(
        toy_with_known_failures: Path, tmp_path: Path) -> None:
    raw = tmp_path / "kf.json"
    # -k selects one check: the rest is deselected, yet the id is judged against all of them.
    worker.main(["kf_toy", str(raw), "--no-coverage", "--check-timeout", "5",
                 "--", "-k", "SPOT-SYM-1", "-p", "no:randomly"])
    (run,) = read_raw(raw)
    assert run.problems == [
        f"{toy_with_known_failures}: known_failures[1].check: SPOT-ORD-99 is no check of the "
        "spot standard; did you mean SPOT-ORD-9?"]
    status = compute_status(run)
    assert status.status is Status.RED
    assert status.reasons[0] == run.problems[0]


def test_pytest_fails_a_session_whose_known_failure_names_no_check(
        toy_with_known_failures: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "suites"), "--connector",
                             "kf_toy", "-k", "SPOT-SYM-1", "-p", "no:randomly", "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("harness: " f"{toy_with_known_failures}: known_failures[1].check: SPOT-ORD-99 is no "
            "check of the spot standard") in result.stdout


def test_a_secret_in_a_cassette_makes_its_connector_red_naming_file_and_place(
        toy_with_known_failures: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cassettes" / "kf_toy"  # cassettes/<exchange>/ beside the connectors
    folder.mkdir(parents=True)
    leaky = folder / "leaky.yaml"
    doc = sample_doc()
    doc["meta"].update(connector="kf_toy", scenario="leaky")
    doc["http"]["interactions"][1]["request"]["headers"]["X-MBX-APIKEY"] = [API_KEY]
    leaky.write_text(yaml.safe_dump(doc, sort_keys=False))
    raw = tmp_path / "kf.json"
    worker.main(["kf_toy", str(raw), "--no-coverage", "--", "-k", "SPOT-SYM-1"])
    (run,) = read_raw(raw)
    secret = [p for p in run.problems if p.startswith("secret in a cassette: ")]
    assert secret == [f"secret in a cassette: {leaky}:http.interactions[1].request.headers."
                      "X-MBX-APIKEY[0]: X-MBX-APIKEY=Ab12...(64 chars) is not scrubbed; "
                      "replace the value with SCRUBBED"]
    status = compute_status(run)
    assert status.status is Status.RED and secret[0] in status.reasons


def test_a_response_that_is_not_json_fails_with_the_connector_s_logged_cause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    original = (ROOT / "cassettes" / "binance" / "place_limit_buy.yaml").read_text()
    assert original.count('"symbol":"BTCUSDT","orderId":28') == 1
    (cassettes / "place_limit_buy.yaml").write_text(
        original.replace('"symbol":"BTCUSDT","orderId":28', '"symbol":"BTCUSDT" oops,"orderId":28'))
    connector = tmp_path / "extra" / "garbled"
    connector.mkdir(parents=True)
    manifest = (ROOT / "connectors" / "binance" / "connector.toml").read_text()
    manifest = manifest.replace('name = "binance"', 'name = "garbled"').replace(
        "[cassettes]\n", f'[cassettes]\nroot = "{cassettes}"\n')
    (connector / "connector.toml").write_text(manifest)
    monkeypatch.setenv(EXTRA_ROOTS_ENV, str(tmp_path / "extra"))
    raw = tmp_path / "garbled.json"
    worker.main(["garbled", str(raw), "--no-coverage", "--", "--scenario", "place_limit_buy"])
    (run,) = read_raw(raw)
    (result,) = run.results
    first = result.message.splitlines()[0]
    assert first.startswith("expected one OrderCreated, got: (no events) (logged: "), first
    assert "POST /api/v3/order: HTTP 200 response is not valid JSON (Expecting" in first
    reason = compute_status(run).reasons[0]
    assert reason.startswith("SPOT-ORD-1 failed unexpectedly: expected one OrderCreated")
    assert "not valid JSON" in reason and "harness." not in reason


def test_a_partial_run_has_no_coverage_gate_and_leaves_the_published_reports(
        toy_with_known_failures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    from harness.cli import main

    out = tmp_path / "reports"
    out.mkdir()
    (out / "status.json").write_text("the last complete run")
    code = main(["run", "--connector", "kf_toy", "--out", str(out), "--",
                 "-k", "SPOT-SYM-1", "-p", "no:randomly"])
    printed = capsys.readouterr().out
    assert (out / "status.json").read_text() == "the last complete run"
    assert not (out / "badges").exists() and not (out / "history.jsonl").exists()
    status = json.loads((out / "partial" / "status.json").read_text())
    assert status["run"]["complete"] is False
    toy = status["connectors"]["kf_toy"]
    assert [c["check_id"] for c in toy["checks"]] == ["SPOT-SYM-1"]
    assert not any(reason.startswith("coverage") for reason in toy["reasons"]), toy["reasons"]
    assert "partial run: only the selected checks ran; coverage and scenarios not judged" \
        in toy["reasons"]
    assert "partial run (-k SPOT-SYM-1 -p no:randomly)" in printed
    assert "gate:" not in printed
    # Red only for the known failure naming no check (the fixture's), never for coverage.
    assert code == 1 and toy["status"] == "red"


def test_an_own_test_module_that_cannot_be_imported_is_red_and_the_checks_still_run(
        toy_with_known_failures: Path, tmp_path: Path) -> None:
    own_tests = toy_with_known_failures.parent / "tests"
    own_tests.mkdir()
    (own_tests / "test_needs_a_library.py").write_text(
        "import a_library_nobody_installed  # noqa: F401\n\n\ndef test_x() -> None:\n"
        "    pass\n")
    raw = tmp_path / "kf.json"
    worker.main(["kf_toy", str(raw), "--no-coverage", "--check-timeout", "5",
                 "--", "-k", "SPOT-SYM-1 or test_x", "-p", "no:randomly"])
    (run,) = read_raw(raw)
    assert [result.check_id for result in run.results] == ["SPOT-SYM-1"]  # it still ran
    (problem,) = [p for p in run.problems if "could not be collected" in p]
    assert "test_needs_a_library.py could not be collected" in problem
    assert "No module named 'a_library_nobody_installed'" in problem
    assert "install what it imports" in problem
    assert compute_status(run).status is Status.RED
