"""The one place where option precedence is resolved: manifest < check marker < command line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from harness.checks import CheckSpec
from harness.manifest import Manifest

DEFAULT_CHECK_TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckOptions:
    """How one check runs against one connector."""

    timeout: float = DEFAULT_CHECK_TIMEOUT
    strict: bool = True
    record_mode: str = "none"
    record_upstream: str = "production"
    replay_mode: str = "conformance"  # or strict (docs/cassettes.md, "Two replay modes")
    clock_speed: float = 10.0
    poll_interval: float = 0.5
    request_timeout: float = 0.5
    reconnect_delay: float = 0.2
    regressions_dir: str | None = None  # None: cassettes/<exchange>/regressions/ (saved there)


def resolve(manifest: Manifest, spec: CheckSpec | None, command_line: dict[str, Any]
            ) -> CheckOptions:
    """Apply, in order: defaults, the manifest's [suite] table, the check, the command line."""
    options = CheckOptions()
    suite_table = manifest.cassette_options.get("suite", {})
    for source in (suite_table, {"timeout": spec.timeout} if spec else {}, command_line):
        updates: dict[str, Any] = {key: value for key, value in source.items()
                   if value is not None and key in CheckOptions.__dataclass_fields__}
        options = replace(options, **updates)
    return options
