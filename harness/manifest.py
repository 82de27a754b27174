"""connector.toml: what a connector declares about itself, validated on load.

Every problem is one line naming the file, the field and the fix, and a bad manifest never
stops the other connectors from loading.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from harness.standard.capabilities import KNOWN_CAPABILITIES
from harness.standard.enums import OrderType, Standard
from harness.standard.pair import InvalidTradingPair, TradingPair

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_CHECK_ID = re.compile(r"^[A-Z]+(-[A-Z]+)*-\d+$")
URL_ROLES = ("rest", "ws_public", "ws_private")
T = TypeVar("T")

# Every key connector.toml may hold, by table: the one place to add a new key (then read it in
# parse_manifest). Anything else is reported with a did-you-mean, since a typo such as
# `maintaner` would otherwise drop the value silently. [secrets] also takes `*_env` keys and
# per-upstream sub-tables; [urls] takes one sub-table per upstream.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"name", "display_name", "exchange", "standard", "connector", "double",
                   "maintainer", "pairs", "order_types", "capabilities", "urls", "secrets",
                   "cassettes", "known_failures", "adapter", "coverage"}),
    "secrets": frozenset({"env", "scrub_fields", "scrub_headers"}),
    "cassettes": frozenset({"root", "volatile", "verifier", "scrub", "scrub_headers", "suite",
                            "market_reader", "ws_verifier"}),
    "known_failures": frozenset({"check", "reason", "link", "expires"}),
}


class ManifestError(ValueError):
    """Manifest problems, each already phrased as `file: field: what is wrong; fix`; str() is
    one line per problem."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


@dataclass(frozen=True)
class KnownFailure:
    check_id: str
    reason: str
    link: str
    expires: dt.date

    def expired(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) > self.expires


@dataclass(frozen=True)
class Manifest:
    name: str
    standard: Standard
    connector: str
    path: Path
    display_name: str = ""
    double: str = ""
    maintainer: str = ""
    pairs: tuple[TradingPair, ...] = ()
    order_types: frozenset[OrderType] = frozenset()
    capabilities: frozenset[str] = frozenset()
    urls: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    secrets: Mapping[str, Any] = field(default_factory=dict)
    cassette_options: Mapping[str, Any] = field(default_factory=dict)
    known_failures: tuple[KnownFailure, ...] = ()
    source: str = "built-in"
    # Which exchange this connector implements (default: its own name). Connectors of one
    # exchange (ours, Hummingbot's, ccxt's) share that exchange's cassettes/<exchange>/.
    exchange: str = ""
    # [adapter]: what a generic adapter (harness.adapters) needs to build this connector,
    # e.g. the ccxt exchange id and ccxt's own options; handed over as ConnectorConfig.options.
    adapter: Mapping[str, Any] = field(default_factory=dict)
    # [coverage] gate = false: this connector's code is not its own (a library module that
    # serves every product of the exchange), so an 80 % gate on it means nothing; the reason
    # says why, and status and the coverage gate then skip it.
    coverage_gate: bool = True
    coverage_exemption: str = ""
    # [coverage] measure: modules or packages (import names) that are this connector's code
    # instead of its folder: gated like a folder (a Hummingbot connector's package), or only
    # reported for a connector that is not gated (ccxt's exchange module).
    coverage_modules: tuple[str, ...] = ()

    @property
    def exchange_name(self) -> str:
        return self.exchange or self.name

    @property
    def folder(self) -> Path:
        return self.path.parent

    def known_failure(self, check_id: str) -> KnownFailure | None:
        return next((kf for kf in self.known_failures if kf.check_id == check_id), None)


class _Reader:
    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        self.data = data
        self.problems: list[str] = []

    def collect(self, parse: Callable[[], T], default: T) -> T:
        """parse(), or `default` with its problem kept: every problem is shown at once."""
        try:
            return parse()
        except ManifestError as exc:
            self.problems.extend(exc.problems)
            return default

    def unknown_keys(self, table: Mapping[str, Any], known: frozenset[str], where: str,
                     allowed: Callable[[str, Any], bool] = lambda key, value: False) -> None:
        for key, value in table.items():
            if key in known or allowed(key, value):
                continue
            field_name = f"{where}.{key}" if where else key
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.7)
            hint = f"did you mean {close[0]!r}?" if close else \
                f"known: {', '.join(sorted(known))}"
            self.problems.append(f"{self.path}: {field_name}: unknown key; {hint}")

    def fail(self, field_name: str, problem: str) -> ManifestError:
        return ManifestError(f"{self.path}: {field_name}: {problem}")

    def string(self, key: str, *, required: bool = True, pattern: re.Pattern[str] | None = None,
               hint: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, f"missing; add {key} = \"...\"{hint}")
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(key, f"{value!r} is not valid{hint}")
        return value

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of strings, got {value!r}")
        return value

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table ([{key}]), got {type(value).__name__}")
        return value


