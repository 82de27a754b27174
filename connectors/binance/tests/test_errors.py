"""Each documented Binance error code lands on the standard error the base acts on."""

from __future__ import annotations

import pytest

from connectors.binance.errors import classify_error
from harness.standard.errors import (
    CancelRejected,
    ConnectorError,
    ExchangeError,
    OrderNotFound,
    OrderRejected,
    TimeSyncError,
    UnknownOutcome,
)


def _body(code: int, msg: str) -> dict[str, object]:
    return {"code": code, "msg": msg}


@pytest.mark.parametrize(("status", "code", "msg", "expected"), [
    (400, -1021, "Timestamp for this request is outside of the recvWindow.", TimeSyncError),
    (400, -2010, "Account has insufficient balance for requested action.", OrderRejected),
    (400, -2010, "Order would immediately match and take.", OrderRejected),
    (400, -2011, "Unknown order sent.", OrderNotFound),
    (400, -2011, "Order was not canceled due to cancel restrictions.", CancelRejected),
    (400, -2013, "Order does not exist.", OrderNotFound),
    (400, -1013, "Filter failure: PRICE_FILTER", ExchangeError),
    (400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is "
                 "'^[a-zA-Z0-9-_]{1,36}$'.", ExchangeError),
    (400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
     ExchangeError),
    (400, -1121, "Invalid symbol.", ExchangeError),
    (400, -1022, "Signature for this request is not valid.", ExchangeError),
    (401, -2015, "Invalid API-key, IP, or permissions for action.", ExchangeError),
    (408, -1007, "Timeout waiting for response from backend server. Send status unknown; "
                 "execution status unknown.", UnknownOutcome),
    (400, -1006, "An unexpected response was received from the message bus. Execution "
                 "status unknown.", UnknownOutcome),
    (500, -1000, "An unknown error occurred while processing the request.", UnknownOutcome),
])
def test_error_codes_map_to_the_standard(status: int, code: int, msg: str,
                                         expected: type[ConnectorError]) -> None:
    error = classify_error(status, _body(code, msg))
    assert type(error) is expected
    assert msg in str(error) and str(code) in str(error)


@pytest.mark.parametrize(("status", "body"), [
    (200, {"symbol": "BTCUSDT", "orderId": 28}),
    (200, {}),
    (502, "<html>Bad Gateway</html>"),
    (503, _body(-1001, "Internal error; unable to process your request. Please try again.")),
    (400, "not json"),
])
def test_successes_5xx_and_codeless_bodies_are_left_to_the_base(status: int,
                                                                 body: object) -> None:
    assert classify_error(status, body) is None
