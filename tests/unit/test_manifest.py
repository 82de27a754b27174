"""connector.toml validation: each problem is one line naming the file, the field and the fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harness.manifest import KnownFailure, ManifestError, load_manifest
from harness.standard.enums import OrderType, Standard
from harness.standard.pair import TradingPair

VALID = """\
name = "toy"
display_name = "Toy Exchange"
standard = "spot"
connector = "connectors.toy.connector:ToyConnector"
double = "connectors.toy.double:ToyDouble"
maintainer = "someone"
pairs = ["BTC-USDT", "ETH-USDT"]
order_types = ["LIMIT", "MARKET"]
capabilities = ["user_stream", "cancel_all"]

[urls.production]
rest = "https://api.toy.example"
ws_public = "wss://stream.toy.example"

[urls.testnet]
rest = "http://testnet.toy.example"

[secrets]
api_key_env = "TOY_KEY"

[cassettes]
volatile = ["timestamp"]

[[known_failures]]
check = "SPOT-ORD-3"
reason = "the exchange reports fees late"
link = "https://github.com/example/toy/issues/1"
expires = 2099-01-31
"""


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "toy"
    folder.mkdir(exist_ok=True)
    path = folder / "connector.toml"
    path.write_text(text, encoding="utf-8")
    return path


def replace_line(start: str, new: str | None, prepend: str = "") -> str:
    """VALID with the line starting with `start` replaced (or removed when `new` is None),
    and `prepend` put before the first table."""
    lines = [prepend] if prepend else []
    for line in VALID.splitlines():
        if line.startswith(start):
            if new is not None:
                lines.append(new)
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_a_valid_manifest_loads_every_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    m = load_manifest(path, source="test")
    assert (m.name, m.display_name, m.standard, m.source) == ("toy", "Toy Exchange",
                                                              Standard.SPOT, "test")
    assert m.connector == "connectors.toy.connector:ToyConnector"
    assert m.double == "connectors.toy.double:ToyDouble" and m.maintainer == "someone"
    assert m.pairs == (TradingPair("BTC", "USDT"), TradingPair("ETH", "USDT"))
    assert m.order_types == frozenset({OrderType.LIMIT, OrderType.MARKET})
    assert m.capabilities == frozenset({"user_stream", "cancel_all"})
    assert m.urls["production"]["ws_public"] == "wss://stream.toy.example"
    assert m.secrets == {"api_key_env": "TOY_KEY"}
    assert m.cassette_options == {"volatile": ["timestamp"]}
    assert m.folder == path.parent
    known = m.known_failure("SPOT-ORD-3")
    assert known == KnownFailure("SPOT-ORD-3", "the exchange reports fees late",
                                 "https://github.com/example/toy/issues/1", dt.date(2099, 1, 31))
    assert not known.expired()
    assert known.expired(today=dt.date(2099, 2, 1))
    assert m.known_failure("SPOT-ORD-4") is None


def test_optional_fields_have_defaults(tmp_path: Path) -> None:
    text = ('name = "toy"\nstandard = "perpetual"\nconnector = "a.b:C"\npairs = ["BTC-USDT"]\n'
            '[urls.production]\nrest = "https://x.example"\n')
    m = load_manifest(write(tmp_path, text))
    assert m.display_name == "toy" and m.double == "" and m.maintainer == ""
    assert m.standard is Standard.PERPETUAL and m.known_failures == ()
    assert m.order_types == frozenset() and m.source == "built-in"
    assert m.exchange == "toy" and m.exchange_name == "toy"


def test_connectors_of_one_exchange_share_its_cassettes(tmp_path: Path) -> None:
    from harness.subject import cassette_path

    text = ('name = "other_toy"\nexchange = "toy"\nstandard = "spot"\nconnector = "a.b:C"\n'
            'pairs = ["BTC-USDT"]\n[urls.production]\nrest = "https://x.example"\n')
    folder = tmp_path / "connectors" / "other_toy"
    folder.mkdir(parents=True)
    (folder / "connector.toml").write_text(text)
    m = load_manifest(folder / "connector.toml")
    assert m.exchange_name == "toy"
    assert cassette_path(m, "ping") == tmp_path / "cassettes" / "toy" / "ping.yaml"


def test_a_known_failure_date_may_be_a_string(tmp_path: Path) -> None:
    m = load_manifest(write(tmp_path, replace_line("expires", 'expires = "2030-05-01"')))
    assert m.known_failures[0].expires == dt.date(2030, 5, 1)


CASES = [
    # (what to change, field named in the message, words of the fix)
    (("name =", None), "name", 'missing; add name = "..."'),
    (("name =", 'name = "Toy Exchange"'), "name", "lower-case letters, digits, _"),
    (("name =", "name = 3"), "name", "must be a non-empty string, got 3"),
    (("standard =", None), "standard", 'add standard = "..."'),
    (("standard =", 'standard = "futures"'), "standard", "'futures' is not one of spot, perpetual"),
    (("connector =", 'connector = "connectors/toy/connector.py"'), "connector",
     "use module.path:ClassName"),
    (("connector =", 'connector = "connectors.toy.connector"'), "connector",
     "use module.path:ClassName"),
    (("connector =", None), "connector", 'missing; add connector = "..."'),
    (("double =", 'double = "toy double"'), "double", "use module.path:ClassName"),
    (("pairs =", 'pairs = ["BTCUSDT"]'), "pairs[0]", "is not BASE-QUOTE (for example BTC-USDT)"),
    (("pairs =", 'pairs = ["BTC-USDT", "btc-eth"]'), "pairs[1]", "upper-case"),
    (("pairs =", "pairs = []"), "pairs", 'needs at least one pair the suites trade'),
    (("pairs =", None), "pairs", "needs at least one pair"),
    (("pairs =", 'pairs = "BTC-USDT"'), "pairs", "must be a list of strings"),
    (("order_types =", 'order_types = ["LIMIT", "STOP"]'), "order_types[1]",
     "'STOP' is not one of LIMIT, LIMIT_MAKER, MARKET"),
    (("capabilities =", 'capabilities = ["user_stream", "teleport"]'), "capabilities[1]",
     "unknown capability 'teleport'; known: cancel_all"),
    (("rest = \"https://api", 'ftp = "https://api.toy.example"'), "urls.production.ftp",
     "unknown role; use one of rest, ws_public, ws_private"),
    (("rest = \"https://api", 'rest = "api.toy.example"'), "urls.production.rest",
     "must be an http(s):// or ws(s):// URL"),
    (("[urls.production]", "[urls.staging]"), "urls.production",
     "missing; declare the production base URLs"),
    (("maintainer", None, 'urls.mirror = "https://mirror.example"'), "urls.mirror",
     "must be a table of role = URL"),
    (("maintainer", None, 'exchange = "Binance Spot"'), "exchange", "is not valid (the exchange"),
    (("[cassettes]", "[secrets.unused]", "cassettes = 3"), "cassettes",
     "must be a table ([cassettes])"),
    (("check =", None), "known_failures[0].check",
     "a known failure needs check, reason, link and expires"),
    (("reason =", None), "known_failures[0].reason", "missing"),
    (("link =", 'link = ""'), "known_failures[0].link", "must be a non-empty string"),
    (("expires =", None), "known_failures[0].expires", "(a date, e.g. 2027-01-31)"),
    (("check =", 'check = "ord-3"'), "known_failures[0].check",
     "'ord-3' is not a check id like SPOT-ORD-1"),
    (("expires =", 'expires = "next year"'), "known_failures[0].expires",
     "'next year' is not a date (YYYY-MM-DD)"),
    (("expires =", "expires = 2030-01-01T10:00:00"), "known_failures[0].expires",
     "is not a date (YYYY-MM-DD)"),
    (("expires =", "expires = 20300101"), "known_failures[0].expires", "is not a date"),
    (("[[known_failures]]", "[secrets.unused]", 'known_failures = ["SPOT-ORD-3"]'),
     "known_failures[0]", "must be a table ([[known_failures]])"),
]


@pytest.mark.parametrize(("change", "field", "fix"), CASES,
                         ids=[f"{c[1]}:{c[2][:30]}" for c in CASES])
def test_each_problem_is_one_line_naming_file_field_and_fix(
        tmp_path: Path, change: tuple[str, ...], field: str, fix: str) -> None:
    path = write(tmp_path, replace_line(*change))
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}: "), message
    assert fix in message


def test_invalid_toml_names_the_file_and_the_position(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "toy\nstandard = spot\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML: ")
    assert "line 1" in message and "\n" not in message


def test_an_unreadable_manifest_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "connector.toml"
    with pytest.raises(ManifestError, match=r"gone/connector.toml: cannot be read: "):
        load_manifest(missing)


def test_an_unknown_key_is_an_error_with_a_did_you_mean(tmp_path: Path) -> None:
    text = VALID.replace('maintainer = "someone"', 'maintaner = "someone"').replace(
        'volatile = ["timestamp"]', 'volatile = ["timestamp"]\nverifer = "x.y:z"').replace(
        'expires = 2099-01-31', 'expires = 2099-01-31\nreson = "typo"')
    path = write(tmp_path, text)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert caught.value.problems == (
        f"{path}: known_failures[0].reson: unknown key; did you mean 'reason'?",
        f"{path}: maintaner: unknown key; did you mean 'maintainer'?",
        f"{path}: cassettes.verifer: unknown key; did you mean 'verifier'?",
    )


def test_an_unknown_key_unlike_any_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "colour = 3\n" + VALID)
    with pytest.raises(ManifestError, match=r"colour: unknown key; known: adapter, capabilities, "):
        load_manifest(path)


def test_secrets_take_env_keys_and_per_upstream_tables(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('api_key_env = "TOY_KEY"',
                                         'api_key_env = "TOY_KEY"\npassphrase_env = "TOY_PASS"\n'
                                         '[secrets.testnet]\napi_key_env = "TOY_TEST_KEY"'))
    assert load_manifest(path).secrets["passphrase_env"] == "TOY_PASS"


# [adapter] and [coverage] ----------------------------------------------------------------------
UNGATED = VALID + """
[adapter]
exchange_id = "toy"

