"""Replay on real loopback sockets: http.py (aiohttp.web), ws.py (websockets), session.py
(ReplaySession), routing.py (route_hosts), netguard.py (block_network), relay.py (recording)."""

from harness.replay.netguard import NetworkBlocked, block_network
from harness.replay.routing import route_hosts
from harness.replay.session import ReplaySession
from harness.replay.verdict import CassetteMismatch

__all__ = ["CassetteMismatch", "NetworkBlocked", "ReplaySession", "block_network",
           "route_hosts"]
