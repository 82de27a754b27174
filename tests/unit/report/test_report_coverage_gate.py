"""Coverage gate: a tiny fake connector package written to tmp_path, imported under measure()."""

from __future__ import annotations

import importlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import coverage
import pytest
from report_factory import cov, green_run

from harness import coverage_gate
from harness.coverage_gate import (
    COVERAGE_THRESHOLD,
    DIFF_COVERAGE_THRESHOLD,
    DiffError,
    combine,
    connector_files,
    diff_coverage,
    gate_failures,
    measure,
    parse_diff,
)
from harness.results import ConnectorRun, CoverageResult

CLIENT = """\
def side(x):
    if x > 0:
        return "buy"
    return "sell"

def unused():
    return 1
"""
UNUSED = "def f():\n    return 1\n"
DOUBLE = "def serve():\n    return 'double'\n\nserve()\n"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A connector package with a unique name: (package name, folder)."""
    name = f"fakex_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "connectors" / name
    (folder / "tests").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "client.py").write_text(CLIENT)
    (folder / "unused.py").write_text(UNUSED)
    (folder / "double.py").write_text(DOUBLE)
    (folder / "tests" / "test_client.py").write_text("def test(): pass\n")
    sys.path.insert(0, str(folder.parent))
    yield name, folder
    sys.path.remove(str(folder.parent))
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def fresh_import(module: str) -> ModuleType:
    sys.modules.pop(module, None)
    importlib.invalidate_caches()
    return importlib.import_module(module)


def test_thresholds_are_eighty() -> None:
    assert COVERAGE_THRESHOLD == 80.0 and DIFF_COVERAGE_THRESHOLD == 80.0


def test_connector_files_leave_out_the_double_and_tests(fake: tuple[str, Path]) -> None:
    _, folder = fake
    names = [p.relative_to(folder).as_posix() for p in connector_files(folder)]
    assert names == ["__init__.py", "client.py", "unused.py"]


def test_a_connectors_market_reader_is_not_its_code() -> None:
    # The cassette lint's hook (docs/cassettes.md) never runs in the connector's checks.
    binance = Path(__file__).resolve().parents[3] / "connectors" / "binance"
    names = {p.name for p in connector_files(binance)}
    assert "connector.py" in names and "market_reader.py" not in names


def test_measure_computes_line_branch_and_combined_rates(fake: tuple[str, Path]) -> None:
    name, folder = fake
    with measure({"fakex": folder}) as measured:
        client = fresh_import(f"{name}.client")
        fresh_import(f"{name}.double")
        assert client.side(1) == "buy"
    assert measured.not_measured == ""
    result = measured.results["fakex"]
    # client.py: 6 statements, 4 run (4 and 7 missing), 1 of 2 branches; unused.py: 0 of 2.
    assert result.missing == {"client.py": [4, 7], "unused.py": [1, 2]}
    assert result.line_rate == 0.5
    assert result.branch_rate == 0.5
    assert result.percent == 50.0  # (4 + 1) / (8 + 2), as coverage.py's TOTAL
    assert result.connector == "fakex"
    assert not measured.data_file.exists()  # temporary data is removed


def test_measure_agrees_with_coverage_report_total(fake: tuple[str, Path], tmp_path: Path) -> None:
    name, folder = fake
    data = tmp_path / "cov.data"
    with measure({"fakex": folder}, data_file=data, omit=()) as measured:
        fresh_import(f"{name}.client").side(-1)
        fresh_import(f"{name}.double")
    assert data.exists()
    check = coverage.Coverage(data_file=str(data), branch=True, config_file=False)
    check.load()
    files = [str(path) for path in connector_files(folder, omit=())]
    with open(tmp_path / "report.txt", "w") as out:
        total = check.report(morfs=files, file=out)
    assert measured.results["fakex"].percent == pytest.approx(total, abs=0.01)


def test_measure_keeps_results_when_the_block_raises(fake: tuple[str, Path]) -> None:
    name, folder = fake
    with pytest.raises(RuntimeError), measure({"fakex": folder}) as measured:
        fresh_import(f"{name}.client").side(1)
        raise RuntimeError("a check blew up")
    assert measured.results["fakex"].missing["client.py"] == [4, 7]


def test_unimported_connector_is_zero(fake: tuple[str, Path]) -> None:
    _, folder = fake
    with measure({"fakex": folder}) as measured:
        pass
    result = measured.results["fakex"]
    assert result.percent == 0.0 and result.line_rate == 0.0
    assert set(result.missing) == {"client.py", "unused.py"}


def test_empty_connector_is_fully_covered(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    with measure({"empty": folder}) as measured:
        pass
    result = measured.results["empty"]
    assert (result.percent, result.line_rate, result.branch_rate) == (100.0, 1.0, 1.0)


def test_measure_rejects_a_missing_folder(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match=r"'nope'.*is not a folder"),
        measure({"nope": tmp_path / "missing"}),
    ):
        pass  # pragma: no cover


def test_nested_under_another_coverage_measures_and_hands_lines_back(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    name, folder = fake
    other = tmp_path / "otherpkg"
    other.mkdir()
    (other / "helper.py").write_text("def helper():\n    return 2\n")
    sys.path.insert(0, str(other))
    outer = coverage.Coverage(data_file=None, branch=True, config_file=False, source=[str(other)])
    outer.start()
    try:
        with measure({"fakex": folder}) as measured:
            fresh_import(f"{name}.client").side(1)
            fresh_import("helper").helper()
    finally:
        outer.stop()
        sys.path.remove(str(other))
        sys.modules.pop("helper", None)
    assert measured.nested
    assert measured.results["fakex"].missing["client.py"] == [4, 7]
    # The outer measurement did not lose what ran while ours was active.
    lines = outer.get_data().lines(str(other / "helper.py"))
    assert lines is not None and set(lines) == {1, 2}
    files = {Path(f).name for f in outer.get_data().measured_files()}
    assert "client.py" not in files  # connector lines are not pushed into the outer report


def test_nested_under_a_lines_only_coverage_hands_back_lines(
    fake: tuple[str, Path], tmp_path: Path
) -> None:
    _, folder = fake
    other = tmp_path / "lines_only"
    other.mkdir()
    (other / "helper2.py").write_text("X = 1\n")
    sys.path.insert(0, str(other))
    outer = coverage.Coverage(data_file=None, config_file=False, source=[str(other)])
    outer.start()
    try:
        with measure({"fakex": folder}) as measured:
            fresh_import("helper2")
    finally:
        outer.stop()
        sys.path.remove(str(other))
        sys.modules.pop("helper2", None)
    assert measured.results["fakex"].percent == 0.0
    assert outer.get_data().lines(str(other / "helper2.py")) == [1]


def test_nested_under_an_unfiltered_coverage_says_what_it_misses(
    fake: tuple[str, Path],
) -> None:
    name, folder = fake
    outer = coverage.Coverage(data_file=None, branch=True, config_file=False)
    outer.start()
    try:
        with measure({"fakex": folder}) as measured:
            fresh_import(f"{name}.client").side(1)
    finally:
        outer.stop()
    assert measured.results["fakex"].percent == 50.0
    assert any("without a source filter" in note for note in measured.notes)


def test_foreign_tracer_is_left_alone_and_reported(
    fake: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, folder = fake

    def debugger(*args: object) -> None:
        return None

    monkeypatch.setattr(coverage_gate, "_current_tracer", lambda: debugger)
    started: list[object] = []
    monkeypatch.setattr(coverage.Coverage, "start", lambda self: started.append(self))
    with measure({"fakex": folder}) as measured:
        pass
    assert started == []
    assert measured.results == {}
    assert measured.not_measured.startswith("coverage not measured: another tracer (function")


def test_coverage_that_cannot_start_is_reported_not_raised(
    fake: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, folder = fake

    def refuse(self: coverage.Coverage) -> None:
        raise RuntimeError("No sys.monitoring tool id is available")

    monkeypatch.setattr(coverage.Coverage, "start", refuse)
    with measure({"fakex": folder}) as measured:
        pass
    assert measured.not_measured == (
        "coverage not measured: coverage.py could not start: No sys.monitoring tool id is available"
    )
    assert measured.results == {}


def test_combine_merges_worker_data_files(fake: tuple[str, Path], tmp_path: Path) -> None:
    name, folder = fake
    files = [tmp_path / "w1.coverage", tmp_path / "w2.coverage"]
    for data_file, x in zip(files, (1, -1), strict=True):
        with measure({"fakex": folder}, data_file=data_file):
            fresh_import(f"{name}.client").side(x)
    result = combine(files, {"fakex": folder})["fakex"]
    assert result.missing == {"client.py": [7], "unused.py": [1, 2]}
    assert result.branch_rate == 1.0
    assert result.percent == 70.0  # (5 + 2) / (8 + 2)
    assert all(path.exists() for path in files)  # inputs are kept


DIFF = """\
diff --git a/connectors/NAME/client.py b/connectors/NAME/client.py
index 111..222 100644
--- a/connectors/NAME/client.py
+++ b/connectors/NAME/client.py
@@ -2,0 +3,2 @@ def side(x):
+        return "buy"
+    return "sell"
@@ -6,0 +7 @@ def unused():
+    return 1
diff --git a/connectors/NAME/double.py b/connectors/NAME/double.py
--- a/connectors/NAME/double.py
+++ b/connectors/NAME/double.py
@@ -1 +1 @@
-def serve():
+def serve():
diff --git a/README.md b/README.md
--- a/README.md
+++ b/README.md
@@ -1 +1,2 @@
 title
