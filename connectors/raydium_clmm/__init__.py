"""Raydium CLMM (Gateway clmm) through Hummingbot Gateway (the shared Gateway client)."""
