"""Conformance replay, the WebSocket side: any correct client's way of asking for the streams.

A scenario's subscription is a set of streams: a client may ask for them in one frame or
in several, with any request id (a number, "1", a uuid); each request gets its own answer,
with the id it sent. A stream the scenario does not hold is refused. Requests other than
subscriptions (a WebSocket API call) are compared without what the client chooses (its
request id, signature fields). Connection paths the exchange treats alike are served alike
(Binance: `/ws` and `/ws/<name>`). Frames that echo a client order id echo the client's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from harness.cassette.exchange import ExchangeProfile
from harness.cassette.format import Direction, FrameKind, WsFrame
from harness.replay.client_ids import ClientIds


class WsConformance:
    """The policy WsReplay consults in conformance mode."""

    def __init__(self, profile: ExchangeProfile, ids: ClientIds) -> None:
        self.profile = profile
        self.ids = ids

    def accepts_path(self, recorded: str, requested: str) -> bool:
        return self.profile.ws_path_accepts(recorded, requested)

    @property
    def ignored(self) -> frozenset[str]:
        """Keys of a client frame that are the client's own choice."""
        return self.profile.ws_client_chosen | {self.profile.ws_request_id}

    def streams_of(self, message: Any) -> frozenset[str] | None:
        """The streams a subscription request asks for; None if `message` is not one."""
        method = self.profile.ws_subscribe_method
        key = self.profile.ws_subscribe_key
        if not method or not isinstance(message, Mapping) or message.get(key) != method:
            return None
        streams = message.get(self.profile.ws_subscribe_streams)
        if not isinstance(streams, list):
            return None
        return frozenset(str(s) for s in streams)

    def heartbeat(self, path: str, message: Any) -> str | None:
        """The exchange's answer to an application-level ping on `path`; None if `message`
        is no ping (exchange.yaml ws.heartbeat)."""
        for beat in self.profile.ws_heartbeats:
            if beat.answers(path, message):
                reply = dict(beat.reply)
                key = self.profile.ws_request_id
                if key in message:
                    reply[key] = message[key]
                return json.dumps(reply, separators=(",", ":"), ensure_ascii=False)
        return None

    def replies(self, frames: Sequence[WsFrame]) -> dict[int, list[int]]:
        """For each client frame, the server frames that answer it: triggered by it and
        carrying its request id. They are sent once per matching client request."""
        key = self.profile.ws_request_id
        found: dict[int, list[int]] = {}
        for position, frame in enumerate(frames):
            client = frame.after.client
            if frame.dir is not Direction.SERVER or client is None:
                continue
            request = frames[client].value
            if (frame.kind is FrameKind.JSON and isinstance(frame.value, Mapping)
                    and isinstance(request, Mapping) and key in request
                    and frame.value.get(key) == request[key]):
                found.setdefault(client, []).append(position)
        return found

    def reply(self, frame: WsFrame, message: Any) -> str:
        """A recorded answer with the request id this client sent."""
        key = self.profile.ws_request_id
        value = dict(frame.value)
        if isinstance(message, Mapping) and key in message:
            value[key] = message[key]
        return json.dumps(self.ids.echo(value), separators=(",", ":"), ensure_ascii=False)

    def combined(self, path: str, params: Mapping[str, tuple[str, ...]]
                 ) -> tuple[str, frozenset[str]] | None:
        """For a combined-stream URL: the recorded path it is served from, and its streams."""
        spec = self.profile.ws_combined
        if spec is None or path != spec.path or not params.get(spec.query):
            return None
        names = spec.separator.join(params[spec.query]).split(spec.separator)
        return spec.serves, frozenset(name for name in names if name)

    def server_frame(self, frame: WsFrame, payload: bytes, asked: frozenset[str] = frozenset()
                     ) -> bytes:
        """A server frame as this client must see it: its own order ids echoed, and wrapped
        with its stream's name on a combined-stream connection (`asked`: its URL streams)."""
        spec = self.profile.ws_combined
        stream = spec.stream_for(frame.value, asked) if spec is not None and asked else None
        if frame.kind is not FrameKind.JSON or not (self.ids.aliased or stream):
            return payload
        value = self.ids.echo(frame.value)
        if spec is not None and stream is not None:
            value = {spec.stream_key: stream, spec.data_key: value}
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Subscriptions:
    """The streams asked for so far on one connection, against the scenario's."""

    def __init__(self, policy: WsConformance, frames: Sequence[WsFrame]) -> None:
        self.policy = policy
        self.wanted: dict[int, frozenset[str]] = {}
        for position, frame in enumerate(frames):
            if frame.dir is Direction.CLIENT:
                streams = policy.streams_of(frame.value)
                if streams is not None:
                    self.wanted[position] = streams
        self.scenario = frozenset().union(*self.wanted.values()) if self.wanted else frozenset()
        self.asked: set[str] = set()

    def refuse(self, streams: frozenset[str]) -> str | None:
        """Why the exchange would send nothing for some of `streams` here, or None."""
        unknown = sorted(streams - self.scenario)
        if not unknown:
            return None
        return (f"stream(s) {', '.join(unknown)} are not part of this scenario (it holds"
                f" {', '.join(sorted(self.scenario)) or 'no streams'})")

    def ask(self, streams: frozenset[str], position: int | None) -> bool:
        """Record a request; True when the scenario's step `position` is now fully asked."""
        self.asked |= streams
        if position is None or position not in self.wanted:
            return False
        return self.wanted[position] <= self.asked
