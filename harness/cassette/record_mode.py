"""Record modes, with vcrpy's names and meanings, and the one rule we add: CI never records.

| mode         | cassette exists                          | cassette missing |
|--------------|------------------------------------------|------------------|
| none         | replay; an unknown request is a mismatch | error            |
| once         | replay (as none)                         | record           |
| new_episodes | replay; unknown requests are recorded    | record           |
| all          | record again, overwriting                | record           |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import Enum
from pathlib import Path

from harness.cassette.loader import CassetteNotFound


class RecordMode(str, Enum):
    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"


class Action(str, Enum):
    """What a test's cassette fixture should do for a mode and a cassette path."""

    REPLAY = "replay"  # ReplaySession, record_mode none
    REPLAY_AND_RECORD_NEW = "replay_and_record_new"  # ReplaySession, record_mode new_episodes
    RECORD = "record"  # RecordingProxy


def ci_is_set(env: Mapping[str, str] | None = None) -> bool:
    """True when the environment says we run in CI (`CI` set to anything but ''/0/false/no)."""
    value = (os.environ if env is None else env).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def parse_record_mode(value: str | RecordMode) -> RecordMode:
    """`"new_episodes"` -> RecordMode.NEW_EPISODES; a one-line ValueError for a bad name."""
    try:
        return RecordMode(value)
    except ValueError:
        names = ", ".join(m.value for m in RecordMode)
        raise ValueError(f"unknown record mode {value!r}; use one of {names}") from None


def resolve_record_mode(
    requested: str | RecordMode | None = None, env: Mapping[str, str] | None = None
) -> RecordMode:
    """The record mode in force: the requested one (default none), but always none in CI,
    so a CI run can never reach an exchange or rewrite a cassette."""
    mode = parse_record_mode(requested) if requested is not None else RecordMode.NONE
    return RecordMode.NONE if ci_is_set(env) else mode


def plan(mode: RecordMode, cassette_path: Path) -> Action:
    """What to do for `mode` given whether the cassette file exists.

    Raises CassetteNotFound (one line, with the fix) in mode none when the file is missing.
    """
    exists = cassette_path.exists()
    if mode is RecordMode.ALL:
        return Action.RECORD
    if not exists:
        if mode is RecordMode.NONE:
            raise CassetteNotFound([
                f"{cassette_path}: cassette not found and record mode is none; record it with"
                f" `harness record <connector> <scenario>` (outside CI) or fix the scenario name"
            ])
        return Action.RECORD
    if mode is RecordMode.NEW_EPISODES:
        return Action.REPLAY_AND_RECORD_NEW
    return Action.REPLAY
