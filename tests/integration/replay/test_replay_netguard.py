"""The network guard: only loopback is reachable while it is active; restored on exit."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from harness.replay.netguard import (
    NetworkBlocked,
    block_network,
    is_loopback_host,
    network_blocked,
)
from tests.fixtures.aio import run

TEST_NET = "203.0.113.5"  # TEST-NET-3: documentation only, never routed


def test_connect_to_a_public_address_is_blocked_before_any_packet() -> None:
    with block_network(), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(NetworkBlocked) as info:
            sock.connect((TEST_NET, 443))
        assert str(info.value).startswith(
            f"network access blocked: connect to {TEST_NET}:443; tests never reach the"
            f" internet, only 127.0.0.1")
        with pytest.raises(NetworkBlocked):
            sock.connect_ex((TEST_NET, 80))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
                pytest.raises(NetworkBlocked):
            udp.sendto(b"x", (TEST_NET, 53))


def test_dns_lookups_of_real_names_are_blocked() -> None:
    with block_network():
        with pytest.raises(NetworkBlocked, match=r"DNS lookup of 'example\.com'"):
            socket.getaddrinfo("example.com", 443)
        assert socket.getaddrinfo("localhost", 80)
        assert socket.getaddrinfo("127.0.0.1", 80)
        assert socket.getaddrinfo(None, 80, flags=socket.AI_PASSIVE)
        assert socket.getaddrinfo(TEST_NET, 80)  # numeric: no DNS; connect decides


def test_loopback_stays_reachable() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with block_network(), socket.create_connection(server.getsockname(), timeout=2) as c:
            assert c.getpeername() == server.getsockname()


def test_async_clients_are_blocked_too() -> None:
    async def scenario() -> None:
        with block_network():
            with pytest.raises(NetworkBlocked):
                await asyncio.open_connection(TEST_NET, 443)
            async with aiohttp.ClientSession() as client:
                with pytest.raises(NetworkBlocked):
                    await client.get("https://example.com/")

    run(scenario())


def test_nesting_restores_only_at_the_outermost_exit() -> None:
    original = (socket.socket.connect, socket.getaddrinfo)
    assert not network_blocked()
    with block_network():
        with block_network():
            assert network_blocked()
        assert network_blocked()
        with pytest.raises(NetworkBlocked):
            socket.getaddrinfo("example.com", 80)
    assert not network_blocked()
    assert (socket.socket.connect, socket.getaddrinfo) == original


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True),
    ("::ffff:127.0.0.1", True), ("localhost", True), ("LOCALHOST.", True), ("a.localhost", True),
    (b"127.0.0.1", True), (None, True), (TEST_NET, False), ("0.0.0.0", False),
    ("example.com", False), ("10.0.0.1", False),
])
def test_loopback_classification(host: object, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_unix_sockets_are_local(tmp_path: object) -> None:
    with block_network(), socket.socket(socket.AF_UNIX) as sock, pytest.raises(OSError) as info:
        sock.connect(f"{tmp_path}/missing.sock")
    assert not isinstance(info.value, NetworkBlocked)
