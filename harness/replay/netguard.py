"""Keep tests off the internet: while a guard is active, only loopback can be reached.

`block_network()` patches `socket.socket.connect`, `connect_ex`, `sendto` and
`socket.getaddrinfo`, so a connection to a non-loopback address, or DNS resolution of any
name but localhost, raises NetworkBlocked before a packet leaves. asyncio and aiohttp go
through these calls too. Guards nest (a depth counter): the originals are restored when
the outermost guard exits.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_lock = threading.Lock()
_depth = 0
_originals: dict[str, Any] = {}


class NetworkBlocked(RuntimeError):
    """A test tried to reach a non-loopback address. Not an OSError on purpose: retry loops
    that swallow connection errors must not hide it."""


def _blocked(what: str) -> NetworkBlocked:
    return NetworkBlocked(
        f"network access blocked: {what}; tests never reach the internet, only 127.0.0.1"
        f" (point the connector at the replay servers, or use route_hosts)"
    )


def is_loopback_host(host: Any) -> bool:
    """True for loopback IPs (127/8, ::1, v4-mapped), localhost names and unix socket paths."""
    if host is None:
        return True  # getaddrinfo(None, port): a local bind, no lookup
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower().rstrip(".")
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _is_numeric(host: Any) -> bool:
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _check_address(address: Any) -> None:
    if isinstance(address, str | bytes):
        return  # AF_UNIX path: local by definition
    if isinstance(address, tuple) and address and not is_loopback_host(address[0]):
        port = address[1] if len(address) > 1 else "?"
        raise _blocked(f"connect to {address[0]}:{port}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(address)
    _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(address)
    result: int = _originals["connect_ex"](self, address)
    return result


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
    _check_address(args[-1] if args else None)
    result: int = _originals["sendto"](self, data, *args)
    return result


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    # A numeric address needs no DNS; whether it may be reached is connect's business.
    if not is_loopback_host(host) and not _is_numeric(host):
        raise _blocked(f"DNS lookup of {host!r}")
    return _originals["getaddrinfo"](host, *args, **kwargs)


def _install() -> None:
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = _guarded_sendto  # type: ignore[assignment]
    socket.getaddrinfo = _guarded_getaddrinfo


def _uninstall() -> None:
    socket.socket.connect = _originals["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals["connect_ex"]  # type: ignore[method-assign]
    socket.socket.sendto = _originals["sendto"]  # type: ignore[method-assign]
    socket.getaddrinfo = _originals["getaddrinfo"]
    _originals.clear()


def network_blocked() -> bool:
    """True while at least one guard is active."""
    return _depth > 0


@contextmanager
def block_network() -> Iterator[None]:
    """Block every non-loopback connection and DNS lookup until exit (nesting is safe).

    >>> with block_network():                     # doctest: +SKIP
    ...     socket.getaddrinfo("example.com", 443)
    NetworkBlocked: network access blocked: DNS lookup of 'example.com'; tests never reach ...
    """
    global _depth
    with _lock:
        if _depth == 0:
            _install()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _uninstall()
