"""Binance spot reference connector (see README.md)."""

from connectors.binance.connector import BinanceSpotConnector

__all__ = ["BinanceSpotConnector"]
