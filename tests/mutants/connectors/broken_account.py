"""Mutants with one bug in balances, resilience or security."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from connectors.binance import constants
from connectors.binance.connector import BinanceSpotConnector
from harness.base import RestRequest
from harness.base.hooks import UserMessage
from harness.base.stream import StreamConnection
from harness.base.throttler import Throttler
from harness.standard.errors import ConnectorError, ExchangeError, TimeSyncError
from harness.standard.model import Balance, BalanceChange

log = logging.getLogger(__name__)


class WrongBalanceTotal(BinanceSpotConnector):
    """The total balance leaves out the locked amount."""

    async def request_balances(self) -> dict[str, Balance]:
        return {asset: Balance(b.available, b.available)
                for asset, b in (await super().request_balances()).items()}


class BalancesNeverRemoved(BinanceSpotConnector):
    """A full account snapshot is merged into the old one: vanished assets stay."""

    async def update_balances(self) -> None:
        old = dict(self._balances)
        await super().update_balances()
        self._balances = {**old, **self._balances}


class IgnoresStreamBalances(BinanceSpotConnector):
    """Balance updates on the user stream are thrown away."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [item for item in super().parse_user_message(message)
                if not isinstance(item, BalanceChange)]


class IgnoresRetryAfter(BinanceSpotConnector):
    """After HTTP 429 the request is retried at once, whatever Retry-After said."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rest._max_retry_after = 0.0


class NoThrottle(BinanceSpotConnector):
    """Declares no rate limits, so nothing is throttled."""

    rate_limits = ()


class ThrottlesAfterSending(BinanceSpotConnector):
    """Sends each request first and waits for the throttler after: bursts past the limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        throttler = self.throttler
        self.rest._throttler = Throttler((), now=self.clock.time, sleep=self.clock.sleep)
        send_once = self.rest._send_once

        async def send_then_wait(request: RestRequest) -> Any:
            try:
                return await send_once(request)
            finally:
                await throttler.acquire(request.limit_id or urlsplit(request.url).path)

        self.rest._send_once = send_then_wait  # type: ignore[method-assign]


def _not_about_unreadable_text(record: logging.LogRecord) -> bool:
    return "not JSON" not in str(record.msg)


class DropsUnreadableFramesSilently(BinanceSpotConnector):
    """Stream frames that are not JSON are skipped without a word (other problems still log)."""

    async def start(self) -> None:
        logging.getLogger("harness.base.stream").addFilter(_not_about_unreadable_text)
        await super().start()

    async def stop(self) -> None:
        await super().stop()
        logging.getLogger("harness.base.stream").removeFilter(_not_about_unreadable_text)


class SwallowsSecondTimeRefusal(BinanceSpotConnector):
    """A balance refresh refused twice for its timestamp returns as if it had worked."""

    async def update_balances(self) -> None:
        with contextlib.suppress(TimeSyncError):
            await super().update_balances()


class ForgetsBan(BinanceSpotConnector):
    """HTTP 418 is not retried, but the ban is forgotten: the next request goes out anyway."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.rest.request

        async def forgetful(rest_request: RestRequest) -> Any:
            self.rest.banned_until = 0.0
            return await request(rest_request)

        self.rest.request = forgetful  # type: ignore[method-assign]


class NoTimeResync(BinanceSpotConnector):
    """A -1021 timestamp rejection is treated as a plain error: no resync, no retry."""

    def classify_error(self, status: int, headers: Mapping[str, str], body: Any
                       ) -> ConnectorError | None:
        if isinstance(body, dict) and body.get("code") == constants.INVALID_TIMESTAMP:
            return ExchangeError(str(body.get("msg")))
        return super().classify_error(status, headers, body)


class StreamStuckAfterGarbage(BinanceSpotConnector):
    """After one frame it cannot read, the user stream parser ignores everything."""

    _stuck = False

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        if self._stuck:
            return []
        if not isinstance(message, dict) or not ("event" in message or "id" in message):
            self._stuck = True
            return []
        return super().parse_user_message(message)


class UserStreamNoResubscribe(BinanceSpotConnector):
    """After a reconnect the user stream is not subscribed again."""

    _subscribed = False

    async def subscribe_user_stream(self, connection: StreamConnection) -> None:
        if not self._subscribed:
            await super().subscribe_user_stream(connection)
            self._subscribed = True


class LogsSecret(BinanceSpotConnector):
    """Logs the API secret while signing (at DEBUG, "harmless")."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        log.debug("signing %s with key %s and secret %s", request.url, self.config.api_key,
                  self.config.api_secret)
        return super().authenticate(request)


class UnsignedPrivateCalls(BinanceSpotConnector):
    """Private requests are signed but carry no X-MBX-APIKEY header."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        signed = super().authenticate(request)
        return replace(signed, headers={name: value for name, value in signed.headers.items()
                                        if name != constants.API_KEY_HEADER})


class SignsPublicCalls(BinanceSpotConnector):
    """Public requests are signed too, sending the API key where it is not needed."""

    async def _call(self, method: str, path: str, params: Mapping[str, str] | None = None,
                    *, signed: bool = False, limit_id: str = "") -> Any:
        return await super()._call(method, path, params, signed=True, limit_id=limit_id)


class WrongSignature(BinanceSpotConnector):
    """Private requests carry a signature that is not the HMAC of what they send."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        signed = super().authenticate(request)
        params = dict(signed.params)
        params["signature"] = params["signature"][::-1]
        return replace(signed, params=params)
