"""Bybit v5 spot: the reference connector for an exchange shaped unlike Binance (signed headers,
JSON bodies, one API for every product, an auth operation on the private stream)."""
