"""Profiles of the property-based scenarios, chosen by an environment variable.

    HARNESS_HYPOTHESIS_PROFILE=dev|ci|nightly   default: ci when CI is set, else dev
    HARNESS_HYPOTHESIS_SEED=<int>               replay a run: the seed every result prints
    HARNESS_HYPOTHESIS_EXAMPLES=<int>           override the profile's example count
    HARNESS_HYPOTHESIS_STREAMS_ONLY=<int>       override the streams-only examples (0: none)

`ci` is reproducible (a fixed seed unless one is given, no example database) and runs 500
examples per connector (at least 200 were asked for); `dev` draws a fresh seed per run and
keeps failing examples in .hypothesis/ (gitignored) so the next run tries them first;
`nightly` explores longer, with a fresh (printed, stored) seed and real client-side timeouts.

Each run has two passes: the examples above with the connector's periodic status and balance
polling on, then `streams_only_share` of that many more with it off (`POLLING_OFF`), so that
only the streams move the connector's state and stream handling is judged alone
(docs/scenarios.md, "Streams only").

The hypothesis side of each profile is registered as `harness-<name>` (see
`hypothesis_settings`); it is never loaded globally, so other hypothesis tests keep theirs.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

PROFILE_ENV = "HARNESS_HYPOTHESIS_PROFILE"
SEED_ENV = "HARNESS_HYPOTHESIS_SEED"
EXAMPLES_ENV = "HARNESS_HYPOTHESIS_EXAMPLES"
STREAMS_ONLY_ENV = "HARNESS_HYPOTHESIS_STREAMS_ONLY"
POLLING_OFF = 1_000_000.0
"""The poll interval (clock seconds, 11 days) of the streams-only pass: no example lasts a
fraction of it, so after its start-up reads the connector polls neither status nor balances."""
CI_SEED = 20260101
"""The seed CI uses unless HARNESS_HYPOTHESIS_SEED says otherwise (any fixed value will do:
what matters is that two CI runs of the same code draw the same examples)."""


class ScenarioConfigError(ValueError):
    """A bad profile name, seed or example count in the environment."""


@dataclass(frozen=True)
class ScenarioProfile:
    """How hard the machine searches, and the timings the connector runs with.

    Times marked "clock" are the connector's (scaled) seconds; the others are wall seconds.
    """

    name: str
    max_examples: int
    step_count: int
    fixed_seed: int | None
    use_database: bool
    clock_speed: float = 100.0
    poll_interval: float = 2.0
    """Clock seconds between status and balance polls: still more eager than a production
    connector (Hummingbot's are 5-120 s). Idle waits cost no wall time (idle_time), so a
    shorter interval would only add requests: at 0.5 s a ci run sent 40 % more."""
    reconnect_delay: float = 0.2  # clock
    exchange_clock_behind: float = 600.0
    """Clock seconds the double's clock runs behind the connector's: far outside any
    receive window and the transit slack below, so only a connector that signs with the
    measured server-time offset (in the exchange's unit) gets its signed requests accepted
    (issue 17, class 2)."""
    transit_slack: float = 2.0
    """Wall seconds a signed request may arrive late (or early) beyond the exchange's window
    before the double blames the client (invariant 8). The double still refuses it as the
    exchange would; the slack only keeps a stalled process from reading as a bug: at
    clock_speed 100 a 0.25 s stall on a busy machine is 25 clock-s."""
    request_timeout: float = 0.5
    step_deadline: float = 10.0
    settle_deadline: float = 0.25
    """How long a step waits for the connector to catch up with the exchange (not a check:
    it keeps steps from overlapping, so an example replays the same way)."""
    quiescence_deadline: float = 2.0
    """How long the connector gets to agree with the exchange once every fault is over
    (it usually takes a few poll intervals: tens of ms)."""
    probe_deadline: float = 0.15
    """How long a stream probe (a deposit, a new price level) may take to show."""
    cut_held_after: float | None = 0.005
    """Cut a request a timeout fault holds after this long (the client sees a dropped
    connection: the same unknown outcome as its own timeout, without waiting for it);
    None lets the client's own request timeout fire."""
    idle_jump: float | None = 0.001
    """When no socket has data, the run's loop jumps its time towards the next timer by at
    most this many seconds at a time (harness.idle_time); None waits in real
    time."""
    streams_only_share: float = 0.2
    """Streams-only examples run after the polling ones, as a share of their count: 100 of
    ci's 500 find the stream-handling bugs polling hid (tests/integration/scenarios); they
    cost no more per example than the polling ones (docs/scenarios.md, "Speed")."""
    ws_delay: float = 0.02
    reorder_release: float = 0.05
    hold_limit: float = 5.0

    @property
    def hypothesis_profile(self) -> str:
        return f"harness-{self.name}"


PROFILES: dict[str, ScenarioProfile] = {
    "dev": ScenarioProfile("dev", max_examples=50, step_count=20, fixed_seed=None,
                           use_database=True),
    # 500, not the 200 the benchmark times: on the fixed seed two of the six sequence-only
    # bugs in tests/integration/scenarios need 250-300 examples to show.
    "ci": ScenarioProfile("ci", max_examples=500, step_count=30, fixed_seed=CI_SEED,
                          use_database=False),
    # Real client timeouts: a request cut while held is retried by aiohttp with its old
    # signed timestamp, so held time times clock speed must stay inside recvWindow (5 s).
    "nightly": ScenarioProfile("nightly", max_examples=2000, step_count=50, fixed_seed=None,
                               use_database=False, cut_held_after=None, clock_speed=20.0,
                               request_timeout=0.2, settle_deadline=0.5,
                               quiescence_deadline=8.0),
}


def _register() -> None:
    common = dict(deadline=None, derandomize=False, print_blob=False,
                  report_multiple_bugs=False,
                  phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target,
                          Phase.shrink),
                  suppress_health_check=list(HealthCheck))
    for profile in PROFILES.values():
        database = DirectoryBasedExampleDatabase(".hypothesis/examples") \
            if profile.use_database else None
        settings.register_profile(profile.hypothesis_profile, max_examples=profile.max_examples,
                                  stateful_step_count=profile.step_count, database=database,
                                  **common)  # type: ignore[arg-type]


_register()


@dataclass(frozen=True)
class RunPlan:
    """The profile in force plus the seed and example count of this run."""

    profile: ScenarioProfile
    seed: int
    max_examples: int
    streams_only_examples: int = 0
    """Examples of the second pass, with status and balance polling off (0: no such pass)."""
    # Shrinking a failure to its fewest steps costs far more than finding it (a mutant found
    # in 6 examples took 690 to shrink): a caller that only asks *whether* the machine finds
    # a bug, such as the project's mutant hunts, turns it off. Reports want it on.
    shrink: bool = True

    @property
    def step_count(self) -> int:
        return self.profile.step_count

    def hypothesis_settings(self, *, streams_only: bool = False) -> settings:
        """The registered hypothesis profile, with the example count of this run's pass."""
        base = settings.get_profile(self.profile.hypothesis_profile)
        examples = self.streams_only_examples if streams_only else self.max_examples
        phases = base.phases if self.shrink else tuple(
            phase for phase in base.phases if phase is not Phase.shrink)
        return settings(base, max_examples=examples, stateful_step_count=self.profile.step_count,
                        phases=phases)

    def reproduce_hint(self) -> str:
        hint = f"{PROFILE_ENV}={self.profile.name} {SEED_ENV}={self.seed}"
        if self.max_examples != self.profile.max_examples:
            hint += f" {EXAMPLES_ENV}={self.max_examples}"
        if self.streams_only_examples != _share(self.profile, self.max_examples):
            hint += f" {STREAMS_ONLY_ENV}={self.streams_only_examples}"
        return hint


def plan_from_env(env: Mapping[str, str] | None = None, *, max_examples: int | None = None,
                  step_count: int | None = None, seed: int | None = None,
                  profile: str | None = None, streams_only_examples: int | None = None
                  ) -> RunPlan:
    """The run plan the environment asks for; explicit arguments win over it.

    >>> plan_from_env({"CI": "true"}).profile.name, plan_from_env({"CI": "1"}).seed
    ('ci', 20260101)
    >>> plan_from_env({"HARNESS_HYPOTHESIS_SEED": "7"}).seed
    7
    >>> plan_from_env({"CI": "1"}).streams_only_examples
    100
    """
    environ = os.environ if env is None else env
    name = profile or environ.get(PROFILE_ENV) or ("ci" if environ.get("CI") else "dev")
    if name not in PROFILES:
        raise ScenarioConfigError(f"{PROFILE_ENV}={name!r} is not a profile; use one of "
                                  f"{', '.join(PROFILES)}")
    chosen = PROFILES[name]
    if step_count is not None:
        chosen = replace(chosen, step_count=step_count)
    if seed is None:
        seed = _int_env(environ, SEED_ENV)
    if seed is None:
        seed = chosen.fixed_seed if chosen.fixed_seed is not None else random.getrandbits(32)
    if max_examples is None:
        max_examples = _int_env(environ, EXAMPLES_ENV)
    if max_examples is None:
        max_examples = chosen.max_examples  # 0 is allowed: the streams-only pass alone
    if streams_only_examples is None:
        streams_only_examples = _int_env(environ, STREAMS_ONLY_ENV)
    if streams_only_examples is None:
        streams_only_examples = _share(chosen, max_examples)
    if streams_only_examples < 0 or max_examples < 0:
        raise ScenarioConfigError(f"{EXAMPLES_ENV}={max_examples}, {STREAMS_ONLY_ENV}="
                                  f"{streams_only_examples}: a count is negative; set each to "
                                  "0 (no such pass) or more")
    if streams_only_examples == max_examples == 0:
        raise ScenarioConfigError(f"{EXAMPLES_ENV}=0 and {STREAMS_ONLY_ENV}=0 leave no example "
                                  "to run; set either to 1 or more")
    return RunPlan(chosen, seed, max_examples, streams_only_examples)


def _share(profile: ScenarioProfile, max_examples: int) -> int:
    """The streams-only examples that go with `max_examples` polling ones (at least one)."""
    return max(1, math.ceil(max_examples * profile.streams_only_share)) \
        if profile.streams_only_share > 0 else 0


def _int_env(environ: Mapping[str, str], key: str) -> int | None:
    text = environ.get(key, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ScenarioConfigError(f"{key}={text!r} is not an integer; set it to a whole "
                                  "number (e.g. the seed a previous run printed)") from None
