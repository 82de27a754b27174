"""The secret scanner: every part of a cassette, by name and by shape, with a reviewed allow-list.

Two kinds of rule, applied to every string of the document (URLs and their query, form,
JSON and text bodies of requests and responses, every header of both, WebSocket frames both
ways, meta text; JSON held in a string is parsed and walked too):

- by name: a value under a secret-like name (`apiKey`, `X-MBX-APIKEY`, `api_secret`,
  `Signature`, `listen-key`, `passphrase`...; any casing, any separator) that is not
  SCRUBBED;
- by shape, whatever the name: PEM private keys, JWTs, Bearer/Basic credentials, user:password
  in URLs, long mixed-case base64 runs (API keys and secrets of Binance, Kraken, ...), long
  hex runs in what the client sent (HMAC signatures), and the vendor key shapes of the
  detect-secrets library (AWS, GitHub, Slack, Stripe, ...). A response's hex run is a hash
  (transaction id, order hash), so it counts only under a secret-like name.

We use detect-secrets for the vendor shapes it curates and keep rules of our own for the
rest: its entropy and keyword plugins scan source lines and flag every split of every string,
while a cassette is structured data whose names we know.

Documented test vectors (an exchange's published example keys) are allowed only through an
`allowed_secrets.toml` beside the cassettes, each entry with its value and a reason.
"""

from __future__ import annotations

import functools
import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.cassette.format import SCRUBBED

ALLOW_LIST_NAME = "allowed_secrets.toml"
# Parts of a normalized name (lower-case, separators dropped) that make its value a secret.
SECRET_NAME_PARTS = ("apikey", "apisecret", "secret", "password", "passwd", "passphrase",
                     "privatekey", "accesskey", "signature", "listenkey",
                     "authorization", "cookie", "credential", "sessionid")
# "token" alone is ambiguous: in crypto APIs it mostly names an asset (Gateway's baseToken,
# tokenIn, tokens). A name is a credential token when it is `token` itself or a token of
# one of these kinds (accessToken, X-Auth-Token, session_token, csrftoken...).
_CREDENTIAL_TOKEN = re.compile(
    r"^(x)?(access|auth|api|bearer|session|refresh|id|csrf|xsrf|oauth|jwt|listen|security|"
    r"secret|user|login|private)?token$")
SECRET_NAMES = frozenset({"sig", "sign", "auth", "xmbxapikey", "okaccesssign", "kcapisign",
                          "xbapisign"})
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_CREDENTIAL = re.compile(r"\b(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{8,})")
_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@:\s]+:([^/@\s]+)@", re.IGNORECASE)
_HEX_RUN = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{32,}(?![0-9a-fA-F])")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}")
# Coinbase Advanced Trade's API key names carry the organisation and key ids.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_COINBASE_KEY = re.compile(r"organizations/[0-9a-f-]{36}/apiKeys/[0-9a-f-]{36}")
_BASE64_ENTROPY = 4.2  # bits per character; random base62 is ~5.9, English words ~4
_TOKEN_ENTROPY = 3.3  # Binance's documented listenKey (lower-case and digits) is ~3.5


