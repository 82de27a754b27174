"""Conformance replay in the fake socket: any correct client's way of talking to the stream.

As loopback conformance replay does (harness/replay/ws_conformance.py, the exchange's
exchange.yaml): a scenario's subscription is a set of streams, asked for in one frame or in
several, with any request id, each request answered with its own id; the exchange's pings
(ws.heartbeat) answered whenever they come; other requests are
compared without what the client chooses (request id, signature fields); frames that echo
a client order id echo this client's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from harness.cassette.format import SCRUBBED, WsFrame
from harness.mocks.script import Script, client_frame_mismatch
from harness.replay.ws_conformance import Subscriptions, WsConformance

WsVerifier = Callable[[Any], "str | None"]


class MeaningScript(Script):
    """A Script that judges client frames by meaning (conformance replay)."""

    def __init__(self, frames: Sequence[WsFrame], label: str, volatile: frozenset[str],
                 on_mismatch: Callable[[str], None], *, policy: WsConformance,
                 verifier: WsVerifier | None = None, path: str = "/") -> None:
        super().__init__(frames, label, volatile, on_mismatch, path=path)
        self.policy = policy
        self.verifier = verifier
        self.replies = policy.replies(frames)
        self._reply_of = {p: client for client, ps in self.replies.items() for p in ps}
        self.subscriptions = Subscriptions(policy, frames)

    def answered_by_client(self, position: int) -> int | None:
        # replies go out from receive(), once per request, with the request's id
        return self._reply_of.get(position, super().answered_by_client(position))

    def server_text(self, frame: WsFrame) -> str:
        text = super().server_text(frame)
        return self.policy.server_frame(frame, text.encode()).decode()

    def receive(self, text: str) -> list[str]:
        parsed = _json(text)
        pong = self.policy.heartbeat(self.path, parsed)
        if pong is not None:  # answered whenever it comes, as the exchange does
            return [pong]
        position = self.expected[0] if self.expected else None
        streams = self.policy.streams_of(parsed)
        if streams is not None:
            return self._subscribe(text, parsed, streams, position)
        if position is None:
            self.on_mismatch(f"{self.label}: unexpected client frame {text[:160]!r} (the"
                             f" scenario expects no more requests here)")
            return []
        reason = client_frame_mismatch(self.frames[position], text,
                                       self.volatile | self.policy.ignored)
        if reason is None and self.verifier is not None and _signed(self.frames[position]):
            problem = self.verifier(parsed)
            reason = None if problem is None else f"ws_verifier rejected it ({problem})"
        if reason is not None:
            self.mismatch(text, position, reason)
            return []
        answers = self._answers(position, parsed)
        self.matched(position)
        return answers

    def _subscribe(self, text: str, parsed: Any, streams: frozenset[str],
                   position: int | None) -> list[str]:
        refused = self.subscriptions.refuse(streams)
        if refused is not None:
            self.on_mismatch(f"{self.label}: subscription {text[:160]!r} refused: {refused}")
            return []
        done = self.subscriptions.ask(streams, position)
        wanted = self.subscriptions.wanted
        step = position if position in wanted else max(wanted, default=None)
        answers = self._answers(step, parsed)
        if done and position is not None:
            self.matched(position)
        return answers

    def _answers(self, step: int | None, message: Any) -> list[str]:
        if step is None:
            return []
        return [self.policy.reply(self.frames[p], message) for p in self.replies.get(step, [])]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _signed(frame: WsFrame) -> bool:
    """Recorded with credentials: some value was scrubbed."""
    return SCRUBBED in json.dumps(frame.value)
