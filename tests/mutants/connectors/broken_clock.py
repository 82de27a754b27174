"""Mutants with one bug in the time they sign with (issue 17, class 2: time)."""

from __future__ import annotations

from connectors.binance.auth import sign_rest_request
from connectors.binance.connector import BinanceSpotConnector
from harness.base import RestRequest


class SignsWithLocalTime(BinanceSpotConnector):
    """Signs with its own clock: the measured server-time offset is never applied."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        return sign_rest_request(request, self.config.api_key, self.config.api_secret,
                                 int(self.clock.time() * 1000))


class TimestampsInSeconds(BinanceSpotConnector):
    """Signs the exchange's time, but in seconds where Binance wants milliseconds."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        return sign_rest_request(request, self.config.api_key, self.config.api_secret,
                                 self.time_sync.now_ms() // 1000)


class SubtractsServerOffset(BinanceSpotConnector):
    """Applies the server-time offset with the wrong sign: twice as far off as no offset."""

    def authenticate(self, request: RestRequest) -> RestRequest:
        return sign_rest_request(request, self.config.api_key, self.config.api_secret,
                                 int(self.clock.time() * 1000 - self.time_sync.offset_ms))
