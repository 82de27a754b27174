"""A regression cassette the machine exports is scrubbed of every credential, whatever the
exchange: Bybit signs REST requests with an X-BAPI-SIGN header (named only by its manifest's
scrub_fields) and its private stream with `{"op": "auth", "args": [key, expires, signature]}`
(a signature no name gives away). The cassette must pass the secret lint that `harness run`
judges a connector's cassettes by, list what was scrubbed in meta.scrubbed, and still replay:
the bug again on the broken connector, nothing on the fixed one (PROP-REG-1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from bybit_mutants import MUTANTS
from regression_replay import replay

from harness.cassette.format import SCRUBBED, Direction
from harness.cassette.lint import lint_file
from harness.cassette.loader import load_cassette
from harness.manifest import Manifest
from harness.registry import load_registry
from harness.scenarios.regression import export_regression
from harness.scenarios.runner import run_scenarios
from harness.scenarios.settings import plan_from_env
from harness.scenarios.steps import Step

# Money in, then one limit buy that takes liquidity at once: the user stream reports its fill.
PROGRAM = ({"kind": "deposit", "args": {"pair": 0, "asset": "quote", "sign": 1}},
           {"kind": "place", "args": {"pair": 0, "side": "BUY", "type": "LIMIT",
                                      "amount": "min_notional", "price": "cross"}})


def manifest_in(name: str, tmp_path: Path) -> Manifest:
    """The registered manifest of `name`, its cassettes (and regressions) under tmp_path."""
    reference = load_registry().get(name)
    return replace(reference, cassette_options={**reference.cassette_options,
                                                "root": str(tmp_path)})


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_an_exported_bybit_cassette_is_scrubbed_and_replays(name: str, tmp_path: Path) -> None:
    manifest = manifest_in(name, tmp_path)
    plan = replace(plan_from_env({}, profile="ci"), shrink=False)
    steps = [Step.from_json(step) for step in PROGRAM]
    cassette = export_regression(manifest, plan, steps, connector_class=MUTANTS[name],
                                 root=tmp_path / "regressions")

    assert lint_file(cassette) == []
    loaded = load_cassette(cassette)
    assert {"X-BAPI-API-KEY", "X-BAPI-SIGN", "args"} <= set(loaded.meta.scrubbed)
    signed = [item for item in loaded.interactions
              if "X-BAPI-SIGN" in item.request.headers]
    assert signed and all(item.request.headers["X-BAPI-SIGN"] == (SCRUBBED,)
                          for item in signed)
    sent = [frame for conn in loaded.ws for frame in conn.frames
            if frame.dir is Direction.CLIENT and isinstance(frame.value, dict)]
    auth = [frame for frame in sent if frame.value.get("op") == "auth"]
    assert len(auth) == 1
    key, expires, signature = auth[0].value["args"]
    assert (key, signature) == (SCRUBBED, SCRUBBED) and isinstance(expires, int)
    assert "args" in auth[0].match.ignore  # the expiry follows the connector's clock
    subscribe = [frame for frame in sent if frame.value.get("op") == "subscribe"]
    assert subscribe and all(SCRUBBED not in frame.value["args"] for frame in subscribe)

    broken = replace(manifest, connector=f"bybit_mutants:{MUTANTS[name].__name__}")
    problems = replay(broken, cassette)
    assert any(problem.startswith(("3: ", "6: ")) for problem in problems), problems
    assert replay(manifest, cassette) == []


def test_a_failure_the_machine_finds_on_bybit_is_exported_scrubbed(tmp_path: Path) -> None:
    """The whole path `harness run` takes: the machine (ci profile, unshrunk) finds the bug
    and exports whatever example showed it; the secret lint finds nothing in it."""
    manifest = manifest_in("bybit", tmp_path)
    run = run_scenarios(manifest, replace(plan_from_env({}, profile="ci"), shrink=False),
                        connector_class=MUTANTS["bybit"], quiet=True,
                        regressions_root=tmp_path / "regressions")
    assert not run.result.passed
    cassette = Path(run.result.regression_cassette)
    assert cassette.parent == tmp_path / "regressions"
    assert lint_file(cassette) == []
