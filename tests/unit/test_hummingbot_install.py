"""`harness install hummingbot`: its plan and its failures, without building Hummingbot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from harness import hummingbot_install as hb
from harness.cli import main

PY = "/venv/bin/python"


def _plan(**overrides: object) -> list[hb.Step]:
    values: dict[str, object] = dict(python=PY, installed=None, import_error="not installed",
                                     cxx="g++", requirements=["bidict>=0.22", "pandas>=2.3"])
    values.update(overrides)
    return hb.plan("20260922", **values)  # type: ignore[arg-type]


def test_nothing_is_run_when_the_version_is_installed_and_imports() -> None:
    assert _plan(installed="20260922", import_error=None, cxx=None) == []


def test_a_fresh_install_is_the_tools_and_requirements_then_hummingbot_without_its_deps() -> None:
    tools, release = _plan()
    assert tools.argv[:4] == (PY, "-m", "pip", "install")
    assert {"cython", "numpy", "setuptools", "wheel", "bidict>=0.22", "pandas>=2.3"} <= set(
        tools.argv)
    assert release.argv[:4] == (PY, "-m", "pip", "install")
    assert release.argv[-3:] == ("--no-deps", "--no-build-isolation", "hummingbot==20260922")


@pytest.mark.parametrize("installed, error", [("20260501", None), ("20260922", "ImportError: x")])
def test_another_version_or_a_broken_install_is_installed_again(installed: str,
                                                                 error: str | None) -> None:
    steps = _plan(installed=installed, import_error=error)
    assert steps[-1].argv[-1] == "hummingbot==20260922"


def test_no_compiler_is_one_line_with_the_fix() -> None:
    with pytest.raises(hb.InstallError) as caught:
        _plan(cxx=None)
    message = str(caught.value)
    assert "no C++ compiler" in message and "apt-get install g++" in message
    assert "\n" not in message


@pytest.mark.parametrize("version, says", [("latest", "not a Hummingbot release"),
                                           ("20251215", "listen key")])
def test_a_version_that_cannot_work_is_refused(version: str, says: str) -> None:
    with pytest.raises(hb.InstallError, match=says):
        hb.check_version(version)


def test_the_runtime_requirements_are_the_hummingbot_extra() -> None:
    requirements = hb.extra_requirements()
    names = {req.split(">")[0].split("<")[0].split("=")[0].lower() for req in requirements}
    assert {"bidict", "ujson", "pydantic", "pandas", "cython"} <= names
    assert "ccxt" not in names  # another extra's


def test_an_unknown_extra_has_no_requirements() -> None:
    assert hb.extra_requirements("no-such-extra") == []


@pytest.mark.parametrize("log, cause", [
    ("ERROR: No matching distribution found for hummingbot==20260922", "network"),
    ("error: command '/usr/bin/gcc' failed with exit code 1", "Cython modules failed"),
    ("something else", "pip failed")])
def test_a_failed_step_is_diagnosed_from_its_log(log: str, cause: str) -> None:
    assert cause in hb.diagnose(log)


def test_run_plan_logs_each_step_and_names_the_log_on_failure(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "install.log"
    ok = hb.Step("first", (sys.executable, "-c", "print('step one ran')"))
    fails = hb.Step("second", (sys.executable, "-c",
                               "import sys; print('No matching distribution'); sys.exit(3)"))
    announced: list[str] = []
    with pytest.raises(hb.InstallError) as caught:
        hb.run_plan([ok, fails], log, announce=announced.append, probe="json")
    message = str(caught.value)
    assert message.startswith("second: PyPI could not be reached") and "(exit 3)" in message
    assert str(log) in message and "\n" not in message
    assert announced == ["first", "second"]
    assert "step one ran" in log.read_text(encoding="utf-8")


def test_run_plan_fails_when_the_probe_does_not_import(tmp_path: Path) -> None:
    ok = hb.Step("first", (sys.executable, "-c", "pass"))
    hb.run_plan([ok], tmp_path / "a.log", probe="json")  # imports: no error
    with pytest.raises(hb.InstallError, match="no_such_module_xyz does not import"):
        hb.run_plan([ok], tmp_path / "b.log", probe="no_such_module_xyz")


def test_the_command_refuses_an_old_version_in_one_line(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    assert main(["install", "hummingbot", "--version", "20250101"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("harness install: --version 20250101") and "\n" not in err


def test_the_command_does_nothing_when_hummingbot_is_installed(
        capsys: pytest.CaptureFixture[str]) -> None:
    if hb.installed_version() != hb.DEFAULT_VERSION and not os.environ.get("CI"):
        # CI installs it first (.ci/run), so there the test runs and cannot skip.
        pytest.skip("Hummingbot is not installed (harness install hummingbot)")
    assert main(["install", "hummingbot"]) == 0
    assert "nothing to do" in capsys.readouterr().out
