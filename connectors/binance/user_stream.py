"""The user data stream over Binance's WebSocket API.

Listen keys were retired on 2026-02-20; the documented way for any key type (HMAC included) is
one signed request on the WebSocket API, `userDataStream.subscribe.signature`. After its
success response, events arrive as `{"subscriptionId": N, "event": {...}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.binance.auth import sign_ws_params
from connectors.binance.parsing import order_state
from harness.base.hooks import UserMessage
from harness.base.payload_values import PairLookup, decimal, seconds
from harness.base.stream import StreamConnection
from harness.standard.enums import OrderState, TradeSide
from harness.standard.model import BalanceChange, Fill, OrderUpdate, TradeFee

SUBSCRIBE_METHOD = "userDataStream.subscribe.signature"


class SubscriptionRefused(ConnectionError):
    """The WebSocket API answered the subscription with an error; the stream reconnects."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"Binance refused the user data subscription: {message} (code {code})")
        self.code = code


def subscribe_request(request_id: int, api_key: str, api_secret: str, timestamp_ms: int
                      ) -> dict[str, Any]:
    return {"id": request_id, "method": SUBSCRIBE_METHOD,
            "params": sign_ws_params({}, api_key, api_secret, timestamp_ms)}


async def subscribe(connection: StreamConnection, request_id: int, api_key: str,
                    api_secret: str, timestamp_ms: int) -> int:
    """Send the signed subscription and wait for its answer; return the subscription id."""
    await connection.send_json(subscribe_request(request_id, api_key, api_secret, timestamp_ms))
    while True:
        reply = await connection.receive_json()
        if isinstance(reply, dict) and reply.get("id") == request_id:
            break
    if reply.get("status") != 200:
        error = reply.get("error") or {}
        raise SubscriptionRefused(error.get("code"), str(error.get("msg", reply)))
    return int(reply["result"]["subscriptionId"])


def parse_user_message(message: Any, pair_of: PairLookup) -> list[UserMessage]:
    """One frame of the WebSocket API connection once subscribed."""
    if not isinstance(message, dict):
        return []
    event = message.get("event")
    if not isinstance(event, dict):
        if message.get("id") is None and message.get("status", 200) != 200:
            # An unsolicited error, such as a revoked API key (-2015): the stream is dead.
            raise ConnectionError(f"Binance WebSocket API error: {message.get('error')}")
        return []  # the answer to a request of ours
    kind = event.get("e")
    if kind == "executionReport":
        return parse_execution_report(event, pair_of)
    if kind == "outboundAccountPosition":
        return parse_account_position(event)
    if kind in ("eventStreamTerminated", "serverShutdown"):
        raise ConnectionError(f"Binance ended the user data stream ({kind})")
    # balanceUpdate carries only a delta; the outboundAccountPosition that follows a balance
    # change has the absolute values. listStatus and externalLockUpdate concern nothing we track.
    return []


def parse_execution_report(event: Mapping[str, Any], pair_of: PairLookup) -> list[UserMessage]:
    """An order's new state, preceded by its fill when the execution type is TRADE."""
    pair = pair_of(event["s"])
    if pair is None:
        return []  # a market this connector does not trade, so not one of its orders
    # For a cancel, `c` is the cancel request's own id and `C` the order's; "" otherwise.
    client_order_id = event.get("C") or str(event["c"])
    exchange_order_id = str(event["i"])
    timestamp = seconds(event["T"])
    state = order_state(event["X"])
    reason = str(event["r"]) if state is OrderState.FAILED and event.get("r") else None
    update = OrderUpdate(client_order_id, exchange_order_id, state, timestamp,
                         executed_amount=decimal(event["z"]), reason=reason)
    if event["x"] != "TRADE":
        return [update]
    fill = Fill(
        str(event["t"]), client_order_id, exchange_order_id, pair, TradeSide(event["S"]),
        price=decimal(event["L"]), amount=decimal(event["l"]),
        # N is null when no commission was charged; the amount is then 0 anyway.
        fee=TradeFee(str(event["N"] or pair.quote), decimal(event["n"])),
        timestamp=timestamp, is_maker=bool(event["m"]))
    return [fill, update]


def parse_account_position(event: Mapping[str, Any]) -> list[UserMessage]:
    """outboundAccountPosition: absolute balances of the assets that changed."""
    changes: list[UserMessage] = []
    for entry in event["B"]:
        free, locked = decimal(entry["f"]), decimal(entry["l"])
        changes.append(BalanceChange(str(entry["a"]), free + locked, free))
    return changes
