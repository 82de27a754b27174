"""BybitLinearDouble: Bybit v5 linear perpetuals' wire format for the harness' DoubleServer.

The spot double's server side (signed headers, recv window, order flow, streams) with the
linear routes and shapes: /v5/public/linear with `tickers.<symbol>` (mark and index price,
funding rate and time: a snapshot on subscribe, then deltas), and the private `position`
topic besides order / execution / wallet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.bybit.double import stream
from connectors.bybit.double.render import dec
from connectors.bybit.double.rest import Context, Handler
from connectors.bybit.double.validate import ENDPOINTS, Endpoint
from connectors.bybit.double.wire import BybitDouble
from connectors.bybit_perpetual import constants as c
from connectors.bybit_perpetual.double import markets, render
from connectors.bybit_perpetual.double.rest import HANDLERS, LinearContext
from harness.double import BalancesChanged, DoubleWsConnection, Exchange, ExchangeEvent
from harness.double.perpetual import (
    FundingSettled,
    Liquidated,
    MarkChanged,
    PerpetualExchange,
    PositionChanged,
)
from harness.subject import TEST_API_KEY, TEST_API_SECRET

Json = dict[str, Any]
PUBLIC_PATH = "/v5/public/linear"
# The recv window is judged with a wide slack here. The property scenarios' clock runs 20-100x
# and skips idle waits (harness/idle_time.py); a perpetual connector signs more requests
# per step than a spot one (positions and funding payments are polled too), and on a
# loaded machine one of them, signed and not yet read by the double, was seen judged 37
# clock-seconds late (a 5 s slack made PROP-LIFE-1 flaky there). The connector's clock
# handling itself is judged by the cassette checks (time_resync, SPOT-RES).
LINEAR_TRANSIT_SLACK_MS = 60_000
LINEAR_ENDPOINTS: Mapping[tuple[str, str], Endpoint] = {
    **ENDPOINTS,
    ("GET", c.POSITIONS_PATH): Endpoint("positions", True, ("category",)),
    ("POST", c.SET_LEVERAGE_PATH): Endpoint("set_leverage", True, (
        "category", "symbol", "buyLeverage", "sellLeverage")),
    ("POST", c.SWITCH_MODE_PATH): Endpoint("switch_mode", True, ("category", "mode")),
    ("GET", c.TRANSACTION_LOG_PATH): Endpoint("transaction_log", True),
    ("GET", c.FUNDING_HISTORY_PATH): Endpoint("funding_history", False, ("category", "symbol")),
}


class BybitLinearDouble(BybitDouble):
    """The server side of Bybit v5 USDT perpetuals over the harness' perpetual exchange.

    >>> from harness.double import DoubleServer, FaultPlan
    >>> server = DoubleServer(BybitLinearDouble.default_exchange(), BybitLinearDouble(),
    ...                       FaultPlan())
    """

    default_exchange = staticmethod(markets.default_exchange)
    seed = staticmethod(markets.seed)
    endpoints: ClassVar[Mapping[tuple[str, str], Endpoint]] = LINEAR_ENDPOINTS
    handlers: ClassVar[Mapping[str, Handler]] = HANDLERS
    public_path: ClassVar[str] = PUBLIC_PATH
    private_topics: ClassVar[frozenset[str]] = stream.PRIVATE_TOPICS | {"position"}

    def __init__(self, exchange: Exchange | None = None, *, api_key: str = TEST_API_KEY,
                 api_secret: str = TEST_API_SECRET,
                 transit_slack_ms: int = LINEAR_TRANSIT_SLACK_MS) -> None:
        super().__init__(exchange, api_key=api_key, api_secret=api_secret,
                         transit_slack_ms=transit_slack_ms)

    def new_context(self) -> Context:
        return LinearContext(exchange=self.exchange if isinstance(
            self.exchange, PerpetualExchange) else None)

    async def handle_http(self, request: Any, exchange: Exchange) -> Any:
        self._bind(exchange)
        return await super().handle_http(request, exchange)

    def _bind(self, exchange: Exchange | None) -> None:
        if isinstance(exchange, PerpetualExchange) and isinstance(self.context, LinearContext):
            self.context.exchange = exchange

    # -- public tickers ----------------------------------------------------------------------
    def extra_public_topic(self, topic: str) -> bool:
        exchange = self.current_exchange()
        prefix, _, symbol = topic.partition(".")
        return prefix == "tickers" and (exchange is None
                                        or exchange.market_by_symbol(symbol) is not None)

    async def after_public_subscribe(self, conn: DoubleWsConnection, topics: list[str]) -> None:
        wanted = [t for t in topics if t.startswith("tickers.")]
        exchange = self.current_exchange()
        if not wanted or not isinstance(exchange, PerpetualExchange):
            return
        if "ticker" not in conn.kinds:
            conn.subscribe("ticker", self._ticker_renderer(conn))
        for topic in wanted:
            spec = exchange.market_by_symbol(topic.partition(".")[2])
            if spec is not None:  # a subscription starts with a snapshot
                await conn.send_json({"topic": topic, "type": "snapshot", "cs": exchange.now(),
                                      "ts": exchange.now(),
                                      "data": render.ticker(exchange, spec)})

    def _ticker_renderer(self, conn: DoubleWsConnection) -> Any:
        def render_event(event: ExchangeEvent) -> list[Json]:
            exchange = self.current_exchange()
            if not isinstance(event, MarkChanged) or not isinstance(exchange, PerpetualExchange):
                return []
            spec = exchange.market(event.pair)
            topic = f"tickers.{spec.symbol}" if spec is not None else ""
            if topic not in conn.state.get("topics", set()):
                return []
            # A delta holds only what changed: here the mark, index and funding fields.
            return [{"topic": topic, "type": "delta", "cs": event.time_ms, "ts": event.time_ms,
                     "data": {"symbol": topic.partition(".")[2],
                              "markPrice": dec(event.mark),
                              "indexPrice": dec(event.index),
                              "fundingRate": dec(event.rate),
                              "nextFundingTime": str(event.next_funding_ms)}}]

        return render_event

    # -- private ------------------------------------------------------------------------------
    def user_payloads(self, event: ExchangeEvent) -> list[Json]:
        exchange = self.exchange
        self._bind(exchange)
        if not isinstance(exchange, PerpetualExchange):
            return []
        if isinstance(event, PositionChanged):
            state = event.position
            spec = exchange.market(state.pair)
            if spec is None:
                return []
            return [_message("position", event.time_ms, [render.position(
                state, spec.symbol, exchange.mark_price(state.pair), category=render.CATEGORY,
                rest=False)])]
        if isinstance(event, Liquidated):
            spec = exchange.market(event.position.pair)
            return [] if spec is None else [_message(
                "execution", event.time_ms, [render.liquidation_execution(event, spec.symbol)])]
        if isinstance(event, FundingSettled):
            spec = exchange.market(event.position.pair)
            return [] if spec is None else [_message(
                "execution", event.time_ms, [render.funding_execution(event, spec.symbol)])]
        if isinstance(event, BalancesChanged):
            if not any(b.asset == render.SETTLE_COIN for b in event.balances):
                return []
            return [_message("wallet", event.time_ms, [render.wallet_account(exchange)])]
        return super().user_payloads(event)


def _message(topic: str, time_ms: int, data: list[Json]) -> Json:
    return {"id": f"{topic}-{time_ms}", "topic": topic, "creationTime": time_ms, "data": data}
