"""Adapters: connectors written elsewhere (ccxt's exchanges) judged as subjects of the standard.

An adapter is generic over a library: the manifest names the library's exchange and its
options (`[adapter]`), and nothing else is written per exchange. An adapter translates, it
never trades: what the library does not do (wait out Retry-After, resync time after a
timestamp error, ...) stays undone, and the check that asks for it fails on the library.
"""