[coverage]
gate = false
reason = "the code under test is a library module serving every product"
measure = ["toy_library.exchange"]
"""


def test_an_adapter_table_and_a_coverage_exemption_are_read(tmp_path: Path) -> None:
    manifest = load_manifest(write(tmp_path, UNGATED))
    assert manifest.adapter == {"exchange_id": "toy"}
    assert (manifest.coverage_gate, manifest.coverage_modules) == (False, ("toy_library.exchange",))
    assert manifest.coverage_exemption.startswith("the code under test")
    plain = load_manifest(write(tmp_path, VALID))
    assert (plain.adapter, plain.coverage_gate, plain.coverage_exemption) == ({}, True, "")


@pytest.mark.parametrize(("old", "new", "field", "fix"), [
    ('reason = "the code', 'reason = "   ', "coverage.reason", "must say why"),
    ("gate = false", 'gate = "no"', "coverage.gate", "must be true or false"),
    ("gate = false", "gate = true", "coverage.reason", "only meaningful with gate = false"),
    ('measure = ["toy_library.exchange"]', 'measure = ["not a module"]', "coverage.measure",
     "module names"),
    ('measure = ["toy_library.exchange"]', 'gated = false', "coverage.gated", "unknown key"),
])
def test_a_bad_coverage_table_is_one_clear_line(tmp_path: Path, old: str, new: str, field: str,
                                                fix: str) -> None:
    text = UNGATED.replace(old, new, 1) if old != 'reason = "the code' else UNGATED.replace(
        'reason = "the code under test is a library module serving every product"',
        'reason = "   "')
    with pytest.raises(ManifestError) as caught:
        load_manifest(write(tmp_path, text))
    message = str(caught.value)
    assert f": {field}: " in message and fix in message and "\n" not in message


def test_a_gated_connector_may_name_its_code_as_modules(tmp_path: Path) -> None:
    # A Hummingbot connector's code is a package of Hummingbot, gated like a folder.
    text = VALID + '\n[coverage]\nmeasure = ["toy_library.exchange"]\n'
    manifest = load_manifest(write(tmp_path, text))
    assert manifest.coverage_gate and manifest.coverage_modules == ("toy_library.exchange",)
