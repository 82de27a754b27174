"""Per-connector coverage, measured with coverage.py, and the diff-coverage gate.

`measure()` traces only the connector folders while the checks run, and computes for each
connector the line rate, the branch rate and the combined percent (as coverage.py's TOTAL:
executed statements plus taken branches over statements plus branches).

Nesting. coverage.py runs one tracer per thread at a time. When the harness itself runs under
coverage (pytest-cov, `coverage run`), `measure()` nests: coverage.py pauses the outer
measurement while ours runs and resumes it after. So that the outer report loses nothing, we
also trace the outer's `source` and hand those lines back to it on exit. An outer measurement
without a `source` filter cannot be handed back and misses the lines run inside `measure()`.
A tracer that is not coverage.py (a debugger) is never replaced: coverage is then reported as
not measured, with the reason.

Module-level lines (imports, `def`, `class`) only count if the connector is imported inside
`measure()`; a connector imported earlier shows those lines as missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException, NoSource, NotPython

from harness.results import ConnectorRun, CoverageResult

COVERAGE_THRESHOLD = 80.0  # percent of a connector's lines and branches the checks must run
DIFF_COVERAGE_THRESHOLD = 80.0  # percent of a change's executable lines the checks must run

# Files in a connector folder that are not the connector: its exchange double, its tests, and
# its market reader (the cassette lint's hook, docs/cassettes.md: it reads cassettes, never
# runs in a connector, and is judged by the lint's own tests).
DEFAULT_OMIT = ("double.py", "venue.py", "double/*", "tests/*", "test_*.py", "conftest.py",
                "market_reader.py")


@dataclass
class Measurement:
    """What `measure()` yields; `results` is filled when the block exits."""

    connector_dirs: dict[str, Path]
    data_file: Path
    results: dict[str, CoverageResult] = field(default_factory=dict)
    not_measured: str = ""  # why nothing was measured, when so
    nested: bool = False  # ran inside another active coverage.py measurement
    notes: list[str] = field(default_factory=list)


_current_tracer = sys.gettrace  # a seam for the tests


def _foreign_tracer() -> str:
    """A reason not to measure if a non-coverage.py trace function (a debugger) is active."""
    tracer = _current_tracer()
    if tracer is None:
        return ""
    owner = getattr(tracer, "__self__", tracer)
    if type(owner).__module__.split(".")[0] == "coverage":
        return ""
    return (
        f"coverage not measured: another tracer ({type(owner).__qualname__}, a debugger?) "
        "is active and coverage.py would replace it"
    )


def _outer_sources(outer: coverage.Coverage) -> list[str]:
    sources = outer.get_option("run:source") or []
    packages = outer.get_option("run:source_pkgs") or []
    assert isinstance(sources, list) and isinstance(packages, list)
    return [str(item) for item in [*sources, *packages]]


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _hand_back(outer: coverage.Coverage, inner: coverage.Coverage, dirs: Iterable[Path]) -> int:
    """Give the outer measurement the lines we traced for it; returns the number of files."""
    data = inner.get_data()
    roots = list(dirs)
    files = [f for f in data.measured_files() if not any(_under(Path(f), r) for r in roots)]
    if not files:
        return 0
    piece = coverage.CoverageData(no_disk=True)
    if outer.get_option("run:branch"):
        piece.add_arcs({f: data.arcs(f) or [] for f in files})
    else:
        piece.add_lines({f: data.lines(f) or [] for f in files})
    outer.get_data().update(piece)
    return len(files)


@contextmanager
def measure(
    connector_dirs: Mapping[str, Path],
    *,
    data_file: Path | None = None,
    omit: Iterable[str] = DEFAULT_OMIT,
    files: Mapping[str, Sequence[Path]] | None = None,
) -> Iterator[Measurement]:
    """Measure branch coverage of each connector folder while the block runs.

    Pass `data_file` to keep the raw data for `combine()` (xdist workers, CI shards); without
    it the data lives in a temporary folder removed on exit. `files` narrows a connector's
    result to those files of its folder (a library module, for a connector that is not gated).

    >>> with measure({"binance": Path("connectors/binance")}) as m:  # doctest: +SKIP
    ...     run_checks()
    >>> m.results["binance"].percent  # doctest: +SKIP
    91.3
    """
    dirs = {name: Path(folder).resolve() for name, folder in connector_dirs.items()}
    for name, folder in dirs.items():
        if not folder.is_dir():
            raise ValueError(f"coverage: connector {name!r}: {folder} is not a folder")
    omit = tuple(omit)
    scratch = None
    if data_file is None:
        scratch = tempfile.TemporaryDirectory(prefix="harness-coverage-")
        data_file = Path(scratch.name) / ".coverage"
    measurement = Measurement(dirs, data_file)
    cov: coverage.Coverage | None = None
    outer = coverage.Coverage.current()
    handback: list[str] = []
    measurement.not_measured = _foreign_tracer()
    if not measurement.not_measured:
        if outer is not None:
            measurement.nested = True
            handback = _outer_sources(outer)
            if not handback:
                measurement.notes.append(
                    "an outer coverage measurement without a source filter misses the lines "
                    "run while connectors are measured"
                )
        cov = coverage.Coverage(
            data_file=str(data_file),
            branch=True,
            config_file=False,
            source=[*(str(folder) for folder in dirs.values()), *handback],
        )
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                cov.start()
        except Exception as exc:  # e.g. no sys.monitoring tool id left: report, do not crash
            measurement.not_measured = f"coverage not measured: coverage.py could not start: {exc}"
            cov = None
        else:
            measurement.notes.extend(str(w.message) for w in caught)
    try:
        yield measurement
    finally:
        try:
            if cov is not None:
                cov.stop()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    cov.save()
                    if outer is not None and handback:
                        _hand_back(outer, cov, dirs.values())
                    measurement.results = _results(cov, dirs, omit, measurement.notes,
                                                   files or {})
                measurement.notes.extend(str(w.message) for w in caught)
        finally:
            if scratch is not None:
                scratch.cleanup()


def _omitted(relative: str, omit: tuple[str, ...]) -> bool:
    return any(fnmatch(relative, pattern) for pattern in omit)


def connector_files(folder: Path, omit: Iterable[str] = DEFAULT_OMIT) -> list[Path]:
    """The connector's own Python files under `folder` (its double and tests left out)."""
    patterns = tuple(omit)
    return sorted(
        path
        for path in folder.rglob("*.py")
        if not _omitted(path.relative_to(folder).as_posix(), patterns)
    )


