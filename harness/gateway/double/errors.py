"""Errors the double answers with: Fastify's {statusCode, error, message}."""

from __future__ import annotations


class GatewayError(Exception):
    """A refused request: HTTP `status` and one clear message."""

    status = 400
    title = "Bad Request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(GatewayError):
    status = 404
    title = "Not Found"


class TxFailure(Exception):
    """Why a transaction failed on chain (slippage exceeded, insufficient balance, expired)."""
