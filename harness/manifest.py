"""connector.toml: what a connector declares about itself, validated on load.

Every problem is one line naming the file, the field and the fix, and a bad manifest never
stops the other connectors from loading.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.standard.capabilities import KNOWN_CAPABILITIES
from harness.standard.enums import OrderType, Standard
from harness.standard.pair import InvalidTradingPair, TradingPair

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_CHECK_ID = re.compile(r"^[A-Z]+(-[A-Z]+)*-\d+$")
URL_ROLES = ("rest", "ws_public", "ws_private")


class ManifestError(ValueError):
    """A manifest problem, already phrased as `file: field: what is wrong; fix`."""


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
    read = _Reader(path, data)
    name = read.string("name", pattern=_NAME, hint=" (lower-case letters, digits, _; 2-40)")
    standard_text = read.string("standard")
    try:
        standard = Standard(standard_text)
    except ValueError:
        raise read.fail("standard", f"{standard_text!r} is not one of "
                        f"{', '.join(s.value for s in Standard)}") from None
    connector = read.string("connector", pattern=_IMPORT_PATH, hint=" (use module.path:ClassName)")
    double = read.string("double", required=False, pattern=_IMPORT_PATH,
                         hint=" (use module.path:ClassName)")

    pairs: list[TradingPair] = []
    for index, text in enumerate(read.string_list("pairs")):
        try:
            pairs.append(TradingPair.parse(text))
        except InvalidTradingPair as exc:
            raise read.fail(f"pairs[{index}]", f"{exc}") from None
    if not pairs:
        raise read.fail("pairs", "needs at least one pair the suites trade, e.g. [\"BTC-USDT\"]")

    order_types: set[OrderType] = set()
    for index, text in enumerate(read.string_list("order_types")):
        try:
            order_types.add(OrderType(text))
        except ValueError:
            raise read.fail(f"order_types[{index}]", f"{text!r} is not one of "
                            f"{', '.join(t.value for t in OrderType)}") from None

    capabilities = read.string_list("capabilities")
    for index, capability in enumerate(capabilities):
        if capability not in KNOWN_CAPABILITIES:
            raise read.fail(f"capabilities[{index}]", f"unknown capability {capability!r}; "
                            f"known: {', '.join(sorted(KNOWN_CAPABILITIES))}")

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

    exchange = read.string("exchange", required=False, pattern=_NAME,
                           hint=" (the exchange's name, e.g. binance: a-z, 0-9, _)")
    known = tuple(_known_failure(read, index, entry)
                  for index, entry in enumerate(data.get("known_failures", [])))
    return Manifest(
        name=name, standard=standard, connector=connector, path=path,
        display_name=read.string("display_name", required=False) or name,
        double=double, maintainer=read.string("maintainer", required=False),
        pairs=tuple(pairs), order_types=frozenset(order_types),
        capabilities=frozenset(capabilities), urls=urls, secrets=read.table("secrets"),
        cassette_options=read.table("cassettes"), known_failures=known, source=source,
        exchange=exchange or name,
    )


def _known_failure(read: _Reader, index: int, entry: Any) -> KnownFailure:
    where = f"known_failures[{index}]"
    if not isinstance(entry, dict):
        raise read.fail(where, "must be a table ([[known_failures]])")
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