def normalized(name: str) -> str:
    """`X-MBX-APIKEY`, `api_key`, `Api-Key`, `apiKey` all become `apikey`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def secret_like_name(name: str) -> bool:
    key = normalized(name)
    return (key in SECRET_NAMES or any(part in key for part in SECRET_NAME_PARTS)
            or _CREDENTIAL_TOKEN.match(key) is not None)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def peek(value: str) -> str:
    """Enough of a value to find it, never enough to use it."""
    return f"{value[:4]}...({len(value)} chars)" if len(value) > 8 else "(short value)"


def _scrubbed(value: str) -> bool:
    return not value.replace(SCRUBBED, "").strip(" :=,;")


@dataclass(frozen=True)
class Finding:
    location: str
    reason: str
    value: str


@dataclass(frozen=True)
class AllowList:
    """Values that are public test vectors, each with the reason it was allowed."""

    reasons: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @classmethod
    def for_cassette(cls, path: Path) -> AllowList:
        """The allow-list beside a cassette (allowed_secrets.toml), or an empty one."""
        return cls.load(path.parent / ALLOW_LIST_NAME)

    @classmethod
    def load(cls, path: Path) -> AllowList:
        if not path.is_file():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            return cls(problems=(f"{path}: cannot be read as TOML: {exc}",))
        reasons: dict[str, str] = {}
        problems: list[str] = []
        entries = data.get("allowed", [])
        for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            value = entry.get("value") if isinstance(entry, dict) else None
            reason = entry.get("reason") if isinstance(entry, dict) else None
            if not isinstance(value, str) or not value:
                problems.append(f"{path}: allowed[{index}].value: missing; give the exact value")
            elif not isinstance(reason, str) or not reason.strip():
                problems.append(f"{path}: allowed[{index}].reason: missing; say where the "
                                "value is published as a test vector")
            else:
                reasons[value] = reason
        return cls(reasons, tuple(problems))

    def allows(self, finding: Finding) -> bool:
        return any(allowed in finding.value or finding.value in allowed
                   for allowed in self.reasons if len(finding.value) >= 8)


class _Walk:
    """Walks a document, knowing each string's location, nearest name and side."""

    def __init__(self) -> None:
        self.found: list[Finding] = []
        self._seen: dict[str, list[str]] = {}

    def add(self, location: str, reason: str, value: str) -> None:
        # One finding per value per string: a signature found as `?signature=` is not found
        # again as a hex run of the whole URL.
        # Nor is a run inside a JWT or a credential already found there.
        root = location.split("?")[0]
        earlier = self._seen.setdefault(root, [])
        if not any(value in before for before in earlier):
            earlier.append(value)
            self.found.append(Finding(location, reason, value))

    def node(self, value: Any, location: str, name: str, client: bool) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                self.node(item, f"{location}.{key}" if location else str(key), str(key), client)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.node(item, f"{location}[{index}]", name, client)
        elif isinstance(value, bytes):
            self.string(value.decode("utf-8", "replace"), location, name, client)
        elif isinstance(value, str):
            self.string(value, location, name, client)

    def string(self, value: str, location: str, name: str, client: bool) -> None:
        if not value or _scrubbed(value):
            return
        if secret_like_name(name):
            self.add(location, f"{name}={peek(value)} is not scrubbed; replace the value with "
                               f"{SCRUBBED}", value)
            return
        stripped = value.strip()
        if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                pass
            else:
                self.node(parsed, location, name, client)
                return
        if re.match(r"^(https?|wss?)://", stripped):
            self.url(stripped, location, client)
        elif "=" in stripped and " " not in stripped and "\n" not in stripped:
            for key, item in parse_qsl(stripped, keep_blank_values=True):
                self.string(item, f"{location}?{key}", key, client)
        self.shapes(value, location, client)

    def url(self, url: str, location: str, client: bool) -> None:
        parts = urlsplit(url)
        for key, item in parse_qsl(parts.query, keep_blank_values=True):
            self.string(item, f"{location}?{key}", key, client)
        for segment in parts.path.split("/"):
            if len(segment) >= 32 and _token_like(segment):
                self.add(location, f"path segment {peek(segment)} looks like a listen key or "
                                   f"token; replace it with {SCRUBBED}", segment)
        match = _USERINFO.match(url)
        if match and not _scrubbed(match.group(1)):
            self.add(location, f"URL carries a password {peek(match.group(1))}; replace it "
                               f"with {SCRUBBED}", match.group(1))

    def shapes(self, value: str, location: str, client: bool) -> None:
        if _PEM.search(value):
            self.add(location, "contains a PEM private key; remove it and rotate the key",
                     value)
        for scheme, credential in _CREDENTIAL.findall(value):
            if not _scrubbed(credential):
                self.add(location, f"{scheme} credential {peek(credential)} is not scrubbed; "
                                   f"replace it with {SCRUBBED}", credential)
        for match in _JWT.findall(value):
            self.add(location, f"JSON Web Token {peek(match)}; replace it with {SCRUBBED}",
                     match)
        for match in _COINBASE_KEY.findall(value):
            self.add(location, f"Coinbase API key name {peek(match)}; replace it with "
                               f"{SCRUBBED}", match)
        for kind, secret in _vendor_shapes(value):
            self.add(location, f"{kind} {peek(secret)}; replace it with {SCRUBBED}", secret)
        for run in random_runs(value):
            self.add(location, f"random-looking token {peek(run)} (an API key, secret or "
                               f"listen key?); replace it with {SCRUBBED}", run)
        if client:
            for run in hex_runs(value):
                self.add(location, f"hex run {peek(run)} in what the client sent looks like a "
                                   f"signature or key; replace it with {SCRUBBED}", run)


def random_runs(text: str) -> list[str]:
    """The random-looking base64 runs of `text` (API keys and secrets, base64 signatures),
    blockchain addresses and hex runs left out: reported wherever they are."""
    return [run for run in _BASE64_RUN.findall(text)
            if _random_looking(run) and not _HEX_RUN.fullmatch(run)
            and not _public_address(text, run)]


def hex_runs(text: str) -> list[str]:
    """The long hex runs of `text` (HMAC signatures), blockchain addresses left out:
    reported in what the client sent (in an answer a hex run is a hash)."""
    return [run for run in _HEX_RUN.findall(text) if not _public_address(text, run)]


