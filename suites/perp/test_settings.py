"""PERP-LEV, PERP-MODE: leverage and position mode, confirmed by the exchange or refused."""

from __future__ import annotations

import pytest

from harness.checks import Severity, check
from harness.standard.enums import PositionMode
from harness.standard.errors import SettingRefused
from harness.standard.events import LeverageChanged, PositionModeChanged
from harness.subject import Subject
from suites.perp._support import pair, perpetual
from suites.spot._support import inp, request_log, served


@check("PERP-LEV-1", "set_leverage returns once the exchange accepted it, and get_leverage "
       "reports it", area="leverage", standard="perpetual", scenario="leverage",
       requires=["leverage"], severity=Severity.CRITICAL)
async def test_leverage_is_set_by_the_exchange(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    target, leverage = pair(inp(subject, "pair")), int(inp(subject, "leverage"))
    await connector.set_leverage(target, leverage)
    assert len(served(subject, "set_leverage")) == 1, \
        f"expected one set-leverage request:\n{request_log(subject)}"
    assert connector.get_leverage(target) == leverage, \
        f"get_leverage {connector.get_leverage(target)}, expected {leverage}"


@check("PERP-LEV-2", "A leverage the exchange refuses raises SettingRefused and leaves the "
       "leverage unchanged", area="leverage", standard="perpetual",
       scenario="leverage_refused", requires=["leverage"])
async def test_refused_leverage_raises(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    target = pair(inp(subject, "pair"))
    before = connector.get_leverage(target)
    with pytest.raises(SettingRefused):
        await connector.set_leverage(target, int(inp(subject, "leverage")))
    assert served(subject, "set_leverage"), f"the exchange was not asked:\n{request_log(subject)}"
    assert connector.get_leverage(target) == before, "a refused leverage was kept"


@check("PERP-LEV-3", "A leverage outside 1..max is refused without a request",
       area="leverage", standard="perpetual", scenario="leverage", requires=["leverage"])
async def test_out_of_range_leverage_is_refused_locally(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    target = pair(inp(subject, "pair"))
    for leverage in inp(subject, "out_of_range"):
        with pytest.raises(SettingRefused) as refused:
            await connector.set_leverage(target, int(leverage))
        assert not refused.value.sent, f"leverage {leverage}: refused, but after asking"
    assert not [r for r in subject.server.requests if r.method == "POST"], \
        f"a leverage out of range was sent:\n{request_log(subject)}"
    # then one in range, which the scenario answers: the refusals above were local
    await connector.set_leverage(target, int(inp(subject, "leverage")))


@check("PERP-MODE-1", "set_position_mode switches once the exchange accepted it",
       area="position_mode", standard="perpetual", scenario="position_mode",
       requires=["position_mode"], severity=Severity.CRITICAL)
async def test_position_mode_is_set_by_the_exchange(subject: Subject) -> None:
    connector = perpetual(subject)
    mode = PositionMode(inp(subject, "mode"))
    assert mode in connector.supported_position_modes, \
        f"{mode.value} is not in supported_position_modes {connector.supported_position_modes}"
    await connector.set_position_mode(mode)
    assert len(served(subject, "switch_mode")) == 1, \
        f"expected one position-mode request:\n{request_log(subject)}"
    assert connector.position_mode is mode, f"position_mode {connector.position_mode}"


@check("PERP-MODE-2", "A position-mode switch the exchange refuses raises SettingRefused and "
       "keeps the mode", area="position_mode", standard="perpetual",
       scenario="position_mode_refused", requires=["position_mode"])
async def test_refused_position_mode_raises(subject: Subject) -> None:
    connector = perpetual(subject)
    before = connector.position_mode
    with pytest.raises(SettingRefused):
        await connector.set_position_mode(PositionMode(inp(subject, "mode")))
    assert served(subject, "switch_mode"), f"the exchange was not asked:\n{request_log(subject)}"
    assert connector.position_mode is before, "a refused mode was kept"


@check("PERP-LEV-4", "Each set_leverage emits one LeverageChanged with its outcome",
       area="leverage", standard="perpetual", scenario="leverage_refused",
       requires=["leverage"])
async def test_leverage_outcomes_are_events(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    target = pair(inp(subject, "pair"))
    with pytest.raises(SettingRefused):
        await connector.set_leverage(target, int(inp(subject, "leverage")))
    with pytest.raises(SettingRefused):
        await connector.set_leverage(target, 0)
    events = [(e.leverage, e.success) for e in subject.events_of(LeverageChanged)]
    assert events == [(int(inp(subject, "leverage")), False), (0, False)], \
        f"LeverageChanged events {events}"


@check("PERP-MODE-3", "Each set_position_mode emits one PositionModeChanged with its outcome",
       area="position_mode", standard="perpetual", scenario="position_mode",
       requires=["position_mode"])
async def test_position_mode_outcomes_are_events(subject: Subject) -> None:
    connector = perpetual(subject)
    mode = PositionMode(inp(subject, "mode"))
    await connector.set_position_mode(mode)
    events = [(e.mode, e.success) for e in subject.events_of(PositionModeChanged)]
    assert events == [(mode, True)], f"PositionModeChanged events {events}"


@check("PERP-LEV-5", "Leverage is per pair: setting one pair's leaves the others' unchanged",
       area="leverage", standard="perpetual", scenario="leverage", requires=["leverage"])
async def test_leverage_is_per_pair(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    target = pair(inp(subject, "pair"))
    others = {p: connector.get_leverage(p) for p in subject.manifest.pairs if p != target}
    await connector.set_leverage(target, int(inp(subject, "leverage")))
    after = {p: connector.get_leverage(p) for p in others}
    assert after == others, f"setting {target}'s leverage changed others: {others} -> {after}"


@check("PERP-SEC-1", "Leverage and position-mode requests are signed as the exchange requires",
       area="security", standard="perpetual", scenario="leverage", requires=["leverage"],
       severity=Severity.BLOCKER)
async def test_perpetual_settings_are_signed(subject: Subject) -> None:
    connector = perpetual(subject)
    await connector.update_trading_rules()
    try:
        await connector.set_leverage(pair(inp(subject, "pair")), int(inp(subject, "leverage")))
    except SettingRefused as exc:
        raise AssertionError(f"set_leverage was refused: {exc}\n{request_log(subject)}") from exc
    refused = [m for m in subject.server.mismatches if "verifier" in m]
    assert not refused and served(subject, "set_leverage"), \
        "the exchange would refuse the request's credentials:\n" + "\n".join(refused)
