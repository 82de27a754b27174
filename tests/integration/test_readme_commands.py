"""README.md's two commands stay true: .ci/run runs exactly the README's test command, and
the main-job command runs `harness run`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    commands = []
    for block in blocks[:2]:
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        commands.append(lines[0])
    return commands


def test_readme_opens_with_the_two_set_up_commands() -> None:
    main_job, tests = readme_commands()
    assert main_job.startswith("python3 -m venv .venv") and main_job.endswith("harness run")
    assert tests.startswith("python3 -m venv .venv") and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, tests = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines, ".ci/run must contain the README's test command verbatim"


def test_ci_installs_hummingbot_before_the_test_command() -> None:
    # hummingbot_binance's checks run on every submission: its setup step comes first.
    _, tests = readme_commands()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup = script.index(".venv/bin/harness install hummingbot")
    assert "# --- setup:" in script[:setup] and setup < script.index(tests)


def test_the_pull_request_workflow_runs_the_same_test_command() -> None:
    _, tests = readme_commands()
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert tests in workflow
    assert "ruff check" in workflow and "mypy harness" in workflow


def test_tox_has_the_required_environments() -> None:
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert re.search(r"envlist\s*=\s*py311,\s*py312,\s*lint,\s*type", tox)


def _ci_script_with_test_command(tmp_path: Path, stand_in: str) -> Path:
    """A copy of .ci/run in which the README's test command is replaced by `stand_in`."""
    _, tests = readme_commands()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in script
    # The setup (a venv and Hummingbot's install) is not what these tests are about.
    script = re.sub(r"# --- setup:.*?# --- end of setup ---\n", "", script, flags=re.S)
    copy = tmp_path / ".ci" / "run"
    copy.parent.mkdir()
    copy.write_text(script.replace(tests, stand_in), encoding="utf-8")
    # A chromium on PATH keeps the copy from trying to install one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "chromium").chmod(0o755)
    return copy


def _run_script(script: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # As on a developer's machine: CI unset (the script must set it itself).
    env = {name: value for name, value in os.environ.items() if name != "CI"}
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                          timeout=30, check=False)


def test_ci_fails_a_run_that_collected_no_tests(tmp_path: Path) -> None:
    # pytest's exit 5 ("no tests collected") means nothing was judged: CI must not pass it.
    script = _ci_script_with_test_command(tmp_path, "(exit 5)")
    result = _run_script(script, tmp_path)
    assert result.returncode == 5, result.stdout + result.stderr
    assert "collected no tests" in result.stderr


def test_ci_passes_a_run_whose_tests_pass_and_sets_ci(tmp_path: Path) -> None:
    script = _ci_script_with_test_command(tmp_path, 'test "$CI" = 1')
    result = _run_script(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
