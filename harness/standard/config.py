"""What a connector is built with: credentials, pairs, URL overrides and its clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.standard.clock import Clock, SystemClock
from harness.standard.pair import TradingPair


@dataclass(frozen=True)
class ConnectorConfig:
    """Construction parameters every connector accepts.

    `urls` overrides the connector's default base URLs by role ("rest", "ws_public",
    "ws_private"); the harness points them at loopback servers. Intervals are in the clock's
    seconds. `exclusive_account` declares that nobody else trades on the account, which allows
    bulk cancel endpoints that would otherwise cancel orders the connector did not place.
    `session_tag` fixes the random part of client order ids (the harness sets it so recorded
    traffic is reproducible); empty means random.
    """

    trading_pairs: tuple[TradingPair, ...]
    api_key: str = ""
    api_secret: str = field(default="", repr=False)
    urls: Mapping[str, str] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    poll_interval: float = 10.0
    rules_refresh_interval: float = 1800.0
    request_timeout: float = 10.0
    reconnect_delay: float = 1.0
    max_retry_after: float = 60.0
    lost_order_threshold: int = 3
    exclusive_account: bool = False
    session_tag: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
