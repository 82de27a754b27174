"""Every Gateway route the standard covers, with its request and response schema.

Facts from hummingbot/gateway src/schemas/{router,amm,clmm,chain}-schema.ts and the route
prefixes of src/app.ts: `/connectors/{dex}/{type}/...` and `/chains/{chain}/...`. GET routes
take their request as the query string, POST routes as a JSON body. `network` is optional
everywhere and `walletAddress` falls back to Gateway's default wallet.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.standard.gateway.model import Chain, TradingType, TxStatus
from harness.standard.gateway.schema import Field, Kind, Schema, num, text

_SIDE = Field("side", Kind.STRING, enum=("BUY", "SELL"))
_NETWORK = text("network", required=False)
_WALLET = text("walletAddress", required=False)
_SLIPPAGE = num("slippagePct", required=False)

ERROR = Schema("Error", (num("statusCode"), text("error", required=False), text("message")))


def transaction(name: str, *data: Field) -> Schema:
    """{signature, status, data?}: data only when the transaction is CONFIRMED."""
    return Schema(name, (text("signature"),
                         Field("status", Kind.INTEGER, enum=tuple(int(s) for s in TxStatus)),
                         Field("data", Kind.OBJECT, required=False,
                               schema=Schema(f"{name}.data", data))))


# -- swaps (amm, clmm and router) ---------------------------------------------------------
SWAP_REQUEST = Schema("QuoteSwapRequest", (
    _NETWORK, text("poolAddress", required=False), text("baseToken"),
    text("quoteToken", required=False), num("amount"), _SIDE, _SLIPPAGE))
EXECUTE_SWAP_REQUEST = SWAP_REQUEST.extend("ExecuteSwapRequest", _WALLET)
QUOTE_SWAP = Schema("QuoteSwapResponse", (
    text("poolAddress"), text("tokenIn"), text("tokenOut"), num("amountIn"), num("amountOut"),
    num("price"), num("slippagePct", required=False), num("minAmountOut"), num("maxAmountIn"),
    num("priceImpactPct")))
ROUTER_QUOTE_SWAP = QUOTE_SWAP.without("RouterQuoteSwapResponse", "poolAddress",
                                       "priceImpactPct").extend(
    "RouterQuoteSwapResponse", text("quoteId"), num("slippagePct"), num("priceWithSlippage"))
EXECUTE_QUOTE_REQUEST = Schema("ExecuteQuoteRequest", (_WALLET, _NETWORK, text("quoteId")))
SWAP_EXECUTED = transaction(
    "SwapExecuteResponse", text("tokenIn"), text("tokenOut"), num("amountIn"),
    num("amountOut"), num("fee"), num("baseTokenBalanceChange"),
    num("quoteTokenBalanceChange"))

# -- pools and liquidity --------------------------------------------------------------------
POOL_REQUEST = Schema("PoolInfoRequest", (_NETWORK, text("poolAddress")))
AMM_POOL = Schema("AmmPoolInfo", (
    text("address"), text("baseTokenAddress"), text("quoteTokenAddress"), num("feePct"),
    num("price"), num("baseTokenAmount"), num("quoteTokenAmount")))
# binStep is optional in Gateway's schema (Hummingbot's Python model wrongly requires it).
CLMM_POOL = AMM_POOL.extend("ClmmPoolInfo", Field("binStep", Kind.INTEGER, required=False),
                            Field("activeBinId", Kind.INTEGER))
AMM_POSITION_REQUEST = Schema("AmmPositionInfoRequest", (_NETWORK, text("poolAddress"),
                                                          _WALLET))
AMM_POSITION = Schema("AmmPositionInfo", (
    text("poolAddress"), text("walletAddress"), text("baseTokenAddress"),
    text("quoteTokenAddress"), num("lpTokenAmount"), num("baseTokenAmount"),
    num("quoteTokenAmount"), num("price")))
QUOTE_LIQUIDITY_REQUEST = Schema("QuoteLiquidityRequest", (
    _NETWORK, text("poolAddress"), num("baseTokenAmount", required=False),
    num("quoteTokenAmount", required=False), _SLIPPAGE))
QUOTE_LIQUIDITY = Schema("QuoteLiquidityResponse", (
    Field("baseLimited", Kind.BOOLEAN), num("baseTokenAmount"), num("quoteTokenAmount"),
    num("baseTokenAmountMax"), num("quoteTokenAmountMax")))
AMM_ADD_REQUEST = Schema("AddLiquidityRequest", (
    _NETWORK, _WALLET, text("poolAddress"), num("baseTokenAmount"), num("quoteTokenAmount"),
    _SLIPPAGE))
_ADDED = (num("fee"), num("baseTokenAmountAdded"), num("quoteTokenAmountAdded"))
_REMOVED = (num("fee"), num("baseTokenAmountRemoved"), num("quoteTokenAmountRemoved"))
_COLLECTED = (num("baseFeeAmountCollected"), num("quoteFeeAmountCollected"))
LIQUIDITY_ADDED = transaction("AddLiquidityResponse", *_ADDED)
AMM_REMOVE_REQUEST = Schema("RemoveLiquidityRequest", (
    _NETWORK, _WALLET, text("poolAddress"), num("percentageToRemove")))
LIQUIDITY_REMOVED = transaction("RemoveLiquidityResponse", *_REMOVED)

CLMM_POSITION_REQUEST = Schema("ClmmPositionInfoRequest", (
    _NETWORK, text("positionAddress"), _WALLET))
CLMM_POSITION = Schema("ClmmPositionInfo", (
    text("address"), text("poolAddress"), text("baseTokenAddress"), text("quoteTokenAddress"),
    num("baseTokenAmount"), num("quoteTokenAmount"), num("baseFeeAmount"),
    num("quoteFeeAmount"), Field("lowerBinId", Kind.INTEGER), Field("upperBinId", Kind.INTEGER),
    num("lowerPrice"), num("upperPrice"), num("price"),
    text("rewardTokenAddress", required=False), num("rewardAmount", required=False)))
POSITIONS_OWNED_REQUEST = Schema("PositionsOwnedRequest", (
    _NETWORK, _WALLET, text("poolAddress", required=False)))
OPEN_POSITION_REQUEST = Schema("OpenPositionRequest", (
    _NETWORK, _WALLET, num("lowerPrice"), num("upperPrice"), text("poolAddress"),
    num("baseTokenAmount", required=False), num("quoteTokenAmount", required=False),
    _SLIPPAGE))
QUOTE_POSITION_REQUEST = OPEN_POSITION_REQUEST.without("QuotePositionRequest", "walletAddress")
QUOTE_POSITION = QUOTE_LIQUIDITY.extend("QuotePositionResponse",
                                        num("liquidity", required=False))
POSITION_OPENED = transaction("OpenPositionResponse", num("fee"), text("positionAddress"),
                              num("positionRent"), *_ADDED[1:])
CLMM_ADD_REQUEST = Schema("ClmmAddLiquidityRequest", (
    _NETWORK, _WALLET, text("positionAddress"), num("baseTokenAmount", required=False),
    num("quoteTokenAmount", required=False), _SLIPPAGE))
CLMM_REMOVE_REQUEST = Schema("ClmmRemoveLiquidityRequest", (
    _NETWORK, _WALLET, text("positionAddress"), num("percentageToRemove")))
POSITION_REQUEST = Schema("PositionRequest", (_NETWORK, _WALLET, text("positionAddress")))
FEES_COLLECTED = transaction("CollectFeesResponse", num("fee"), *_COLLECTED)
POSITION_CLOSED = transaction("ClosePositionResponse", num("fee"), num("positionRentRefunded"),
                              *_REMOVED[1:], *_COLLECTED)

# -- chains ---------------------------------------------------------------------------------
NETWORK_REQUEST = Schema("StatusRequest", (_NETWORK,))
CHAIN_STATUS = Schema("StatusResponse", (
    text("chain"), text("network"), text("rpcUrl"), text("rpcProvider"),
    num("currentBlockNumber"), text("nativeCurrency"), text("swapProvider")))
ESTIMATE_GAS = Schema("EstimateGasResponse", (
    num("feePerComputeUnit"), text("denomination"), num("computeUnits"), text("feeAsset"),
    num("fee"), num("timestamp"), text("gasType", required=False),
    num("maxFeePerGas", required=False), num("maxPriorityFeePerGas", required=False)))
BALANCES_REQUEST = Schema("BalanceRequest", (
    _NETWORK, text("address", required=False), Field("tokens", Kind.ARRAY, required=False),
    Field("fetchAll", Kind.BOOLEAN, required=False)))
BALANCES = Schema("BalanceResponse", (Field("balances", Kind.NUMBER_MAP),))
TOKENS_REQUEST = Schema("TokensRequest", (_NETWORK,))
TOKENS = Schema("TokensResponse", (Field("tokens", Kind.ARRAY, schema=Schema("Token", (
    text("symbol"), text("address"), num("decimals"), text("name")))),))
POLL_REQUEST = Schema("PollRequest", (_NETWORK, text("signature"),
                                      Field("tokens", Kind.ARRAY, required=False), _WALLET))
POLL = Schema("PollResponse", (
    num("currentBlock"), text("signature"), num("txBlock", nullable=True),
    Field("txStatus", Kind.INTEGER, enum=tuple(int(s) for s in TxStatus)),
    num("fee", nullable=True), text("error", required=False, nullable=True),
    Field("txData", Kind.OBJECT, nullable=True),
    Field("tokenBalanceChanges", Kind.NUMBER_MAP, required=False)))


@dataclass(frozen=True)
class Route:
    """One route: `GET pool-info` answers AMM_POOL to a POOL_REQUEST query."""

    method: str
    name: str
    request: Schema
    response: Schema
    response_is_list: bool = False

    def path(self, prefix: str) -> str:
        return f"{prefix}/{self.name}"

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


ROUTES: dict[TradingType, tuple[Route, ...]] = {
    TradingType.ROUTER: (
        Route("GET", "quote-swap", SWAP_REQUEST.without("RouterQuoteSwapRequest", "poolAddress"),
              ROUTER_QUOTE_SWAP),
        Route("POST", "execute-quote", EXECUTE_QUOTE_REQUEST, SWAP_EXECUTED),
        Route("POST", "execute-swap",
              EXECUTE_SWAP_REQUEST.without("RouterExecuteSwapRequest", "poolAddress"),
              SWAP_EXECUTED),
    ),
    TradingType.AMM: (
        Route("GET", "pool-info", POOL_REQUEST, AMM_POOL),
        Route("GET", "position-info", AMM_POSITION_REQUEST, AMM_POSITION),
        Route("GET", "quote-liquidity", QUOTE_LIQUIDITY_REQUEST, QUOTE_LIQUIDITY),
        Route("GET", "quote-swap", SWAP_REQUEST, QUOTE_SWAP),
        Route("POST", "execute-swap", EXECUTE_SWAP_REQUEST, SWAP_EXECUTED),
        Route("POST", "add-liquidity", AMM_ADD_REQUEST, LIQUIDITY_ADDED),
        Route("POST", "remove-liquidity", AMM_REMOVE_REQUEST, LIQUIDITY_REMOVED),
    ),
    TradingType.CLMM: (
        Route("GET", "pool-info", POOL_REQUEST, CLMM_POOL),
        Route("GET", "position-info", CLMM_POSITION_REQUEST, CLMM_POSITION),
        Route("GET", "positions-owned", POSITIONS_OWNED_REQUEST, CLMM_POSITION,
              response_is_list=True),
        Route("GET", "quote-position", QUOTE_POSITION_REQUEST, QUOTE_POSITION),
        Route("GET", "quote-swap", SWAP_REQUEST, QUOTE_SWAP),
        Route("POST", "execute-swap", EXECUTE_SWAP_REQUEST, SWAP_EXECUTED),
        Route("POST", "open-position", OPEN_POSITION_REQUEST, POSITION_OPENED),
        Route("POST", "add-liquidity", CLMM_ADD_REQUEST, LIQUIDITY_ADDED),
        Route("POST", "remove-liquidity", CLMM_REMOVE_REQUEST, LIQUIDITY_REMOVED),
        Route("POST", "collect-fees", POSITION_REQUEST, FEES_COLLECTED),
        Route("POST", "close-position", POSITION_REQUEST, POSITION_CLOSED),
    ),
}

CHAIN_ROUTES: tuple[Route, ...] = (
    Route("GET", "status", NETWORK_REQUEST, CHAIN_STATUS),
    Route("GET", "estimate-gas", NETWORK_REQUEST, ESTIMATE_GAS),
    Route("GET", "tokens", TOKENS_REQUEST, TOKENS),
    Route("POST", "balances", BALANCES_REQUEST, BALANCES),
    Route("POST", "poll", POLL_REQUEST, POLL),
)


def chain_prefix(chain: Chain) -> str:
    return f"/chains/{chain.value}"


def route(trading_type: TradingType, name: str) -> Route:
    """The route `name` of a trading type; KeyError names the known ones."""
    for candidate in ROUTES[trading_type]:
        if candidate.name == name:
            return candidate
    raise KeyError(f"{trading_type.value} has no route {name!r}; known: "
                   f"{', '.join(r.name for r in ROUTES[trading_type])}")


def chain_route(name: str) -> Route:
    return next(r for r in CHAIN_ROUTES if r.name == name)
