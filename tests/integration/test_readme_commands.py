"""README.md's two commands stay true: .ci/run runs exactly the README's test command, and
the main-job command runs `harness run`."""

from __future__ import annotations

import re
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


def test_the_pull_request_workflow_runs_the_same_test_command() -> None:
    _, tests = readme_commands()
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert tests in workflow
    assert "ruff check" in workflow and "mypy harness" in workflow


def test_tox_has_the_required_environments() -> None:
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert re.search(r"envlist\s*=\s*py311,\s*py312,\s*lint,\s*type", tox)
