"""The Gateway standard's rules and schema language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.standard.gateway.model import DexConnector, SwapSide, TradingType
from harness.standard.gateway.routes import CLMM_POOL, ROUTES, SWAP_EXECUTED, route
from harness.standard.gateway.rules import (
    close_enough,
    quote_price,
    swap_bounds,
    valid_percentage_to_remove,
    valid_slippage,
)
from harness.standard.gateway.schema import jsonable, validate


def test_quote_price_is_quote_per_base_on_both_sides() -> None:
    assert quote_price(SwapSide.SELL, Decimal(2), Decimal(6000)) == 3000
    assert quote_price(SwapSide.BUY, Decimal(6000), Decimal(2)) == 3000


def test_slippage_widens_only_the_side_the_trader_does_not_fix() -> None:
    assert swap_bounds(SwapSide.SELL, Decimal(1), Decimal(100), Decimal(2)) == (Decimal(98),
                                                                                 Decimal(1))
    assert swap_bounds(SwapSide.BUY, Decimal(100), Decimal(1), Decimal(2)) == (Decimal(1),
                                                                               Decimal(102))


def test_bounds_of_slippage_and_percentage_to_remove() -> None:
    assert valid_slippage(Decimal(0)) and valid_slippage(Decimal(100))
    assert not valid_slippage(Decimal(-1)) and not valid_slippage(Decimal("100.1"))
    assert valid_percentage_to_remove(Decimal(100))
    assert not valid_percentage_to_remove(Decimal(0))
    assert not valid_percentage_to_remove(Decimal(101))


def test_close_enough_is_relative_with_an_absolute_floor() -> None:
    assert close_enough(Decimal("3000.0001"), Decimal(3000))
    assert not close_enough(Decimal("3001"), Decimal(3000))
    assert close_enough(Decimal("0.0000001"), Decimal(0))


def test_connector_names_parse_and_refuse_clearly() -> None:
    assert DexConnector.parse("uniswap/clmm").prefix == "/connectors/uniswap/clmm"
    assert str(DexConnector.parse("jupiter/router")) == "jupiter/router"
    with pytest.raises(ValueError, match="uniswap/amm"):
        DexConnector.parse("uniswap")


def test_every_trading_type_has_its_gateway_routes() -> None:
    names = {t: {r.name for r in routes} for t, routes in ROUTES.items()}
    assert names[TradingType.ROUTER] == {"quote-swap", "execute-quote", "execute-swap"}
    assert len(names[TradingType.AMM]) == 7 and len(names[TradingType.CLMM]) == 11
    assert route(TradingType.CLMM, "positions-owned").response_is_list
    with pytest.raises(KeyError, match="known"):
        route(TradingType.AMM, "open-position")


def test_schema_names_each_missing_wrong_and_null_field() -> None:
    pool = {"address": "p", "baseTokenAddress": "b", "quoteTokenAddress": "q", "feePct": 0.3,
            "price": "3000", "baseTokenAmount": 1, "quoteTokenAmount": None}
    problems = validate(pool, CLMM_POOL)
    assert "price: '3000' is not a number" in problems
    assert "quoteTokenAmount: null, expected number" in problems
    assert "activeBinId: missing (required by ClmmPoolInfo)" in problems
    assert not any("binStep" in p for p in problems)  # optional in Gateway's schema
    assert validate([], CLMM_POOL) == ["ClmmPoolInfo: expected an object, got list"]


def test_transaction_schema_checks_status_and_nested_data() -> None:
    assert validate({"signature": "s", "status": 0}, SWAP_EXECUTED) == []
    problems = validate({"signature": "s", "status": 2, "data": {"tokenIn": 1}},
                        SWAP_EXECUTED)
    assert "status: 2 is not one of -1, 0, 1" in problems
    assert "data.tokenIn: 1 is not a string" in problems
    assert "data.amountOut: missing (required by SwapExecuteResponse.data)" in problems


def test_jsonable_turns_decimals_into_numbers() -> None:
    assert jsonable({"a": [Decimal("1.5"), Decimal(2)], "b": "x"}) == {"a": [1.5, 2], "b": "x"}
