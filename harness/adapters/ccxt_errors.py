"""ccxt's exception hierarchy, read as what the standard needs to know about a request.

ccxt raises one class per kind of answer (ccxt.base.errors); the standard asks three things:
did the exchange refuse the request for good (the order will never exist), does it not know
the order, or is the outcome unknown (timeout, 5xx: ask again later)?
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Literal

CCXT_REQUIRED = ("ccxt is not installed; the ccxt adapter needs it: "
                 "pip install -e '.[ccxt]' (the dev extra includes it)")

Outcome = Literal["refused", "not_found", "unknown", "local"]


def ccxt_module() -> ModuleType:
    """The ccxt package, or ImportError with the one line that says how to install it."""
    try:
        return importlib.import_module("ccxt")
    except ImportError as exc:
        raise ImportError(CCXT_REQUIRED) from exc


def classify(error: BaseException) -> Outcome:
    """What an exception ccxt raised says about the request's outcome.

    - `not_found`: ccxt.OrderNotFound (Binance -2011/-2013 "Unknown order").
    - `unknown`: the network failed or the exchange was unavailable (ccxt.RequestTimeout,
      ExchangeNotAvailable, a NetworkError other than DDoSProtection): the order may exist.
    - `refused`: any other exchange answer (InvalidOrder, InsufficientFunds, InvalidNonce,
      RateLimitExceeded...): the exchange answered and did not execute the request.
    - `local`: ccxt refused before sending (ArgumentsRequired, NotSupported, BadSymbol...).
    """
    errors = ccxt_module()
    if isinstance(error, errors.OrderNotFound):
        return "not_found"
    # 429/418 and -1021 are answers (the request was not executed), though ccxt files them
    # under NetworkError.
    if isinstance(error, errors.DDoSProtection | errors.RateLimitExceeded | errors.InvalidNonce):
        return "refused"
    if isinstance(error, errors.NetworkError):
        return "unknown"
    if isinstance(error, errors.ArgumentsRequired | errors.NotSupported | errors.BadSymbol):
        return "local"
    if isinstance(error, errors.ExchangeError):
        return "refused"
    return "unknown"
