"""Host routing for clients that cannot take URL overrides.

`route_hosts({"https://api.binance.com": "http://127.0.0.1:5001", ...})` patches
aiohttp.ClientSession so every request (and `ws_connect`, which goes through the same
method) to a mapped host goes to the loopback server instead, same path and query, with
the original host in an `X-Forwarded-Host` header so one server can tell hosts apart.
The connector under test needs no cooperation: it keeps using the real URLs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from harness.replay.http import FORWARDED_HOST

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


@dataclass(frozen=True)
class _Route:
    scheme: str
    host: str
    port: int
    prefix: str
    target: URL

    def rewrite(self, url: URL) -> URL | None:
        if (url.scheme, (url.host or "").lower(), url.port) != (self.scheme, self.host, self.port):
            return None
        path = url.raw_path
        if self.prefix and not (path == self.prefix or path.startswith(self.prefix + "/")):
            return None
        rest = path[len(self.prefix):]
        new = self.target.with_path(self.target.raw_path.rstrip("/") + rest, encoded=True)
        return new.with_query(url.raw_query_string) if url.raw_query_string else new

    @property
    def forwarded_host(self) -> str:
        default = _DEFAULT_PORTS.get(self.scheme)
        return self.host if self.port == default else f"{self.host}:{self.port}"


def _routes(mapping: Mapping[str, str]) -> list[_Route]:
    routes: list[_Route] = []
    for original, target in mapping.items():
        url = URL(original)
        if not url.absolute or url.scheme not in _DEFAULT_PORTS or url.port is None:
            raise ValueError(f"route_hosts: {original!r} is not an absolute http(s)/ws(s) URL")
        routes.append(_Route(url.scheme, (url.host or "").lower(), url.port,
                             url.raw_path.rstrip("/"), URL(target)))
    # Longest prefix first, so /api/v3 wins over /api for the same host.
    return sorted(routes, key=lambda r: len(r.prefix), reverse=True)


def rewrite_url(routes: list[_Route], url: URL) -> tuple[URL, str] | None:
    """The loopback URL and the original host for `url`, or None if no route applies."""
    for route in routes:
        new = route.rewrite(url)
        if new is not None:
            return new, route.forwarded_host
    return None


@contextmanager
def route_hosts(mapping: Mapping[str, str]) -> Iterator[None]:
    """Send aiohttp traffic for the mapped bases to their loopback targets until exit.

    >>> with route_hosts({"https://api.binance.com": replay.http_base_for(  # doctest: +SKIP
    ...         "https://api.binance.com")}):
    ...     await session.get("https://api.binance.com/api/v3/time")   # served by the replay
    """
    routes = _routes(mapping)
    original = aiohttp.ClientSession._request

    async def _request(self: aiohttp.ClientSession, method: str, str_or_url: Any,
                       **kwargs: Any) -> aiohttp.ClientResponse:
        url = self._build_url(str_or_url)
        found = rewrite_url(routes, url)
        if found is not None:
            str_or_url, host = found
            headers: CIMultiDict[str] = CIMultiDict(kwargs.get("headers") or {})
            headers[FORWARDED_HOST] = host
            kwargs["headers"] = headers
        return await original(self, method, str_or_url, **kwargs)

    aiohttp.ClientSession._request = _request  # type: ignore[method-assign]
    try:
        yield
    finally:
        aiohttp.ClientSession._request = original  # type: ignore[method-assign]
