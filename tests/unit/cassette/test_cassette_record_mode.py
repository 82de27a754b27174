"""Record modes: vcrpy's names, CI forces none, and what each mode does with a cassette."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cassette.loader import CassetteNotFound
from harness.cassette.record_mode import (
    Action,
    RecordMode,
    ci_is_set,
    parse_record_mode,
    plan,
    resolve_record_mode,
)


def test_default_is_none_and_names_parse() -> None:
    assert resolve_record_mode(None, env={}) is RecordMode.NONE
    assert resolve_record_mode("new_episodes", env={}) is RecordMode.NEW_EPISODES
    assert parse_record_mode(RecordMode.ALL) is RecordMode.ALL
    with pytest.raises(ValueError, match="unknown record mode 'sometimes'; use one of none, once"):
        parse_record_mode("sometimes")


@pytest.mark.parametrize(("value", "is_ci"), [("true", True), ("1", True), ("", False),
                                               ("false", False), ("0", False)])
def test_ci_forces_none(value: str, is_ci: bool) -> None:
    env = {"CI": value}
    assert ci_is_set(env) is is_ci
    expected = RecordMode.NONE if is_ci else RecordMode.ALL
    assert resolve_record_mode("all", env=env) is expected


def test_plan(tmp_path: Path) -> None:
    missing, present = tmp_path / "missing.yaml", tmp_path / "present.yaml"
    present.write_text("version: 1\n")
    assert plan(RecordMode.NONE, present) is Action.REPLAY
    assert plan(RecordMode.ONCE, present) is Action.REPLAY
    assert plan(RecordMode.ONCE, missing) is Action.RECORD
    assert plan(RecordMode.NEW_EPISODES, present) is Action.REPLAY_AND_RECORD_NEW
    assert plan(RecordMode.NEW_EPISODES, missing) is Action.RECORD
    assert plan(RecordMode.ALL, present) is Action.RECORD
    with pytest.raises(CassetteNotFound) as info:
        plan(RecordMode.NONE, missing)
    assert str(info.value).startswith(f"{missing}: cassette not found and record mode is none")
