"""`harness cassettes lint`: schema validation plus a scan for secrets that escaped scrubbing.

One line per problem, `file:location: reason`; a broken cassette never stops the others
from being checked. The secret scan looks for auth headers whose value is not SCRUBBED,
secret-named parameters and JSON fields, signature-like values (64 hex characters) in what
the client sent, long high-entropy tokens (listenKey, token, URL path segments) and PEM
private keys anywhere.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.cassette.exchange import PROFILE_FILE, ExchangeProfileError, load_exchange_profile
from harness.cassette.format import SCRUBBED
from harness.cassette.loader import CassetteError, read_document
from harness.cassette.scrub import HEADER_WORDS, PARAM_NAMES
from harness.cassette.validate import validate_document

AUTH_HEADERS = frozenset({
    "authorization", "x-mbx-apikey", "x-bapi-api-key", "x-bapi-sign", "ok-access-key",
    "ok-access-sign", "ok-access-passphrase", "kc-api-key", "kc-api-sign", "kc-api-passphrase",
    "x-api-key", "api-key", "apikey", "x-bx-apikey", "x-mexc-apikey", "cookie", "set-cookie",
})
SECRET_FIELDS = frozenset({"apikey", "api_key", "signature", "sig", "secret", "secretkey",
                           "api_secret", "passphrase", "password"})
TOKEN_FIELDS = frozenset({"listenkey", "token", "accesstoken", "access_token", "refreshtoken",
                          "sessiontoken"})
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_TOKEN_MIN_LENGTH = 20
_ENTROPY_BITS = 3.3  # random base62 is ~5.9; Binance's documented listenKey ~3.5


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_like_token(text: str) -> bool:
    """Long and random-looking (letters and digits mixed): a listen key, token or API key."""
    return (len(text) >= _TOKEN_MIN_LENGTH and " " not in text
            and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
            and entropy(text) >= _ENTROPY_BITS)


def _peek(value: str) -> str:
    return f"{value[:4]}...({len(value)} chars)" if len(value) > 8 else "(short value)"


@dataclass
class LintReport:
    files: int = 0
    problems: list[str] = field(default_factory=list)
    bad_files: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"cassettes lint: {self.files} cassette(s) checked, no problems"
        return (f"cassettes lint: {len(self.problems)} problem(s) in {len(self.bad_files)} of"
                f" {self.files} cassette(s)")


class _Scan:
    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, location: str, reason: str) -> None:
        self.found.append((location, reason))

    def pem(self, location: str, value: str) -> None:
        if _PEM.search(value):
            self.add(location, "contains a PEM private key; remove it and rotate the key")

    def headers(self, headers: Any, location: str) -> None:
        if not isinstance(headers, Mapping):
            return
        for name, values in headers.items():
            items = values if isinstance(values, list) else [values]
            lower = str(name).lower()
            secret = lower in AUTH_HEADERS or any(word in lower for word in HEADER_WORDS)
            for value in items:
                if not isinstance(value, str):
                    continue
                if secret and value not in ("", SCRUBBED):
                    self.add(f"{location}.{name}", f"auth header value {_peek(value)} is not"
                                                   f" scrubbed; replace it with {SCRUBBED}")
                self.pem(f"{location}.{name}", value)

    def params(self, pairs: Iterable[tuple[str, str]], location: str) -> None:
        for key, value in pairs:
            if value == SCRUBBED or not value:
                continue
            where = f"{location}?{key}"
            if key.lower() in PARAM_NAMES:
                self.add(where, f"parameter {key}={_peek(value)} is not scrubbed; replace the"
                                f" value with {SCRUBBED}")
            elif _HEX64.match(value):
                self.add(where, f"value {_peek(value)} looks like an HMAC-SHA256 signature;"
                                f" replace it with {SCRUBBED}")
            elif key.lower() in TOKEN_FIELDS and looks_like_token(value):
                self.add(where, f"token {_peek(value)} is not scrubbed; replace it with"
                                f" {SCRUBBED}")

    def url(self, url: Any, location: str, *, client_side: bool) -> None:
        if not isinstance(url, str):
            return
        parts = urlsplit(url)
        if client_side:
            self.params(parse_qsl(parts.query, keep_blank_values=True), location)
        for segment in parts.path.split("/"):
            if len(segment) >= 32 and looks_like_token(segment) and SCRUBBED not in segment:
                self.add(location, f"path segment {_peek(segment)} looks like a listen key or"
                                   f" token; replace it with {SCRUBBED}")

    def json(self, value: Any, location: str, *, client_side: bool) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{location}.{key}"
                lower = str(key).lower()
                if isinstance(item, str) and item not in ("", SCRUBBED):
                    if lower in SECRET_FIELDS:
                        self.add(where, f"field {key}={_peek(item)} is not scrubbed; replace"
                                        f" the value with {SCRUBBED}")
                        continue
                    if lower in TOKEN_FIELDS and looks_like_token(item):
                        self.add(where, f"token {_peek(item)} is not scrubbed; replace it with"
                                        f" {SCRUBBED}")
                        continue
                self.json(item, where, client_side=client_side)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.json(item, f"{location}[{index}]", client_side=client_side)
        elif isinstance(value, str):
            self.pem(location, value)
            if client_side and _HEX64.match(value):
                self.add(location, f"value {_peek(value)} looks like an HMAC-SHA256"
                                   f" signature; replace it with {SCRUBBED}")

    def body(self, body: Any, location: str, *, client_side: bool) -> None:
        if isinstance(body, Mapping | list):
            self.json(body, location, client_side=client_side)
            return
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if not isinstance(body, str) or not body:
            return
        self.pem(location, body)
        stripped = body.lstrip()
        if stripped[:1] in ("{", "["):
            try:
                parsed = json.loads(body)
            except ValueError:
                return
            self.json(parsed, location, client_side=client_side)
        elif client_side and "=" in body and " " not in body:
            self.params(parse_qsl(body, keep_blank_values=True), location)


def scan_secrets(doc: Any) -> list[tuple[str, str]]:
    """(location, reason) for every secret-looking value in a parsed cassette document."""
    scan = _Scan()
    if not isinstance(doc, Mapping):
        return []
    http = doc.get("http")
    interactions = http.get("interactions") if isinstance(http, Mapping) else None
    for index, item in enumerate(interactions if isinstance(interactions, list) else []):
        if not isinstance(item, Mapping):
            continue
        loc = f"http.interactions[{index}]"
        request = item.get("request")
        if isinstance(request, Mapping):
            scan.url(request.get("uri"), f"{loc}.request.uri", client_side=True)
            scan.headers(request.get("headers"), f"{loc}.request.headers")
            scan.body(request.get("body"), f"{loc}.request.body", client_side=True)
        response = item.get("response")
        if isinstance(response, Mapping):
            scan.headers(response.get("headers"), f"{loc}.response.headers")
            body = response.get("body")
            if isinstance(body, Mapping):
                scan.body(body.get("string"), f"{loc}.response.body.string", client_side=False)
    ws = doc.get("ws")
    for index, conn in enumerate(ws if isinstance(ws, list) else []):
        if not isinstance(conn, Mapping):
            continue
        scan.url(conn.get("url"), f"ws[{index}].url", client_side=True)
        frames = conn.get("frames")
        for position, frame in enumerate(frames if isinstance(frames, list) else []):
            if not isinstance(frame, Mapping):
                continue
            client = frame.get("dir") == "client"
            loc = f"ws[{index}].frames[{position}]"
            if "json" in frame:
                scan.json(frame["json"], f"{loc}.json", client_side=client)
            if isinstance(frame.get("text"), str):
                scan.body(frame["text"], f"{loc}.text", client_side=client)
    return scan.found


def _path_consistency(path: Path, doc: Any) -> list[tuple[str, str]]:
    meta = doc.get("meta") if isinstance(doc, Mapping) else None
    if not isinstance(meta, Mapping) or path.parent.parent.name != "cassettes":
        return []
    found: list[tuple[str, str]] = []
    if meta.get("connector") != path.parent.name:
        found.append(("meta.connector", f"is {meta.get('connector')!r} but the file is in"
                                        f" cassettes/{path.parent.name}/; make them agree"))
    if meta.get("scenario") != path.stem:
        found.append(("meta.scenario", f"is {meta.get('scenario')!r} but the file is named"
                                       f" {path.name}; make them agree"))
    return found


def lint_file(path: Path) -> list[str]:
    """Every problem of one cassette file, one line each (`file:location: reason`)."""
    if path.name == PROFILE_FILE:  # an exchange's conformance data, not a cassette
        try:
            load_exchange_profile(path)
        except ExchangeProfileError as exc:
            return str(exc).splitlines()
        return []
    try:
        doc = read_document(path)
    except CassetteError as exc:
        return list(exc.lines)
    found = [(p.location, p.message) for p in validate_document(doc)]
    found += _path_consistency(path, doc)
    found += scan_secrets(doc)
    return [f"{path}:{location}: {reason}" for location, reason in found]


def collect(paths: Sequence[str | Path], root: Path) -> list[Path]:
    """The cassette files to lint: the given files and folders (searched recursively), or
    every cassettes/**/*.yaml under `root` when none are given."""
    targets = [Path(p) for p in paths] or [root / "cassettes"]
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(target)
    return found


def lint_paths(paths: Sequence[str | Path] = (), root: Path | None = None) -> LintReport:
    """Lint every cassette; the report holds all problems of all files."""
    report = LintReport()
    for path in collect(paths, root or Path.cwd()):
        report.files += 1
        problems = lint_file(path)
        if problems:
            report.bad_files.add(str(path))
            report.problems += problems
    return report


def iter_lines(report: LintReport) -> Iterator[str]:
    """The problems then the summary line: what the CLI prints."""
    yield from report.problems
    yield report.summary()
