"""What each check is expected to do on each connector, decided at collection time.

Known failures are data in the manifest (id, reason, link, expiry), not skips in code: an
unexpired one makes the check an expected failure (strict: an unexpected pass is reported);
an expired one is ignored, so the failure counts again. An undeclared capability or order type
skips the check with the reason shown.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import os
from pathlib import Path

import pytest

from harness.checks import spec_of
from harness.manifest import Manifest
from harness.registry import missing_library
from harness.standard.capabilities import undeclared_reason


def manifest_of(item: pytest.Item) -> Manifest | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    manifest = callspec.params.get("harness_manifest")
    return manifest if isinstance(manifest, Manifest) else None


def apply_expectations(item: pytest.Item, today: dt.date | None = None) -> None:
    spec = spec_of(item)
    manifest = manifest_of(item)
    if spec is None or manifest is None:
        return
    # `-k SPOT-ORD` (an area) or `-k SPOT-ORD-3` selects checks by their ids.
    item.extra_keyword_matches.add(spec.check_id)
    # One connector's checks stay on one xdist worker (with --dist loadgroup).
    item.add_marker(pytest.mark.xdist_group(manifest.name))
    for label_type, value in (("epic", manifest.name), ("feature", spec.area),
                              ("story", spec.check_id), ("severity", spec.severity)):
        item.add_marker(pytest.mark.allure_label(value, label_type=label_type))

    # A connector judged through a library that is not installed (Hummingbot) is skipped
    # with the command that installs it; in CI (CI set) it runs and fails with that line.
    not_installed = missing_library(manifest)
    if not_installed and not os.environ.get("CI"):
        item.add_marker(pytest.mark.skip(reason=not_installed))
        return
    missing = [c for c in spec.requires if c not in manifest.capabilities]
    if missing:
        item.add_marker(pytest.mark.skip(reason=undeclared_reason(manifest.name, missing)))
        return
    missing_types = [t.value for t in spec.order_types if t not in manifest.order_types]
    if missing_types:
        item.add_marker(pytest.mark.skip(
            reason=f"{manifest.name} declares no {', '.join(missing_types)} order type"))
        return
    known = manifest.known_failure(spec.check_id)
    if known is not None and not known.expired(today):
        item.add_marker(pytest.mark.xfail(
            reason=f"known failure until {known.expires}: {known.reason} ({known.link})",
            strict=True))


def suites_root() -> Path:
    """The installed suites package's folder (located, not imported: harness never imports
    the suites)."""
    spec = importlib.util.find_spec("suites")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the suites package is not installed; run pip install -e .")
    return Path(next(iter(spec.submodule_search_locations)))


def whole_suite_collected(config: pytest.Config) -> bool:
    """True when the session collected every check (the suites folder or a folder above it),
    so a check id missing from the items is missing from the standard, not deselected."""
    suites = suites_root().resolve()
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if "::" not in arg and (path == suites or path in suites.parents):
            return True
    return False


def unknown_known_failures(items: list[pytest.Item]) -> dict[str, list[str]]:
    """Per connector, one line per known failure naming a check id its standard does not have:
    such an entry expects nothing and would go unnoticed until it expires."""
    collected: dict[str, set[str]] = {}
    manifests: dict[str, Manifest] = {}
    for item in items:
        spec, manifest = spec_of(item), manifest_of(item)
        if spec is not None and manifest is not None:
            collected.setdefault(manifest.name, set()).add(spec.check_id)
            manifests[manifest.name] = manifest
    problems: dict[str, list[str]] = {}
    for name, manifest in manifests.items():
        ids = collected[name]
        for index, known in enumerate(manifest.known_failures):
            if known.check_id in ids:
                continue
            close = difflib.get_close_matches(known.check_id, sorted(ids), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "fix the id or remove the entry"
            problems.setdefault(name, []).append(
                f"{manifest.path}: known_failures[{index}].check: {known.check_id} is no check "
                f"of the {manifest.standard.value} standard; {hint}")
    return problems


def select_scenario(config: pytest.Config, items: list[pytest.Item], scenario: str) -> None:
    """Keep exactly the checks that replay `scenario`; none is a usage error naming the
    scenarios that exist (a typo must not pass as "no tests ran")."""
    specs = [(item, spec_of(item)) for item in items]
    keep = [item for item, spec in specs if spec is not None and spec.scenario == scenario]
    if not keep:
        known = sorted({spec.scenario for _, spec in specs if spec and spec.scenario})
        close = difflib.get_close_matches(scenario, known, n=1)
        hint = f"did you mean {close[0]}?" if close else f"scenarios: {', '.join(known)}"
        raise pytest.UsageError(f"--scenario: no check uses scenario {scenario!r}; {hint}")
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep
