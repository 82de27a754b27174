"""A lifecycle failure the manifest lists as known is not exported as a regression cassette
on every run (ccxt_binance's PROP-LIFE-1 would add one per seed); an expired one is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from harness.manifest import KnownFailure
from harness.registry import load_registry
from harness.scenarios import api


@pytest.mark.parametrize(("known", "exported"), [
    ((), True),
    ((KnownFailure("PROP-LIFE-1", "ccxt sends orders below NOTIONAL", "https://x.invalid",
                   dt.date(2999, 1, 1)),), False),
    ((KnownFailure("PROP-LIFE-1", "expired", "https://x.invalid", dt.date(2000, 1, 1)),), True),
])
def test_a_known_lifecycle_failure_is_not_exported(monkeypatch: pytest.MonkeyPatch,
                                                   known: tuple[KnownFailure, ...],
                                                   exported: bool) -> None:
    seen: dict[str, Any] = {}

    def fake_run(manifest: Any, plan: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return type("Run", (), {"result": None})()

    monkeypatch.setattr(api, "run_scenarios", fake_run)
    monkeypatch.setattr(api, "record", lambda result: None)
    manifest = dataclasses.replace(load_registry().get("binance"), known_failures=known)
    api.Scenarios(manifest).run(max_examples=1)
    assert seen["export"] is exported
