"""What checks see of the scenarios: `SubjectPlan.scenarios()` returns a `Scenarios`.

Suites never import harness.scenarios (ARCHITECTURE.md); the subject plan hands them this
facade, which runs the machine for the plan's connector and records the result for the
reports, and replays the connector's regression cassettes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.manifest import Manifest
from harness.scenarios.record import record
from harness.scenarios.runner import ScenarioRun, run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.standard.api import SpotConnector

LIFECYCLE_CHECK = "PROP-LIFE-1"


class Scenarios:
    """The property scenarios of one connector."""

    def __init__(self, manifest: Manifest, regressions_root: Path | None = None) -> None:
        self.manifest = manifest
        self.regressions_root = regressions_root  # None: the connector's cassette folder

    @property
    def available(self) -> bool:
        """True when the manifest names an exchange double (else there is nothing to run)."""
        return bool(self.manifest.double)

    @property
    def unavailable_reason(self) -> str:
        return (f"{self.manifest.name} declares no exchange double (double = "
                "\"module:WireFormat\" in connector.toml), so there are no property scenarios")

    def run(self, *, max_examples: int | None = None,
            connector_class: Callable[..., SpotConnector] | None = None) -> ScenarioRun:
        """Run the lifecycle machine (profile and seed from the environment) and record its
        result for this connector's reports. A failure the manifest lists as known (an
        unexpired PROP-LIFE-1 entry) is not exported as a regression cassette: each run
        would add another for the same known behaviour."""
        plan = plan_from_env(max_examples=max_examples)
        known = self.manifest.known_failure(LIFECYCLE_CHECK)
        outcome = run_scenarios(self.manifest, plan, connector_class=connector_class,
                                export=known is None or known.expired(),
                                regressions_root=self.regressions_root)
        record(outcome.result)
        return outcome

    def regressions(self) -> list[Path]:
        """The connector's regression cassettes (cassettes/<exchange>/regressions/, in a
        subfolder named after the connector when that is not the exchange's name)."""
        from harness.scenarios.regression import regression_paths

        return regression_paths(self.manifest)

    def scenario_of(self, path: Path) -> str:
        """The scenario name of one of `regressions()`, for `subject_plan.replay()`."""
        from harness.scenarios.regression import regression_scenario

        return regression_scenario(self.manifest, path.stem)

    def recorded_config(self, path: Path) -> dict[str, Any]:
        """The ConnectorConfig overrides a regression cassette was recorded with."""
        from harness.cassette.loader import load_cassette

        config = load_cassette(path).meta.inputs.get("config", {})
        return dict(config) if isinstance(config, dict) else {}

    async def replay(self, subject: Any) -> list[str]:
        """Drive a subject replaying a regression cassette through the steps it carries;
        return the broken invariants (1-3 and 6, and orders that ended unlike the exchange
        recorded them)."""
        from harness.scenarios.regression import replay_steps

        return await replay_steps(subject)