def _results(
    cov: coverage.Coverage, dirs: Mapping[str, Path], omit: tuple[str, ...], notes: list[str],
    files: Mapping[str, Sequence[Path]] | None = None,
) -> dict[str, CoverageResult]:
    has_arcs = cov.get_data().has_arcs()
    results = {}
    for name, folder in dirs.items():
        statements = executed = branches = taken = 0
        missing: dict[str, list[int]] = {}
        chosen = [Path(p).resolve() for p in (files or {}).get(name, ())]
        for path in chosen or connector_files(folder, omit):
            try:
                _, stmts, _, miss, _ = cov.analysis2(str(path))
                stats = cov.branch_stats(str(path)) if has_arcs else {}
            except (NoSource, NotPython, CoverageException) as exc:
                notes.append(f"coverage: {path}: not analysed ({exc})")
                continue
            statements += len(stmts)
            executed += len(stmts) - len(miss)
            branches += sum(exits for exits, _ in stats.values())
            taken += sum(done for _, done in stats.values())
            if miss:
                missing[path.relative_to(folder).as_posix()] = sorted(miss)
        results[name] = CoverageResult(
            connector=name,
            line_rate=round(executed / statements, 4) if statements else 1.0,
            branch_rate=round(taken / branches, 4) if branches else 1.0,
            percent=round(100 * (executed + taken) / (statements + branches), 2)
            if statements + branches
            else 100.0,
            missing=missing,
        )
    return results


