"""Uniswap V3 (Gateway clmm) through Hummingbot Gateway (the shared Gateway client)."""