def load_manifest(path: Path, *, source: str = "built-in") -> Manifest:
    """Read and validate one connector.toml; raise ManifestError with one clear line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    return parse_manifest(data, path, source=source)


def parse_manifest(data: Mapping[str, Any], path: Path, *, source: str = "built-in"
                   ) -> Manifest:
    """Validate a parsed connector.toml; raise ManifestError with every problem at once."""
    read = _Reader(path, data)
    name = read.collect(lambda: read.string(
        "name", pattern=_NAME, hint=" (lower-case letters, digits, _; 2-40)"), "")
    standard = read.collect(lambda: _standard(read), Standard.SPOT)
    connector = read.collect(lambda: read.string(
        "connector", pattern=_IMPORT_PATH, hint=" (use module.path:ClassName)"), "")
    double = read.collect(lambda: read.string(
        "double", required=False, pattern=_IMPORT_PATH, hint=" (use module.path:ClassName)"), "")
    no_pairs: list[TradingPair] = []
    pairs = read.collect(lambda: _pairs(read), no_pairs)
    no_types: set[OrderType] = set()
    order_types = read.collect(lambda: _order_types(read), no_types)
    no_strings: list[str] = []
    capabilities = read.collect(lambda: _capabilities(read), no_strings)
    empty: Mapping[str, Any] = {}
    urls = read.collect(lambda: _urls(read), empty)
    exchange = read.collect(lambda: read.string(
        "exchange", required=False, pattern=_NAME,
        hint=" (the exchange's name, e.g. binance: a-z, 0-9, _)"), "")
    known = _known_failures(read, data.get("known_failures", []))
    display_name = read.collect(lambda: read.string("display_name", required=False), "")
    maintainer = read.collect(lambda: read.string("maintainer", required=False), "")
    secrets = read.collect(lambda: read.table("secrets"), empty)
    cassette_options = read.collect(lambda: read.table("cassettes"), empty)
    adapter = read.collect(lambda: read.table("adapter"), empty)
    no_exemption: tuple[bool, str, tuple[str, ...]] = (True, "", ())
    coverage_gate, exemption, modules = read.collect(lambda: _coverage(read), no_exemption)
    read.unknown_keys(data, KNOWN_KEYS[""], "")
    read.unknown_keys(secrets, KNOWN_KEYS["secrets"], "secrets",
                      allowed=lambda key, value: key.endswith("_env") or isinstance(value, dict))
    read.unknown_keys(cassette_options, KNOWN_KEYS["cassettes"], "cassettes")
    if read.problems:
        raise ManifestError(*read.problems)
    return Manifest(
        name=name, standard=standard, connector=connector, path=path,
        display_name=display_name or name, double=double, maintainer=maintainer,
        pairs=tuple(pairs), order_types=frozenset(order_types),
        capabilities=frozenset(capabilities), urls=urls, secrets=secrets,
        cassette_options=cassette_options, known_failures=tuple(known), source=source,
        exchange=exchange or name, adapter=adapter,
        coverage_gate=coverage_gate, coverage_exemption=exemption, coverage_modules=modules,
    )


def _known_failures(read: _Reader, entries: Any) -> list[KnownFailure]:
    found: list[KnownFailure] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
        try:
            found.append(_known_failure(read, index, entry))
        except ManifestError as exc:
            read.problems.extend(exc.problems)
    return found


def _standard(read: _Reader) -> Standard:
    text = read.string("standard")
    try:
        return Standard(text)
    except ValueError:
        known = ", ".join(s.value for s in Standard)
        raise read.fail("standard", f"{text!r} is not one of {known}") from None


def _pairs(read: _Reader) -> list[TradingPair]:
    pairs: list[TradingPair] = []
    for index, text in enumerate(read.string_list("pairs")):
        try:
            pairs.append(TradingPair.parse(text))
        except InvalidTradingPair as exc:
            raise read.fail(f"pairs[{index}]", f"{exc}") from None
    if not pairs:
        raise read.fail("pairs", "needs at least one pair the suites trade, e.g. [\"BTC-USDT\"]")
    return pairs


def _order_types(read: _Reader) -> set[OrderType]:
    order_types: set[OrderType] = set()
    for index, text in enumerate(read.string_list("order_types")):
        try:
            order_types.add(OrderType(text))
        except ValueError:
            raise read.fail(f"order_types[{index}]", f"{text!r} is not one of "
                            f"{', '.join(t.value for t in OrderType)}") from None
    return order_types


def _capabilities(read: _Reader) -> list[str]:
    capabilities = read.string_list("capabilities")
    for index, capability in enumerate(capabilities):
        if capability not in KNOWN_CAPABILITIES:
            raise read.fail(f"capabilities[{index}]", f"unknown capability {capability!r}; "
                            f"known: {', '.join(sorted(KNOWN_CAPABILITIES))}")
    return capabilities


def _urls(read: _Reader) -> Mapping[str, Any]:
    urls = read.table("urls")
    for environment, roles in urls.items():
        if not isinstance(roles, dict):
            raise read.fail(f"urls.{environment}", "must be a table of role = URL")
        for role, url in roles.items():
            if role not in URL_ROLES:
                raise read.fail(f"urls.{environment}.{role}",
                                f"unknown role; use one of {', '.join(URL_ROLES)}")
            if not isinstance(url, str) or not re.match(r"^(https?|wss?)://", url):
                raise read.fail(f"urls.{environment}.{role}",
                                f"{url!r} must be an http(s):// or ws(s):// URL")
    if "production" not in urls:
        raise read.fail("urls.production", "missing; declare the production base URLs")
    return urls


def _coverage(read: _Reader) -> tuple[bool, str, tuple[str, ...]]:
    """[coverage]: gate (default true); when it is false, the reason (required) and the
    modules whose exercised lines are reported instead (optional)."""
    table = read.table("coverage")
    unknown = sorted(set(table) - {"gate", "reason", "measure"})
    if unknown:
        raise read.fail(f"coverage.{unknown[0]}",
                        "unknown key; [coverage] takes gate, reason and measure")
    gate = table.get("gate", True)
    if not isinstance(gate, bool):
        raise read.fail("coverage.gate", f"must be true or false, got {gate!r}")
    reason = table.get("reason", "")
    if not isinstance(reason, str):
        raise read.fail("coverage.reason", f"must be a string, got {reason!r}")
    if not gate and not reason.strip():
        raise read.fail("coverage.reason", "missing; a connector without the coverage gate "
                        "must say why (e.g. its code is a library module serving every product)")
    if gate and reason.strip():
        raise read.fail("coverage.reason", "only meaningful with gate = false; remove it")
    modules = table.get("measure", [])
    if not isinstance(modules, list) or not all(
            isinstance(m, str) and re.match(r"^[A-Za-z_][\w.]*$", m) for m in modules):
        raise read.fail("coverage.measure", f"must be a list of module names like "
                        f"\"ccxt.async_support.binance\", got {modules!r}")
    return gate, reason.strip(), tuple(modules)


def _known_failure(read: _Reader, index: int, entry: Any) -> KnownFailure:
    where = f"known_failures[{index}]"
    if not isinstance(entry, dict):
        raise read.fail(where, "must be a table ([[known_failures]])")
    read.unknown_keys(entry, KNOWN_KEYS["known_failures"], where)
    for key in ("check", "reason", "link", "expires"):
        if key not in entry:
            raise read.fail(f"{where}.{key}", "missing; a known failure needs check, reason, "
                            "link and expires (a date, e.g. 2027-01-31)")
    check_id = entry["check"]
    if not isinstance(check_id, str) or not _CHECK_ID.match(check_id):
        raise read.fail(f"{where}.check", f"{check_id!r} is not a check id like SPOT-ORD-1")
    expires = entry["expires"]
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise read.fail(f"{where}.expires", f"{expires!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
        raise read.fail(f"{where}.expires", f"{expires!r} is not a date (YYYY-MM-DD)")
    for key in ("reason", "link"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise read.fail(f"{where}.{key}", "must be a non-empty string")
    return KnownFailure(check_id, entry["reason"], entry["link"], expires)
