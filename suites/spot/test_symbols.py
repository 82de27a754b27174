"""SPOT-SYM: which markets a connector trades, and how it names them."""

from __future__ import annotations

from harness.checks import Severity, check
from harness.subject import Subject
from suites.spot._support import dec, exp, inp, pair


@check("SPOT-SYM-1", "Exchange symbols map to BASE-QUOTE pairs and back", area="symbols",
       scenario="symbols", severity=Severity.CRITICAL)
async def test_symbols_map_to_pairs_and_back(subject: Subject) -> None:
    connector = subject.connector
    expected = {pair(text): symbol for text, symbol in exp(subject, "symbols").items()}
    pairs = await connector.fetch_trading_pairs()
    assert sorted(pairs) == sorted(expected), (
        f"fetch_trading_pairs() returned {[str(p) for p in pairs]}, expected "
        f"{sorted(str(p) for p in expected)}")
    for trading_pair, symbol in expected.items():
        assert connector.exchange_symbol(trading_pair) == symbol, (
            f"exchange_symbol({trading_pair}) is {connector.exchange_symbol(trading_pair)!r}, "
            f"expected {symbol!r}")
        assert connector.trading_pair(symbol) == trading_pair, (
            f"trading_pair({symbol!r}) is {connector.trading_pair(symbol)}, "
            f"expected {trading_pair}")


@check("SPOT-SYM-2", "Inactive, non-spot and unknown symbols are excluded", area="symbols",
       scenario="symbols")
async def test_inactive_and_unknown_symbols_are_excluded(subject: Subject) -> None:
    connector = subject.connector
    pairs = {str(p) for p in await connector.fetch_trading_pairs()}
    for symbol in [*exp(subject, "excluded_symbols"), *exp(subject, "unknown_symbols")]:
        try:
            found = connector.trading_pair(symbol)
        except KeyError:
            continue
        raise AssertionError(f"trading_pair({symbol!r}) returned {found}; a symbol that is not "
                             f"an active spot market must raise KeyError (pairs: {sorted(pairs)})")
    for text in exp(subject, "unknown_pairs"):
        assert text not in pairs, f"{text} is listed although the exchange does not trade it"
        try:
            symbol = connector.exchange_symbol(pair(text))
        except KeyError:
            continue
        raise AssertionError(f"exchange_symbol({text}) returned {symbol!r}; a pair the exchange "
                             "does not list must raise KeyError")


@check("SPOT-SYM-3", "A failure while fetching symbols gives an empty list, not an exception",
       area="symbols", scenario="symbols_unavailable")
async def test_symbol_fetch_failure_gives_empty_list(subject: Subject) -> None:
    for attempt in range(1, int(inp(subject, "attempts")) + 1):
        try:
            pairs = await subject.connector.fetch_trading_pairs()
        except Exception as exc:
            raise AssertionError(f"attempt {attempt}: fetch_trading_pairs() raised "
                                 f"{type(exc).__name__}: {exc}; it must return []") from exc
        assert pairs == [], f"attempt {attempt}: expected [], got {pairs}"


@check("SPOT-SYM-4", "Last traded prices are reported per pair", area="symbols",
       scenario="last_prices")
async def test_last_traded_prices(subject: Subject) -> None:
    connector = subject.connector
    await connector.update_trading_rules()
    pairs = [pair(text) for text in inp(subject, "pairs")]
    prices = await connector.get_last_traded_prices(pairs)
    expected = {pair(text): dec(price) for text, price in exp(subject, "prices").items()}
    assert prices == expected, f"get_last_traded_prices({[str(p) for p in pairs]}) returned " \
                               f"{ {str(k): str(v) for k, v in prices.items()} }, expected " \
                               f"{ {str(k): str(v) for k, v in expected.items()} }"
    single = pair(inp(subject, "single_pair"))
    one = await connector.get_last_traded_prices([single])
    assert one == {single: dec(exp(subject, "single_price"))}, (
        f"get_last_traded_prices([{single}]) returned {one}, expected "
        f"{ {str(single): exp(subject, 'single_price')} }")
