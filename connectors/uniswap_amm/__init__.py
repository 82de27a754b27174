"""Uniswap V2 (Gateway amm) through Hummingbot Gateway (the shared Gateway client)."""
