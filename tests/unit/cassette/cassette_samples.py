"""A valid cassette document (the format's example) that tests copy and break."""

from __future__ import annotations

import copy
from typing import Any

ORDER_URI = ("https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT"
             "&timeInForce=GTC&quantity=0.001&price=30000&timestamp=1&signature=SCRUBBED")

_SAMPLE: dict[str, Any] = {
    "version": 1,
    "meta": {
        "connector": "binance",
        "scenario": "place_limit_buy",
        "standard_version": "1.0.0",
        "source": "documented-example",
        "date": "2026-11-21",
        "exchange_api_version": "v3",
        "scrubbed": ["X-MBX-APIKEY", "signature"],
        "description": "place one limit buy and see it acknowledged",
    },
    "http": {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "GET", "uri": "https://api.binance.com/api/v3/time",
                            "body": None, "headers": {}},
                "response": {"status": {"code": 200, "message": "OK"},
                             "headers": {"Content-Type": ["application/json"]},
                             "body": {"string": '{"serverTime":1499827319559}'}},
                "harness": {"repeat": True},
            },
            {
                "request": {"method": "POST", "uri": ORDER_URI, "body": None,
                            "headers": {"X-MBX-APIKEY": ["SCRUBBED"]}},
                "response": {"status": {"code": 200, "message": "OK"},
                             "headers": {"Content-Type": ["application/json"]},
                             "body": {"string": '{"symbol":"BTCUSDT","orderId":28,'
                                                '"status":"NEW"}'}},
                "harness": {"id": "new-order"},
            },
        ],
    },
    "ws": [
        {
            "url": "wss://stream.binance.com:9443/ws",
            "frames": [
                {"dir": "client", "json": {"method": "SUBSCRIBE", "params": ["btcusdt@depth"],
                                           "id": 1}, "match": {"ignore": ["id"]}},
                {"dir": "server", "json": {"result": None, "id": 1}, "after": {"client": 0}},
                {"dir": "server", "text": "not json", "after": {"delay": 0.01}},
                {"dir": "server", "json": {"e": "executionReport", "i": 28},
                 "after": {"http": "new-order"}},
                {"dir": "server", "close": {"code": 1001, "reason": "server going away"}},
            ],
        }
    ],
}


def sample_doc() -> dict[str, Any]:
    """A fresh deep copy of the valid sample document."""
    return copy.deepcopy(_SAMPLE)
