"""The two files allure-results/ needs besides what allure-pytest writes there.

environment.properties fills Allure's "Environment" widget; categories.json sorts results into
unexpected failures, known failures, unexpected passes and flaky checks. The messages matched
here are those the plugin gives pytest: xfail reasons start with "expected failure", a strict
xpass reads "[XPASS(strict)]".
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from pathlib import Path

from harness.report.run_info import RunInfo, iso
from harness.status import ConnectorStatus

CATEGORIES = [
    {
        "name": "Known failures",
        "description": "Failed as a known failure in connector.toml expects (not counted red).",
        "matchedStatuses": ["skipped"],
        "messageRegex": "(?s).*(expected failure|XFAIL).*",
    },
    {
        "name": "Unexpected passes",
        "description": "Listed as a known failure but passed: remove it from connector.toml.",
        "matchedStatuses": ["failed", "passed"],
        "messageRegex": "(?s).*(XPASS|unexpected pass).*",
    },
    {
        "name": "Flaky checks",
        "description": "Passed only on a rerun.",
        "matchedStatuses": ["passed", "failed", "broken"],
        "flaky": True,
    },
    {
        "name": "Unexpected failures",
        "description": "Failed although expected to pass: these make a connector red.",
        "matchedStatuses": ["failed", "broken"],
    },
]


def _escape(value: str) -> str:
    """Java .properties escaping for the few characters that matter in values."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:")


def environment_properties(info: RunInfo, statuses: Sequence[ConnectorStatus]) -> str:
    pairs = [
        ("harness.version", info.harness_version),
        ("standard.version", info.standard_version),
        ("git.commit", info.commit),
        ("run.id", info.run_id),
        ("run.started", iso(info.started)),
        ("run.complete", str(info.complete).lower()),
        ("python", platform.python_version()),
        ("platform", platform.platform(terse=True)),
    ]
    if info.seed:
        pairs.append(("hypothesis.seed", info.seed))
    pairs += [(f"connector.{s.connector}", s.badge_message) for s in statuses]
    return "".join(f"{key}={_escape(value)}\n" for key, value in pairs)


def allure_files(
    allure_dir: Path, info: RunInfo, statuses: Sequence[ConnectorStatus]
) -> dict[Path, str]:
    """The rendered files, keyed by path, for `write_all`."""
    return {
        allure_dir / "environment.properties": environment_properties(info, statuses),
        allure_dir / "categories.json": json.dumps(CATEGORIES, indent=2) + "\n",
    }