def combine(
    data_files: Iterable[Path],
    connector_dirs: Mapping[str, Path],
    *,
    omit: Iterable[str] = DEFAULT_OMIT,
) -> dict[str, CoverageResult]:
    """Per-connector results from several data files (xdist workers, CI shards).

    The files must have been measured on the same checkout path (coverage.py keys data by
    absolute file name).
    """
    files = [str(path) for path in data_files]
    dirs = {name: Path(folder).resolve() for name, folder in connector_dirs.items()}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="harness-coverage-") as scratch:
        cov = coverage.Coverage(
            data_file=str(Path(scratch) / ".coverage"), branch=True, config_file=False
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cov.combine(files, strict=True, keep=True)
            return _results(cov, dirs, tuple(omit), notes)


_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git could not produce the diff (unknown base, not a repository)."""


def _target_path(header: str) -> str | None:
    name = header[4:].split("\t")[0].strip()
    if name.startswith('"') and name.endswith('"'):
        name = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        name = name.encode("latin-1").decode("utf-8", "replace")
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith("b/") else name


def parse_diff(text: str) -> dict[str, set[int]]:
    r"""Lines each file gains in a unified diff (new-file numbering), with or without context.

    >>> parse_diff("+++ b/a.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n")
    {'a.py': {1, 2}}
    """
    changed: dict[str, set[int]] = {}
    current: str | None = None
    old_left = new_left = line_no = 0
    for line in text.splitlines():
        if old_left > 0 or new_left > 0:  # inside a hunk: count, never read headers
            if line.startswith("+"):
                if current is not None:
                    changed[current].add(line_no)
                line_no += 1
                new_left -= 1
            elif line.startswith("-"):
                old_left -= 1
            elif line.startswith("\\"):
                pass  # "\ No newline at end of file"
            else:
                line_no += 1
                old_left -= 1
                new_left -= 1
            continue
        if line.startswith("+++ "):
            current = _target_path(line)
            if current is not None:
                changed.setdefault(current, set())
        elif match := _HUNK.match(line):
            old_count, start, new_count = match.groups()
            old_left = 1 if old_count is None else int(old_count)
            new_left = 1 if new_count is None else int(new_count)
            line_no = int(start)
    return {name: lines for name, lines in changed.items() if lines}


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiffError(f"git {' '.join(args)} could not run: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[0] if done.stderr.strip() else "no output"
        raise DiffError(f"git {' '.join(args)} failed in {cwd}: {detail}")
    return done.stdout


def changed_lines_from_git(base_ref: str, folder: Path) -> tuple[Path, dict[str, set[int]]]:
    """(repository root, lines added under `folder` since the merge base with `base_ref`).

    Uncommitted changes count too, as they do for diff-cover.
    """
    root = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    try:
        base = _git(["merge-base", base_ref, "HEAD"], root).strip()
    except DiffError as exc:
        raise DiffError(f"{exc}; fetch the base first (git fetch origin {base_ref})") from exc
    text = _git(["diff", "-U0", "--no-color", "--no-ext-diff", base, "--", str(folder)], root)
    return root, parse_diff(text)


@dataclass(frozen=True)
class DiffCoverage:
    """How much of a change's executable lines in one connector the checks ran."""

    percent: float | None  # None: the change has no executable line in the connector
    changed: int
    covered: int
    missing: dict[str, list[int]]

    def passed(self, threshold: float = DIFF_COVERAGE_THRESHOLD) -> bool:
        return self.percent is None or self.percent >= threshold


def diff_coverage(
    data_file: Path,
    connector_dir: Path,
    *,
    diff_text: str | None = None,
    base_ref: str | None = None,
    repo_root: Path | None = None,
    omit: Iterable[str] = DEFAULT_OMIT,
) -> DiffCoverage:
    """Coverage of the lines a change adds to one connector (as diff-cover computes it).

    Give either `diff_text` (a unified diff, e.g. `git diff -U0 origin/main`) with paths
    relative to `repo_root`, or `base_ref`, and git computes the diff from the merge base.
    """
    if (diff_text is None) == (base_ref is None):
        raise ValueError("diff_coverage: give exactly one of diff_text and base_ref")
    folder = connector_dir.resolve()
    if base_ref is not None:
        root, changed = changed_lines_from_git(base_ref, folder)
    else:
        root = (repo_root or Path.cwd()).resolve()
        changed = parse_diff(diff_text or "")
    patterns = tuple(omit)
    cov = coverage.Coverage(data_file=str(data_file), branch=True, config_file=False)
    cov.load()
    total = covered = 0
    missing: dict[str, list[int]] = {}
    for name, lines in sorted(changed.items()):
        path = (root / name).resolve()
        if not name.endswith(".py") or not _under(path, folder) or not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if _omitted(relative, patterns):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, statements, _, miss, _ = cov.analysis2(str(path))
        executable = lines & set(statements)
        uncovered = executable & set(miss)
        total += len(executable)
        covered += len(executable) - len(uncovered)
        if uncovered:
            missing[relative] = sorted(uncovered)
    percent = round(100 * covered / total, 2) if total else None
    return DiffCoverage(percent=percent, changed=total, covered=covered, missing=missing)


def gate_failures(
    runs: Iterable[ConnectorRun], threshold: float = DIFF_COVERAGE_THRESHOLD,
    coverage_threshold: float = COVERAGE_THRESHOLD,
) -> list[str]:
    """One line per connector that fails a coverage gate: its code covered below
    `coverage_threshold`, or its change's lines below `threshold`. A connector whose
    coverage was not measured fails no gate here (its status says why it is yellow)."""
    failures = []
    for run in sorted(runs, key=lambda run: run.connector):
        if run.coverage is None or not run.coverage.gated:
            continue
        if run.coverage.percent < coverage_threshold:
            failures.append(f"{run.connector}: coverage {run.coverage.percent:.1f} % < "
                            f"{coverage_threshold:g} % of its code")
        diff = run.coverage.diff_percent
        if diff is not None and diff < threshold:
            failures.append(
                f"{run.connector}: diff coverage {diff:.1f} % < {threshold:g} % of changed lines"
            )
    return failures
