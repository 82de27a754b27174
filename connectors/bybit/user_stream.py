"""Bybit's private stream: the auth operation, the subscription, and its topics.

One connection to /v5/private: `{"op": "auth", "args": [key, expires, signature]}`, then
`{"op": "subscribe", "args": ["order", "execution", "wallet"]}`; each is answered with
`{"success": bool, "ret_msg": ..., "op": ...}`. Topic messages carry a `data` list; they
are the same for every category, which each entry names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connectors.bybit.auth import ws_auth_args
from connectors.bybit.parsing import parse_coin_balances, parse_execution, parse_order
from harness.base.hooks import UserMessage
from harness.base.payload_values import PairLookup
from harness.base.stream import StreamConnection
from harness.standard.model import BalanceChange

TOPICS = ("order", "execution", "wallet")


class OperationRefused(ConnectionError):
    """Bybit answered the auth or subscribe operation with success=false; reconnect."""

    def __init__(self, op: str, message: str) -> None:
        super().__init__(f"Bybit refused the private stream's {op}: {message}")
        self.message = message


async def operation(connection: StreamConnection, op: str, args: Sequence[Any]) -> None:
    """Send one operation and wait for its answer (other frames before it are dropped:
    nothing is subscribed yet)."""
    await connection.send_json({"op": op, "args": list(args)})
    while True:
        reply = await connection.receive_json()
        if isinstance(reply, dict) and reply.get("op") == op:
            break
    if reply.get("success") is not True:
        raise OperationRefused(op, str(reply.get("ret_msg", reply)))


async def authenticate_and_subscribe(connection: StreamConnection, api_key: str,
                                     api_secret: str, expires_ms: int,
                                     topics: Sequence[str] = TOPICS) -> None:
    await operation(connection, "auth", ws_auth_args(api_key, api_secret, expires_ms))
    await operation(connection, "subscribe", topics)


def parse_user_message(message: Any, pair_of: PairLookup, category: str) -> list[UserMessage]:
    """One frame of the private stream: orders, executions and wallet balances of
    `category` ("spot", "linear"); anything else gives nothing."""
    if not isinstance(message, dict):
        return []
    topic = message.get("topic")
    data = message.get("data")
    if topic is None or not isinstance(data, list):
        if message.get("op") and message.get("success") is False:
            raise ConnectionError(f"Bybit private stream error: {message.get('ret_msg')}")
        return []  # pong, or the answer to an operation
    items: list[UserMessage] = []
    for entry in data:
        if topic == "wallet":
            items += wallet_changes(entry)
        elif topic in ("order", "execution") and entry.get("category") == category:
            pair = pair_of(str(entry["symbol"]))
            if pair is None:
                continue  # a market this connector does not trade
            if topic == "order":
                items.append(parse_order(entry))
            elif entry.get("execType", "Trade") == "Trade":
                items.append(parse_execution(entry, pair))
    return items


def wallet_changes(account: Mapping[str, Any]) -> list[UserMessage]:
    """A wallet entry: the absolute balances of its coins."""
    return [BalanceChange(asset, balance.total, balance.available)
            for asset, balance in parse_coin_balances(account["coin"]).items()]
