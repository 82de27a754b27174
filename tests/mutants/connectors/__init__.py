"""Deliberately broken variants of the Binance connector, one bug each (see README.md)."""
