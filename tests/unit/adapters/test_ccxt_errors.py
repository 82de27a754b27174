"""ccxt's exceptions read as what the standard needs: refused, not found, unknown, local."""

from __future__ import annotations

import pytest

ccxt = pytest.importorskip("ccxt")

from harness.adapters.ccxt_errors import CCXT_REQUIRED, ccxt_module, classify  # noqa: E402


@pytest.mark.parametrize(("error", "outcome"), [
    (ccxt.OrderNotFound("binance -2013"), "not_found"),
    (ccxt.RequestTimeout("timed out"), "unknown"),
    (ccxt.ExchangeNotAvailable("503"), "unknown"),
    (ccxt.RateLimitExceeded("429"), "refused"),
    (ccxt.DDoSProtection("418"), "refused"),
    (ccxt.InsufficientFunds("-2010"), "refused"),
    (ccxt.InvalidNonce("-1021"), "refused"),
    (ccxt.InvalidOrder("-1013"), "refused"),
    (ccxt.ArgumentsRequired("symbol"), "local"),
    (ccxt.NotSupported("no"), "local"),
    (RuntimeError("anything else"), "unknown"),
])
def test_each_kind_of_ccxt_error_says_what_happened_to_the_request(error: Exception,
                                                                   outcome: str) -> None:
    assert classify(error) == outcome


def test_a_missing_ccxt_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_ccxt(name: str, *args: object) -> object:
        if name == "ccxt":
            raise ImportError("No module named 'ccxt'")
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib, "import_module", no_ccxt)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[ccxt\]'") as caught:
        ccxt_module()
    assert str(caught.value) == CCXT_REQUIRED
