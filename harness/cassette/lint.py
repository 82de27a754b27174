"""`harness cassettes lint`: schema validation plus a scan for secrets that escaped scrubbing.

One line per problem, `file:location: reason`; a broken cassette never stops the others
from being checked. The secret scan is harness.cassette.secrets (every part of a cassette,
by name and by shape, with the allow-list beside the cassettes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.cassette.exchange import PROFILE_FILE, ExchangeProfileError, load_exchange_profile
from harness.cassette.loader import CassetteError, read_document
from harness.cassette.secrets import scan_document, scan_file
from harness.cassette.validate import validate_document


@dataclass
class LintReport:
    files: int = 0
    problems: list[str] = field(default_factory=list)
    bad_files: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"cassettes lint: {self.files} cassette(s) checked, no problems"
        return (f"cassettes lint: {len(self.problems)} problem(s) in {len(self.bad_files)} of"
                f" {self.files} cassette(s)")


def scan_secrets(doc: Any) -> list[tuple[str, str]]:
    """(location, reason) for every secret-looking value in a parsed cassette document."""
    return [(finding.location, finding.reason) for finding in scan_document(doc)]


def _path_consistency(path: Path, doc: Any) -> list[tuple[str, str]]:
    meta = doc.get("meta") if isinstance(doc, Mapping) else None
    if not isinstance(meta, Mapping) or path.parent.parent.name != "cassettes":
        return []
    found: list[tuple[str, str]] = []
    if meta.get("connector") != path.parent.name:
        found.append(("meta.connector", f"is {meta.get('connector')!r} but the file is in"
                                        f" cassettes/{path.parent.name}/; make them agree"))
    if meta.get("scenario") != path.stem:
        found.append(("meta.scenario", f"is {meta.get('scenario')!r} but the file is named"
                                       f" {path.name}; make them agree"))
    return found


ExtraRule = Callable[[Path, Any], list[tuple[str, str]]]
"""A further check of a parsed cassette: (location, reason) per problem (market_rules.py)."""


def lint_file(path: Path, rules: Sequence[ExtraRule] = ()) -> list[str]:
    """Every problem of one cassette file, one line each (`file:location: reason`)."""
    if path.name == PROFILE_FILE:  # an exchange's conformance data, not a cassette
        try:
            load_exchange_profile(path)
        except ExchangeProfileError as exc:
            return str(exc).splitlines()
        return []
    try:
        doc = read_document(path)
    except CassetteError as exc:
        return list(exc.lines)
    found = [(p.location, p.message) for p in validate_document(doc)]
    found += _path_consistency(path, doc)
    for rule in rules:
        found += rule(path, doc)
    return [f"{path}:{location}: {reason}" for location, reason in found] + scan_file(path, doc)


def collect(paths: Sequence[str | Path], root: Path) -> list[Path]:
    """The cassette files to lint: the given files and folders (searched recursively), or
    every cassettes/**/*.yaml under `root` when none are given."""
    targets = [Path(p) for p in paths] or [root / "cassettes"]
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(target)
    return found


def lint_paths(paths: Sequence[str | Path] = (), root: Path | None = None,
               rules: Sequence[ExtraRule] = ()) -> LintReport:
    """Lint every cassette; the report holds all problems of all files."""
    report = LintReport()
    for path in collect(paths, root or Path.cwd()):
        report.files += 1
        problems = lint_file(path, rules)
        if problems:
            report.bad_files.add(str(path))
            report.problems += problems
    return report


def iter_lines(report: LintReport) -> Iterator[str]:
    """The problems then the summary line: what the CLI prints."""
    yield from report.problems
    yield report.summary()
