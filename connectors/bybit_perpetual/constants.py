"""Bybit v5 linear perpetuals: what the spot constants (connectors/bybit/constants.py) do not
cover. Sources: bybit-exchange/docs, docs/v5/position/*.mdx, account/transaction-log.mdx,
market/tickers.mdx, websocket/public/ticker.mdx, websocket/private/position.mdx."""

from __future__ import annotations

from connectors.bybit import constants as spot
from harness.base import RateLimit

CATEGORY = "linear"
SETTLE_COIN = "USDT"
POSITIONS_PATH = "/v5/position/list"
SET_LEVERAGE_PATH = "/v5/position/set-leverage"
SWITCH_MODE_PATH = "/v5/position/switch-mode"
TRANSACTION_LOG_PATH = "/v5/account/transaction-log"
FUNDING_HISTORY_PATH = "/v5/market/funding/history"

# switch-mode: 0 merged single (one-way), 3 both sides (hedge).
ONE_WAY_MODE, HEDGE_MODE = 0, 3
# positionIdx: 0 one-way, 1 the hedge-mode long (buy) side, 2 the hedge-mode short side.
ONE_WAY_INDEX, LONG_INDEX, SHORT_INDEX = 0, 1, 2

# enum.mdx, execType: executions on a position that no order of ours made.
LIQUIDATION_EXEC_TYPES = {"BustTrade": "liquidation", "AdlTrade": "adl"}
# execution.mdx: at most 100 executions a page (the default is 50).
EXECUTIONS_LIMIT = 100

LEVERAGE_NOT_MODIFIED = 110043  # "Set leverage has not been modified."
MODE_NOT_MODIFIED = 110025  # "Position mode has not been modified."

RATE_LIMITS = (
    *spot.RATE_LIMITS,
    # rate-limit.mdx: 10/s for linear order create, cancel and cancel-all (these replace
    # spot's 20/s: the throttler keeps the last entry of an id); 50/s for the position and
    # account reads; 10/s for set-leverage and switch-mode.
    *(RateLimit(spot.limit_id("POST", path), 10, 1.0, 1, ((spot.IP_POOL, 1),))
      for path in (spot.CREATE_PATH, spot.CANCEL_PATH, spot.CANCEL_ALL_PATH)),
    RateLimit(spot.limit_id("GET", POSITIONS_PATH), 50, 1.0, 1, ((spot.IP_POOL, 1),)),
    RateLimit(spot.limit_id("POST", SET_LEVERAGE_PATH), 10, 1.0, 1, ((spot.IP_POOL, 1),)),
    RateLimit(spot.limit_id("POST", SWITCH_MODE_PATH), 10, 1.0, 1, ((spot.IP_POOL, 1),)),
    RateLimit(spot.limit_id("GET", TRANSACTION_LOG_PATH), 50, 1.0, 1, ((spot.IP_POOL, 1),)),
)
