"""Which replay a check gets: conformance by default (the exchange declares exchange.yaml),
strict with --replay-mode strict, for `meta.replay: strict` and for regression cassettes,
and strict when the exchange declares nothing."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.cassette.format import ReplayMode
from harness.cassette.loader import load_cassette
from harness.options import CheckOptions
from harness.registry import load_registry
from harness.replay.session import ReplaySession
from harness.subject import SubjectPlan, exchange_profile

BINANCE = load_registry().get("binance")


def mode_of(plan: SubjectPlan, scenario: str) -> tuple[ReplayMode, Any]:
    async def run() -> tuple[ReplayMode, Any]:
        async with plan.replay(scenario) as subject:
            mode: ReplayMode = subject.server.mode
            return mode, subject.exchange
    return asyncio.run(asyncio.wait_for(run(), 10))


def test_checks_replay_by_meaning_unless_told_strict() -> None:
    mode, profile = mode_of(SubjectPlan(BINANCE, None, CheckOptions(strict=False)),
                            "network_ok")
    assert mode is ReplayMode.CONFORMANCE and profile.exchange == "binance"
    strict = SubjectPlan(BINANCE, None, CheckOptions(strict=False, replay_mode="strict"))
    assert mode_of(strict, "network_ok") == (ReplayMode.STRICT, None)


def test_a_cassette_may_ask_for_strict_replay() -> None:
    cassette = load_cassette(Path(__file__).resolve().parents[3] / "cassettes" / "binance"
                             / "network_ok.yaml")
    profile = exchange_profile(BINANCE)
    pinned = replace(cassette, meta=replace(cassette.meta, replay=ReplayMode.STRICT))
    assert ReplaySession(pinned, exchange=profile).mode is ReplayMode.STRICT
    assert ReplaySession(cassette, exchange=profile).mode is ReplayMode.CONFORMANCE
    assert ReplaySession(cassette).mode is ReplayMode.STRICT


def test_an_exchange_without_exchange_yaml_is_replayed_strictly(tmp_path: Path) -> None:
    folder = tmp_path / "cassettes" / "binance"
    folder.mkdir(parents=True)
    root = Path(__file__).resolve().parents[3] / "cassettes" / "binance"
    shutil.copy(root / "network_ok.yaml", folder / "network_ok.yaml")
    manifest = replace(BINANCE, cassette_options={**BINANCE.cassette_options,
                                                   "root": str(folder)})
    assert exchange_profile(manifest) is None
    plan = SubjectPlan(manifest, None, CheckOptions(strict=False))
    assert mode_of(plan, "network_ok") == (ReplayMode.STRICT, None)


def test_strict_replay_requires_every_answer_but_an_optional_one() -> None:
    # order_book_gap holds a later snapshot (depth_btc_3) only a client that refetches uses.
    cassette = load_cassette(Path(__file__).resolve().parents[3] / "cassettes" / "binance"
                             / "order_book_gap.yaml")
    (later,) = [i for i in cassette.interactions if i.id == "depth_btc_3"]
    assert later.optional
    required = replace(cassette, interactions=tuple(
        replace(i, optional=False) if i is later else i for i in cassette.interactions))

    def never_used(source: Any) -> list[str]:
        return [line for line in ReplaySession(source).unused() if "depth_btc" in line]
    assert [line for line in never_used(cassette) if "depth_btc_3" in line] == []
    assert any("depth_btc_3" in line for line in never_used(required))
