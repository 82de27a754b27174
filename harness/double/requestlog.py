"""Every HTTP request and WebSocket client frame a double server received, with verdicts.

Property tests assert on it: "every request the connector sent was valid", "the connector
retried the cancel after the 503", "it never polled balances while the stream was up".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

_DETAIL_LIMIT = 2000


class Channel(StrEnum):
    HTTP = "http"
    WS = "ws"


@dataclass
class LoggedRequest:
    """One received request or frame. `status` is None while unanswered (or never answered)."""

    seq: int
    channel: Channel
    method: str
    path: str
    operation: str
    detail: str
    invalid_reason: str | None = None
    fault: str | None = None
    status: int | None = None

    @property
    def valid(self) -> bool:
        return self.invalid_reason is None

    def describe(self) -> str:
        verdict = "valid" if self.valid else f"INVALID ({self.invalid_reason})"
        extra = f" fault={self.fault}" if self.fault else ""
        status = f" -> {self.status}" if self.status is not None else ""
        return (f"#{self.seq} {self.channel.value} {self.method} {self.path} "
                f"[{self.operation}]{status}{extra}: {verdict} {self.detail[:200]}")


class RequestLog:
    """Append-only list of `LoggedRequest`, cleared by the server's reset."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []

    def add(self, channel: Channel, method: str, path: str, operation: str, detail: str,
            invalid_reason: str | None = None) -> LoggedRequest:
        entry = LoggedRequest(len(self._entries) + 1, channel, method, path, operation,
                              detail[:_DETAIL_LIMIT], invalid_reason)
        self._entries.append(entry)
        return entry

    def invalid(self) -> list[LoggedRequest]:
        return [entry for entry in self._entries if not entry.valid]

    def for_operation(self, operation: str) -> list[LoggedRequest]:
        return [entry for entry in self._entries if entry.operation == operation]

    def operations(self) -> list[str]:
        """Operation names in arrival order (handy for asserting retry sequences)."""
        return [entry.operation for entry in self._entries]

    def clear(self) -> None:
        self._entries.clear()

    def describe(self) -> str:
        return "\n".join(entry.describe() for entry in self._entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> LoggedRequest:
        return self._entries[index]
