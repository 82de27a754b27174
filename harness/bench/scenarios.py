"""`harness bench scenarios`: how fast the lifecycle machine runs, per connector.

Runs the machine (ci profile unless HARNESS_HYPOTHESIS_PROFILE says otherwise) over every
connector with an exchange double, or those named, and prints examples per second, the wall
time, and where the time went: connector start-up, steps (including the wait for the
connector to catch up), invariants at every step, the quiescence checks at the end of each
example, stopping, and the rest (hypothesis itself); and how much idle waiting the run's
loop skipped (harness.idle_time). A benchmark, not a test: the figure is
reported whatever it is; the target is 200 examples of up to 30 steps in under 10 s.

    harness bench scenarios [--connector NAME] [--examples N] [--steps N] [--seed N]
                            [--streams-only N]

The examples are the polling pass; the streams-only pass adds its share (a fifth) unless
--streams-only gives its count (0: none; with --examples 0, that pass alone).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

TARGET_SECONDS = 10.0
TARGET_EXAMPLES = 200
PHASES = ("start", "steps", "invariants", "checks", "stop")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="harness bench scenarios")
    parser.add_argument("--connector", action="append", default=[], metavar="NAME",
                        help="bench this connector (repeatable); default: all with a double")
    parser.add_argument("--examples", type=int, default=TARGET_EXAMPLES,
                        help=f"examples per connector ({TARGET_EXAMPLES})")
    parser.add_argument("--steps", type=int, default=None, help="steps per example (profile)")
    parser.add_argument("--seed", type=int, default=None, help="seed (profile's, or random)")
    parser.add_argument("--streams-only", type=int, default=None, metavar="N",
                        help="examples of the streams-only pass (a fifth of --examples)")
    return parser.parse_args(list(argv))


def main(args: Any) -> int:
    """Entry point of `harness bench scenarios` (args.rest: the command's own arguments)."""
    from harness.registry import load_registry
    from harness.scenarios.runner import run_scenarios
    from harness.scenarios.settings import plan_from_env
    from harness.standard.enums import Standard

    options = parse(getattr(args, "rest", None) or [])
    registry = load_registry()
    try:
        selected = [m for m in registry.select(options.connector) if m.double]
    except KeyError as exc:
        print(f"harness bench scenarios: {exc}")
        return 2
    # Gateway connectors have their own lifecycle machine (PROP-GW-1), which this does not time.
    manifests = [m for m in selected if m.standard is not Standard.GATEWAY]
    skipped = sorted(m.name for m in selected if m.standard is Standard.GATEWAY)
    if skipped and options.connector:
        print(f"harness bench scenarios: {', '.join(skipped)}: Gateway connectors run "
              "PROP-GW-1, not the order-book machine this times")
    if not manifests:
        print("harness bench scenarios: no spot or perpetual connector with an exchange "
              "double selected")
        return 2
    code = 0
    for manifest in manifests:
        try:
            plan = plan_from_env(max_examples=options.examples, step_count=options.steps,
                                 seed=options.seed, streams_only_examples=options.streams_only,
                                 profile=None if _profile_set() else "ci")
        except ValueError as exc:  # ScenarioConfigError: one clear line
            print(f"harness bench scenarios: {exc}")
            return 2
        run = run_scenarios(manifest, plan, export=False, quiet=True)
        print(format_run(manifest.name, run))
        if not run.result.passed:
            code = 1
    return code


def _profile_set() -> bool:
    import os

    from harness.scenarios.settings import PROFILE_ENV

    return bool(os.environ.get(PROFILE_ENV))


def format_run(name: str, run: Any) -> str:
    """One connector's figures, with the time split by phase."""
    result, seconds = run.result, run.seconds
    timings: dict[str, float] = getattr(run, "timings", {})
    accounted = sum(timings.get(phase, 0.0) for phase in PHASES)
    parts = [f"{phase} {timings.get(phase, 0.0):.1f} s" for phase in PHASES]
    parts.append(f"hypothesis and the rest {max(seconds - accounted, 0.0):.1f} s")
    skipped = getattr(run, "idle_skipped", 0.0)
    verdict = "passed" if result.passed else "FAILED (below)"
    target = (f"target: {TARGET_EXAMPLES} examples in < {TARGET_SECONDS:g} s on 2 cores; "
              f"at this rate {TARGET_EXAMPLES / run.examples_per_second:.1f} s"
              if run.examples_per_second else "")
    text = (f"{name}: {result.examples} examples of up to {run.plan.step_count} steps "
            f"({run.plan.max_examples} + {run.plan.streams_only_examples} streams only asked) in "
            f"{seconds:.2f} s = {run.examples_per_second:.1f} examples/s, profile "
            f"{run.plan.profile.name}, seed {result.seed}, {verdict}\n"
            f"  time: {', '.join(parts)}\n"
            f"  idle waits skipped: {skipped:.1f} s (the loop's time jumps when no socket has "
            f"data)\n  {target}")
    if not result.passed:
        steps = "\n".join(f"    {line}" for line in result.minimal_steps)
        text += f"\n  {result.failure}\n  minimal steps:\n{steps}"
    return text