+more
diff --git a/connectors/NAME/gone.py b/connectors/NAME/gone.py
deleted file mode 100644
--- a/connectors/NAME/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
"""


def test_parse_diff_reads_added_lines_with_and_without_context() -> None:
    text = (
        "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,4 @@\n ctx\n--- not a header\n+++ added\n"
        " ctx\n+new\n\\ No newline at end of file\n"
        '+++ "b/caf\\303\\251.py"\n@@ -0,0 +1 @@\n+x\n'
    )
    assert parse_diff(text) == {"m.py": {2, 4}, "café.py": {1}}
    assert parse_diff(DIFF.replace("NAME", "n")) == {
        "connectors/n/client.py": {3, 4, 7},
        "connectors/n/double.py": {1},
        "README.md": {2},
    }
    assert parse_diff("") == {}


def test_diff_coverage_of_a_synthetic_diff(fake: tuple[str, Path], tmp_path: Path) -> None:
    name, folder = fake
    data = tmp_path / "cov.data"
    with measure({"fakex": folder}, data_file=data):
        fresh_import(f"{name}.client").side(1)
    result = diff_coverage(data, folder, diff_text=DIFF.replace("NAME", name), repo_root=tmp_path)
    # Changed executable lines 3, 4, 7; only 3 ran. double.py is not the connector.
    assert (result.changed, result.covered) == (3, 1)
    assert result.percent == pytest.approx(33.33)
    assert result.missing == {"client.py": [4, 7]}
    assert not result.passed()
    nothing = diff_coverage(data, folder, diff_text="", repo_root=tmp_path)
    assert nothing.percent is None and nothing.passed()


def test_diff_coverage_needs_exactly_one_source(fake: tuple[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        diff_coverage(tmp_path / "x", fake[1])


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_diff_coverage_against_a_git_base(fake: tuple[str, Path], tmp_path: Path) -> None:
    name, folder = fake
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    (folder / "client.py").write_text(CLIENT + "\ndef added(x):\n    return x * 2\n")
    data = tmp_path / "cov.data"
    with measure({"fakex": folder}, data_file=data):
        fresh_import(f"{name}.client").added(2)
    result = diff_coverage(data, folder, base_ref="HEAD")
    assert (result.changed, result.covered, result.percent) == (2, 2, 100.0)
    with pytest.raises(DiffError, match=r"no-such-branch.*git fetch origin no-such-branch"):
        diff_coverage(data, folder, base_ref="no-such-branch")


def test_diff_coverage_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "lone"
    folder.mkdir()
    with pytest.raises(DiffError, match="rev-parse --show-toplevel failed"):
        diff_coverage(tmp_path / "x", folder, base_ref="main")


def test_gate_failures_name_each_connector_below_the_diff_threshold() -> None:
    runs = [
        ConnectorRun("b", coverage=cov("b", diff=79.5)),
        ConnectorRun("a", coverage=cov("a", diff=80.0)),
        ConnectorRun("c", coverage=cov("c", diff=None)),
        ConnectorRun("d"),
        green_run("e"),
    ]
    assert gate_failures(runs) == ["b: diff coverage 79.5 % < 80 % of changed lines"]
    assert gate_failures([ConnectorRun("f", coverage=cov("f", percent=74.0))]) == [
        "f: coverage 74.0 % < 80 % of its code"]
    assert gate_failures(runs, threshold=90) == [
        "a: diff coverage 80.0 % < 90 % of changed lines",
        "b: diff coverage 79.5 % < 90 % of changed lines",
    ]


def test_a_connector_that_is_not_gated_fails_no_gate() -> None:
    ungated = ConnectorRun("lib", coverage=CoverageResult("lib", 0.2, 0.1, 20.0, gated=False,
                                                          exemption="a library module"))
    gated = ConnectorRun("own", coverage=CoverageResult("own", 0.2, 0.1, 20.0))
    assert gate_failures([ungated, gated]) == ["own: coverage 20.0 % < 80 % of its code"]


def test_measuring_chosen_files_reports_only_them(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "used.py").write_text("def f():\n    return 1\n")
    (folder / "unused.py").write_text("def g():\n    return 2\n")
    import importlib.util
    spec = importlib.util.spec_from_file_location("chosen_used", folder / "used.py")
    assert spec is not None and spec.loader is not None
    with measure({"lib": folder}, files={"lib": [folder / "used.py"]}) as measurement:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.f()
    result = measurement.results["lib"]
    assert result.missing == {} and result.line_rate == 1.0
