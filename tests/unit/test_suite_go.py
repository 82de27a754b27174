"""The suites' go-ahead (suites/spot/_support.py go): the check pings, then the replay plays
what waits for `go`, whichever endpoint the connector's network check asked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from suites.spot._support import go
from tests.fixtures.aio import run


class _Connector:
    def __init__(self) -> None:
        self.pings = 0

    async def check_network(self) -> Any:
        self.pings += 1


class _Replay:
    def __init__(self) -> None:
        self.released: list[str] = []

    def release(self, ident: str) -> None:
        self.released.append(ident)


def test_go_pings_then_releases_the_frames_waiting_for_go() -> None:
    connector, replay = _Connector(), _Replay()
    run(go(SimpleNamespace(connector=connector, server=replay)))  # type: ignore[arg-type]
    assert connector.pings == 1 and replay.released == ["go"]


def test_go_against_a_server_without_recorded_frames_only_pings() -> None:
    connector = _Connector()
    run(go(SimpleNamespace(connector=connector, server=object())))  # type: ignore[arg-type]
    assert connector.pings == 1
