"""REST calls with throttling, signing, and the standard's retry rules.

- 429: wait the server's Retry-After (on the connector's clock), then retry.
- 418 (the exchange has banned us for ignoring 429s): no retry. Every request until the ban
  ends fails at once without reaching the exchange, because retrying extends a ban.
- A time error (the exchange says our timestamp is outside its window): resync, retry once.
- A signed request first awaits `before_signing` (ExchangeBase: the server-time offset, once
  started), so it never carries the local clock's time where the exchange's runs elsewhere.
- Timeouts, dropped connections and 5xx: the outcome is unknown; raise `UnknownOutcome` and let
  status polling settle it, because retrying a placement could duplicate an order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from harness.base.throttler import Throttler
from harness.standard.clock import Clock
from harness.standard.errors import (
    ConnectorError,
    ExchangeError,
    RateLimited,
    TimeSyncError,
    UnknownOutcome,
)

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class RestRequest:
    """A request before it is sent; `authenticate` returns a signed copy."""

    method: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] | None = None
    body: str | None = None
    """A raw body (e.g. JSON text), sent as given: for exchanges that sign the exact bytes."""
    headers: Mapping[str, str] = field(default_factory=dict)
    is_auth: bool = False
    limit_id: str = ""


Authenticator = Callable[[RestRequest], RestRequest]
ErrorClassifier = Callable[[int, Mapping[str, str], Any], ConnectorError | None]


class RestClient:
    def __init__(
        self,
        *,
        throttler: Throttler,
        clock: Clock,
        authenticate: Authenticator,
        classify_error: ErrorClassifier,
        resync_time: Callable[[], Awaitable[None]],
        timeout: float,
        max_retry_after: float,
        before_signing: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._throttler = throttler
        self._clock = clock
        self._authenticate = authenticate
        self._classify_error = classify_error
        self._resync_time = resync_time
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_retry_after = max_retry_after
        self._before_signing = before_signing
        self._session: aiohttp.ClientSession | None = None
        self.banned_until = 0.0

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def request(self, request: RestRequest) -> Any:
        """Send `request` and return its decoded JSON (or text) body."""
        time_retried = False
        rate_limited = 0
        if request.is_auth and self._before_signing is not None:
            await self._before_signing()
        while True:
            banned_for = self.banned_until - self._clock.time()
            if banned_for > 0:
                raise RateLimited(f"{request.method} {_path(request.url)} not sent: banned by "
                                  f"the exchange for {banned_for:.1f} s more", banned_for)
            try:
                return await self._send_once(request)
            except TimeSyncError:
                if time_retried or not request.is_auth:
                    raise
                time_retried = True
                log.warning("%s %s: timestamp rejected, resyncing the clock and retrying once",
                            request.method, _path(request.url))
                await self._resync_time()
            except RateLimited as exc:
                rate_limited += 1
                if exc.banned or rate_limited > MAX_RATE_LIMIT_RETRIES:
                    raise
                wait = min(exc.retry_after, self._max_retry_after)
                log.warning("%s %s: rate limited, waiting %.3f s as the exchange asked",
                            request.method, _path(request.url), wait)
                await self._clock.sleep(wait)

    async def _send_once(self, request: RestRequest) -> Any:
        await self._throttler.acquire(request.limit_id or _path(request.url))
        signed = self._authenticate(request) if request.is_auth else replace(request)
        try:
            async with self.session.request(
                signed.method,
                signed.url,
                params=dict(signed.params) or None,
                data=(signed.body if signed.body is not None
                      else dict(signed.data) if signed.data is not None else None),
                headers=dict(signed.headers),
                timeout=self._timeout,
            ) as response:
                text = await response.text()
                status = response.status
                headers = {key: value for key, value in response.headers.items()}
        except TimeoutError as exc:
            raise UnknownOutcome(f"{request.method} {_path(request.url)} timed out") from exc
        except aiohttp.ClientError as exc:
            raise UnknownOutcome(
                f"{request.method} {_path(request.url)} failed in transit: {type(exc).__name__}"
            ) from exc
        body = _decode(text)
        if status < 400 and isinstance(body, str) and _claims_json(headers, body):
            # A truncated or garbled JSON answer: what the exchange did is unknown, and the
            # connector must say so in words, not fail later on a string where a dict was due.
            raise UnknownOutcome(f"{request.method} {_path(request.url)}: HTTP {status} "
                                 f"response is not valid JSON ({_json_problem(body)}): "
                                 f"{body.strip()[:60]!r}")
        if status in (418, 429):
            retry_after = _retry_after(headers)
            if status == 418:
                self.banned_until = self._clock.time() + retry_after
            raise RateLimited(f"HTTP {status} on {_path(request.url)}", retry_after,
                              banned=status == 418)
        error = self._classify_error(status, headers, body)
        if error is not None:
            raise error
        if status >= 500:
            raise UnknownOutcome(f"HTTP {status} on {request.method} {_path(request.url)}")
        if status >= 400:
            raise ExchangeError(f"HTTP {status} on {request.method} {_path(request.url)}: "
                                f"{str(body)[:200]}")
        return body


def _decode(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _claims_json(headers: Mapping[str, str], body: str) -> bool:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return "json" in content_type.lower() or body.lstrip()[:1] in ("{", "[")


def _json_problem(text: str) -> str:
    try:
        json.loads(text)
    except ValueError as exc:
        return str(exc)
    return "unknown"  # pragma: no cover - only called on text that failed to parse


def _retry_after(headers: Mapping[str, str]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except ValueError:
                break
    return 1.0


def _path(url: str) -> str:
    return urlsplit(url).path
