"""Hummingbot's events as the standard's, forwarded as Hummingbot emits them.

Each of Hummingbot's MarketEvents becomes the standard's event of the same meaning, one for
one: nothing is merged, dropped or re-ordered, so a duplicate or a missing event is
Hummingbot's and the checks see it. What Hummingbot does not emit is derived from its own
state only: BalanceUpdated when the balances it holds change (it emits no balance events),
PublicTradeObserved from its order books' trade events. Whether an order's request reached
the exchange (OrderFailed.request_sent) is whether Hummingbot called its `_place_order` for it:
its own checks (minimum size, notional) refuse an order before that.

Hummingbot holds listeners by weak reference: the forwarder keeps its own alive.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from harness.adapters import hummingbot_values as v
from harness.base.emitter import EventHub
from harness.standard.clock import Clock
from harness.standard.enums import OrderType
from harness.standard.events import (
    BalanceUpdated,
    Event,
    OrderCancelled,
    OrderCompleted,
    OrderCreated,
    OrderFailed,
    OrderFilled,
    PublicTradeObserved,
)
from harness.standard.model import Balance, Fill

log = logging.getLogger(__name__)


def _listener_type() -> Any:
    base = importlib.import_module("hummingbot.core.event.event_listener").EventListener

    class Forward(base):  # type: ignore[misc, valid-type]
        def __init__(self, handle: Callable[[Any], None]) -> None:
            super().__init__()
            self._handle = handle

        def __call__(self, arg: Any) -> None:
            self._handle(arg)

    return Forward


class EventForwarder:
    """Subscribes to one Hummingbot connector and emits the standard's events on `hub`."""

    def __init__(self, connector: Any, hub: EventHub, clock: Clock) -> None:
        self._hb = connector
        self._hub = hub
        self._clock = clock
        self.sent: set[str] = set()  # client ids whose request Hummingbot sent
        self._balances: dict[str, Balance] | None = None  # None until Hummingbot has some
        self._books: dict[str, Any] = {}
        events = importlib.import_module("hummingbot.core.event.events")
        market = events.MarketEvent
        forward = _listener_type()
        handlers: dict[Any, Callable[[Any], None]] = {
            market.BuyOrderCreated: self._created, market.SellOrderCreated: self._created,
            market.OrderFilled: self._filled, market.BuyOrderCompleted: self._completed,
            market.SellOrderCompleted: self._completed, market.OrderCancelled: self._cancelled,
            market.OrderFailure: self._failed,
        }
        self._listeners = {tag: forward(handle) for tag, handle in handlers.items()}
        for tag, listener in self._listeners.items():
            connector.add_listener(tag, listener)
        self._trade_tag = events.OrderBookEvent.TradeEvent
        self._trade_listener = forward(self._public_trade)

    def _now(self, stamp: Any = None) -> float:
        return v.stamp(stamp, self._clock.time())

    def _emit(self, event: Event) -> None:
        self._hub.emit(event)

    # orders ------------------------------------------------------------------
    def _created(self, event: Any) -> None:
        kind = v.order_type(event.type)
        price = v.decimal(event.price)
        side = "BUY" if type(event).__name__.startswith("Buy") else "SELL"
        self._emit(OrderCreated(self._now(event.timestamp), str(event.order_id),
                                str(event.exchange_order_id or ""), v.pair(event.trading_pair),
                                v.side(side), kind, v.decimal(event.amount),
                                None if kind is OrderType.MARKET or not price else price))

    def _filled(self, event: Any) -> None:
        pair = v.pair(event.trading_pair)
        side = v.side(event.trade_type)
        # The event is stamped with Hummingbot's tick; the trade's own time is in the
        # TradeUpdate it keeps on the order (Binance's T, its REST trade time).
        order = self._hb._order_tracker.fetch_order(client_order_id=event.order_id)
        update = dict(order.order_fills).get(event.exchange_trade_id) if order else None
        traded_at = self._now(update.fill_timestamp if update else event.timestamp)
        fill = Fill(str(event.exchange_trade_id), str(event.order_id),
                    str(event.exchange_order_id) if event.exchange_order_id else None, pair,
                    side, v.decimal(event.price), v.decimal(event.amount),
                    v.fee(event.trade_fee, pair.quote), traded_at)
        self._emit(OrderFilled(self._now(event.timestamp), fill.client_order_id, fill))

    def _completed(self, event: Any) -> None:
        order = self._hb._order_tracker.fetch_order(client_order_id=event.order_id)
        fees = v.tracked_order(order, self._now()).fees if order is not None else ()
        self._emit(OrderCompleted(self._now(event.timestamp), str(event.order_id),
                                  str(event.exchange_order_id) if event.exchange_order_id
                                  else None, v.decimal(event.base_asset_amount),
                                  v.decimal(event.quote_asset_amount), fees))

    def _cancelled(self, event: Any) -> None:
        self._emit(OrderCancelled(self._now(event.timestamp), str(event.order_id),
                                  str(event.exchange_order_id) if getattr(
                                      event, "exchange_order_id", None) else None))

    def _failed(self, event: Any) -> None:
        reason = event.error_message or event.error_type or "failed"
        self._emit(OrderFailed(self._now(event.timestamp), str(event.order_id), str(reason),
                               str(event.order_id) in self.sent))

    # derived from Hummingbot's state ---------------------------------------------
    def _public_trade(self, event: Any) -> None:
        self._emit(PublicTradeObserved(self._now(event.timestamp), v.pair(event.trading_pair),
                                       str(event.trade_id), v.decimal(event.price),
                                       v.decimal(event.amount)))

    def observe(self) -> None:
        """Compare Hummingbot's balances with the last seen (BalanceUpdated for each asset
        that changed since its first balances) and listen to the trades of order books it
        made since."""
        now = v.balances(self._hb.get_all_balances(), self._hb.available_balances)
        if self._balances is not None:  # the first balances Hummingbot holds are no change
            for asset, balance in sorted(now.items()):
                if self._balances.get(asset) != balance:
                    self._emit(BalanceUpdated(self._now(), asset, balance.total,
                                              balance.available))
        self._balances = now if now or self._balances is not None else None
        for pair, book in dict(self._hb.order_books).items():
            if self._books.get(pair) is not book:
                book.add_listener(self._trade_tag, self._trade_listener)
                self._books[pair] = book