def signature_shaped(text: str) -> list[str]:
    """The runs of `text` the scan reports by shape in what a client sent, longest first:
    the scrubber removes exactly these from what it records of the client
    (harness.cassette.scrub), so a recorded signature never reaches the lint."""
    return sorted({*random_runs(text), *hex_runs(text)}, key=len, reverse=True)


def _public_address(text: str, run: str) -> bool:
    """A blockchain account address is public by design (Gateway's wallets, pools, token
    mints): an EVM address is 20 bytes (0x + 40 hex; a private key is 32 bytes, 64 hex), a
    Solana address a 32-byte key in base58, 32-44 characters (a Solana secret key is 64
    bytes, ~88 characters). Under a secret-like name the name rule still reports it."""
    if len(run) == 40 and f"0x{run}" in text:
        return True
    return 32 <= len(run) <= 44 and _BASE58.fullmatch(run) is not None


def _token_like(text: str) -> bool:
    """Letters and digits mixed, no words: a listen key or session token."""
    return (text.isalnum() and any(c.isdigit() for c in text)
            and any(c.isalpha() for c in text) and entropy(text) >= _TOKEN_ENTROPY)


def _random_looking(run: str) -> bool:
    core = run.rstrip("=")
    return (any(c.islower() for c in core) and any(c.isupper() for c in core)
            and any(c.isdigit() for c in core) and entropy(core) >= _BASE64_ENTROPY)


@functools.cache
def _vendor_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """detect-secrets' curated vendor key shapes (AWS, GitHub, Slack, Stripe, ...)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    # Noisy on structured data, or covered by rules of ours that know names: left out.
    skipped = {"Base64 High Entropy String", "Hex High Entropy String", "Secret Keyword",
               "Public IP (ipv4)", "Basic Auth Credentials", "Private Key",
               "JSON Web Token"}
    found: list[tuple[str, re.Pattern[str]]] = []
    plugins: dict[str, Any] = dict(get_mapping_from_secret_type_to_class())
    for kind, plugin in sorted(plugins.items()):
        if kind not in skipped:
            found += [(kind, pattern) for pattern in getattr(plugin, "denylist", ())]
    return tuple(found)


def _vendor_shapes(text: str) -> Iterator[tuple[str, str]]:
    """(kind, whole match) for each vendor key shape in `text` (detect-secrets' own
    analyze_string yields a pattern's groups, e.g. "ghp" of a GitHub token)."""
    for kind, pattern in _vendor_patterns():
        for match in pattern.finditer(text):
            if not _scrubbed(match.group(0)):
                yield kind, match.group(0)


def _sides(doc: Mapping[str, Any]) -> Iterator[tuple[Any, str, bool]]:
    """(part, location, sent by the client) for each part of a cassette document."""
    for key, value in doc.items():
        if key not in ("http", "ws"):
            yield value, str(key), False
    http = doc.get("http")
    if isinstance(http, Mapping):
        for key, value in http.items():
            if key != "interactions":
                yield value, f"http.{key}", False
        interactions = http.get("interactions")
        for index, item in enumerate(interactions if isinstance(interactions, list) else []):
            if not isinstance(item, Mapping):
                continue
            for key, value in item.items():
                yield value, f"http.interactions[{index}].{key}", key == "request"
    ws = doc.get("ws")
    for index, conn in enumerate(ws if isinstance(ws, list) else []):
        if not isinstance(conn, Mapping):
            continue
        for key, value in conn.items():
            if key != "frames":
                yield value, f"ws[{index}].{key}", key == "url"
        frames = conn.get("frames")
        for position, frame in enumerate(frames if isinstance(frames, list) else []):
            if isinstance(frame, Mapping):
                yield frame, f"ws[{index}].frames[{position}]", frame.get("dir") == "client"


def scan_document(doc: Any, allowed: AllowList | None = None) -> list[Finding]:
    """Every secret-looking value in a parsed cassette document, less the allowed ones."""
    if not isinstance(doc, Mapping):
        return []
    walk = _Walk()
    for part, location, client in _sides(doc):
        walk.node(part, location, location.rsplit(".", 1)[-1], client)
    allowed = allowed or AllowList()
    return [finding for finding in walk.found if not allowed.allows(finding)]


def scan_file(path: Path, doc: Any) -> list[str]:
    """One line per secret in a cassette file (`file:location: reason`), allow-list applied."""
    allowed = AllowList.for_cassette(path)
    found = [f"{path}:{f.location}: {f.reason}" for f in scan_document(doc, allowed)]
    return [*allowed.problems, *found]


def scan_folder(folder: Path) -> list[str]:
    """One line per secret in every cassette under `folder` (what `harness run` judges each
    connector's cassettes by); a cassette that cannot be read is left to lint and replay."""
    from harness.cassette.loader import CassetteError, read_document

    lines: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")):
        try:
            doc = read_document(path)
        except CassetteError:
            continue
        lines += scan_file(path, doc)
    return lines
