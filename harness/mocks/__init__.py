"""Cassettes as in-process mocks for unit tests written in the aioresponses style.

bridge.py (CassetteMock), http.py (REST through aioresponses), ws.py (a fake ws_connect),
socket.py (the fake socket it returns), script.py (what the client is expected to send;
meaning.py: by meaning, in conformance mode),
payloads.py (recorded bodies and frames as values), dependency.py (aioresponses-ng, the
optional extra `connector-harness[aioresponses]`). See docs/aioresponses.md.
"""

from harness.mocks.bridge import CassetteMock
from harness.mocks.dependency import MissingDependency
from harness.mocks.http import UnmatchedRequest
from harness.mocks.payloads import response_json, server_messages
from harness.mocks.socket import FakeWebSocket
from harness.mocks.ws import UnmatchedConnection

__all__ = ["CassetteMock", "FakeWebSocket", "MissingDependency", "UnmatchedConnection",
           "UnmatchedRequest", "response_json", "server_messages"]
