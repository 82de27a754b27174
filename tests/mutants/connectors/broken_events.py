"""Mutants that mishandle events the older cassettes never produced (issue 17, class 4)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from decimal import Decimal
from typing import Any

import aiohttp

from connectors.binance.connector import BinanceSpotConnector
from harness.base.hooks import MarketInfo, UserMessage
from harness.base.stream import ManagedStream, StreamConnection
from harness.standard.enums import OrderState
from harness.standard.model import BalanceChange, CancellationResult, Fill, OrderUpdate
from harness.standard.order import TrackedOrder
from harness.standard.order_book import OrderBookDiff
from harness.standard.rules import TradingRule

log = logging.getLogger(__name__)


class SkipsZeroStreamBalances(BinanceSpotConnector):
    """Takes a zero balance on the user stream for noise and skips it: the asset keeps the
    amount it had before it was spent."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        return [item for item in super().parse_user_message(message)
                if not (isinstance(item, BalanceChange) and item.total == 0)]


class IgnoresExpiredOrders(BinanceSpotConnector):
    """Knows CANCELED but not EXPIRED on the stream: an order the exchange expires is skipped
    as an unknown report and stays open until (if ever) a status poll says otherwise."""

    def parse_user_message(self, message: Any) -> list[UserMessage]:
        event = message.get("event") if isinstance(message, dict) else None
        if isinstance(event, dict) and event.get("X") == "EXPIRED":
            return []
        return super().parse_user_message(message)


class CancelRequestedMeansCancelled(BinanceSpotConnector):
    """Once it has asked to cancel an order, takes the order's next terminal report for the
    cancel's confirmation: a cancel the exchange refuses because the order had already filled
    (-2011 Unknown order sent.) is followed by the fill's report, whose fill it drops as stale
    and whose FILLED status ends the order cancelled, whatever it says was executed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cancel_asked: set[str] = set()

    async def cancel(self, client_order_id: str) -> CancellationResult:
        self._cancel_asked.add(client_order_id)
        return await super().cancel(client_order_id)

    async def _on_user_item(self, item: Any) -> None:
        if isinstance(item, (Fill, OrderUpdate)) and item.client_order_id in self._cancel_asked:
            if isinstance(item, Fill):
                return
            if item.state is OrderState.FILLED:
                item = replace(item, state=OrderState.CANCELED, executed_amount=None)
        await super()._on_user_item(item)


class CountsRepeatedReports(BinanceSpotConnector):
    """Deduplicates a stream fill only against the order's latest one: a report the stream
    repeats after a later trade counts again (as a new trade)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._repeats = 0

    async def _on_user_item(self, item: Any) -> None:
        if isinstance(item, Fill):
            order = self.orders.find(item.client_order_id, item.exchange_order_id)
            latest = list(order.fills)[-1] if order is not None and order.fills else None
            if item.trade_id in (order.fills if order is not None else {}) \
                    and item.trade_id != latest:
                self._repeats += 1
                item = replace(item, trade_id=f"{item.trade_id}-{self._repeats}")
        await super()._on_user_item(item)


class _GoodbyeIsFinal(ManagedStream):
    """A stream that takes the server's goodbye (its shutdown notice, or a close frame with a
    code) for the end: only a dropped connection is reconnected."""

    async def run(self) -> None:
        while True:
            try:
                closed_cleanly = await self._run_until_closed()
            except ConnectionError:
                closed_cleanly = True  # the server said the stream is over
            except (aiohttp.ClientError, OSError) as exc:
                log.warning("%s stream: connection failed: %s", self.name, exc)
                closed_cleanly = False
            finally:
                self._on_disconnected()
            if closed_cleanly:
                log.info("%s stream: the server ended it", self.name)
                return
            await self._clock.sleep(self._reconnect_delay)

    async def _run_until_closed(self) -> bool:
        async with self._session().ws_connect(self._url(), autoping=True) as ws:
            self.connections += 1
            await self._on_connected(StreamConnection(ws))
            async for message in ws:
                if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    log.warning("%s stream: skipped a frame that is not JSON: %.80r",
                                self.name, message.data)
                    continue
                try:
                    await self._on_message(payload)
                except ConnectionError:
                    raise
                except Exception:
                    log.exception("%s stream: could not process a message; skipped", self.name)
            return ws.close_code is not None and ws.close_code != 1006


class StopsOnServerClose(BinanceSpotConnector):
    """Never reconnects the user stream after the server ends it (serverShutdown, then a close
    frame 1001): orders and balances go unreported from then on."""

    def _user_stream(self) -> ManagedStream:
        stream = super()._user_stream()
        stream.__class__ = _GoodbyeIsFinal
        return stream


class DropsDiffsBeforeSnapshot(BinanceSpotConnector):
    """Applies depth diffs only once the book has its snapshot; diffs that arrive while the
    snapshot is still loading are dropped instead of buffered, so the book misses them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply = self.order_books.on_diff

        def on_diff(diff: OrderBookDiff) -> None:
            book = self.order_books.books.get(diff.pair)
            if book is not None and book.loaded:
                apply(diff)

        self.order_books.on_diff = on_diff  # type: ignore[method-assign]


class TrustsMinNotionalToExchange(BinanceSpotConnector):
    """Checks the minimum notional locally only for NOTIONAL filters: the older MIN_NOTIONAL
    (judged on an average price, so "the exchange's business") is left to the exchange,
    which refuses the order after it was sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._older_form: set[str] = set()

    def parse_market(self, record: Any) -> MarketInfo | None:
        if any(f.get("filterType") == "MIN_NOTIONAL" for f in record.get("filters", ())):
            self._older_form.add(str(record.get("symbol")))
        return super().parse_market(record)

    def _local_problem(self, order: TrackedOrder, rule: TradingRule | None) -> str | None:
        if rule is not None and self._markets[order.pair].symbol in self._older_form:
            rule = replace(rule, min_notional=Decimal(0))
        return super()._local_problem(order, rule)
