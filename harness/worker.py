"""One connector's checks, in their own process: `python -m harness.worker NAME RAW [ARGS]`.

The runner starts one worker per connector so that a connector that crashes, hangs or leaks
cannot take the others down. The worker measures the connector's coverage around the pytest
session and writes the connector's raw results, coverage included.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from harness.coverage_gate import DiffError, diff_coverage, measure
from harness.expectations import suites_root
from harness.identity import identify
from harness.manifest import Manifest
from harness.registry import ConnectorLoadError, load_connector_class, load_registry
from harness.results import ConnectorRun, read_raw, write_raw
from harness.runner import is_partial


def cassette_secrets(manifest: Manifest) -> list[str]:
    """A secret in any of the connector's cassettes makes it red: `harness run` lints them."""
    from harness.cassette.secrets import scan_folder
    from harness.subject import cassette_path

    folder = cassette_path(manifest, "any").parent
    if not folder.is_dir():
        return []
    return [f"secret in a cassette: {line}" for line in scan_folder(folder)]


class CollectionErrors:
    """The test modules pytest could not collect (an import error, say), one line each."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = str(report.longrepr).strip().splitlines()
            cause = lines[-1].removeprefix("E").strip() if lines else "unknown error"
            self.problems.append(f"{report.nodeid} could not be collected ({cause}); its "
                                 "tests did not run: fix the module or install what it imports")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.worker")
    parser.add_argument("connector")
    parser.add_argument("raw", type=Path)
    parser.add_argument("--alluredir", default="")
    parser.add_argument("--check-timeout", default="")
    parser.add_argument("--no-coverage", action="store_true")
    parser.add_argument("--diff-base", default="",
                        help="also measure coverage of the lines changed since this git ref")
    parser.add_argument("pytest_args", nargs="*")
    # Split at "--" by hand: argparse cannot give a positional list the words after "--"
    # once options came between it and the other positionals (as the runner's command has).
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    args.pytest_args = [*args.pytest_args, *extra]

    manifest = load_registry().get(args.connector)
    # A test module that cannot be imported is reported (CollectionErrors) and the rest run:
    # without the flag pytest stops at collection, and the connector would show no check.
    pytest_args = [str(suites_root()), "--connector", manifest.name,
                   "--harness-raw", str(args.raw), "-q", "-p", "no:cacheprovider",
                   "--continue-on-collection-errors",
                   "--rootdir", str(suites_root().parent), *args.pytest_args]
    own_tests = manifest.folder / "tests"
    if own_tests.is_dir():
        pytest_args.insert(1, str(own_tests))
    if args.alluredir:
        pytest_args += ["--alluredir", args.alluredir]
    if args.check_timeout:
        pytest_args += ["--check-timeout", args.check_timeout]

    load_error = ""
    collection = CollectionErrors()
    data_file = args.raw.with_suffix(".coverage")
    library = library_files(manifest)
    folder = Path(os.path.commonpath([p.parent for p in library])) if library else manifest.folder
    with measure({manifest.name: folder}, data_file=data_file,
                 files={manifest.name: library} if library else None) as measurement:
        try:
            load_connector_class(manifest)
        except ConnectorLoadError as exc:
            load_error = str(exc)
        code = int(pytest.main(pytest_args, plugins=[collection])) if not load_error else 2

    runs = read_raw(args.raw) if args.raw.exists() else []
    run = next((r for r in runs if r.connector == manifest.name), None)
    if run is None:
        run = ConnectorRun(manifest.name)
    identify(run, manifest)
    run.load_error = load_error
    run.problems += cassette_secrets(manifest)
    run.problems += collection.problems
    run.partial = is_partial(args.pytest_args)
    if not args.no_coverage:
        run.coverage = measurement.results.get(manifest.name)
        if run.coverage is not None and not manifest.coverage_gate:
            run.coverage = dataclasses.replace(run.coverage, gated=False,
                                               exemption=manifest.coverage_exemption)
        elif run.coverage is not None and args.diff_base:
            try:
                diff = diff_coverage(data_file, manifest.folder, base_ref=args.diff_base)
            except DiffError as exc:
                run.load_error = f"diff coverage could not be computed: {exc}"
            else:
                run.coverage = dataclasses.replace(run.coverage, diff_percent=diff.percent)
    write_raw(args.raw, [run])
    return code


def library_files(manifest: Manifest) -> list[Path]:
    """The files of the modules and packages a manifest names under [coverage] measure (those
    that are installed), found without importing them, so their import is measured too."""
    files = []
    for module in manifest.coverage_modules:
        top, *rest = module.split(".")
        try:
            spec = importlib.util.find_spec(top)  # a top-level name is located, not imported
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
        if (base / "__init__.py").is_file():  # a package: all of its modules
            files += sorted(path.resolve() for path in base.rglob("*.py"))
            continue
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                files.append(candidate.resolve())
                break
    return files


if __name__ == "__main__":
    sys.exit(main())
