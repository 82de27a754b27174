"""Scrubbing: secrets are replaced with "SCRUBBED" before anything is written to disk.

What goes: headers whose name mentions a key/auth/token/signature/passphrase/secret/cookie
(plus named ones), query/body parameters and JSON fields with secret names, and any
occurrence of a secret value passed in (the API key and secret from the environment).
In what the client sent (`sent=True`: requests, client frames), also any value shaped like
a signature or key, whatever its name: the secret scan's own shape rule
(harness.cassette.secrets.signature_shaped), so an exchange that signs in a positional
field (Bybit's `{"op": "auth", "args": [key, expires, signature]}`) needs no declaration.
A value scrubbed by name or shape is also remembered as a secret, so a listenKey returned by
REST is scrubbed from the WebSocket URL that uses it later. Same input, same output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness.cassette.format import SCRUBBED
from harness.cassette.secrets import signature_shaped

HEADER_WORDS = ("key", "auth", "token", "signature", "passphrase", "secret", "cookie")
PARAM_NAMES = frozenset({"signature", "sig", "apikey", "listenkey", "token", "passphrase"})
JSON_FIELDS = frozenset({"listenkey", "token", "accountid"}) | PARAM_NAMES
SECRET_VALUE = "secret-value"  # the label meta.scrubbed uses for env secrets found in values
SHAPED_VALUE = "signature-shaped"  # ... and for a shaped value sent under no name (plain text)
_MIN_SECRET = 6  # shorter "secrets" would mangle ordinary text


class Scrubber:
    """Replaces secrets with SCRUBBED and remembers which names it scrubbed (`scrubbed`).

    `fields` are scrubbed as parameters, JSON fields and headers (manifests name headers
    there: Bybit's X-BAPI-SIGN); `headers` as headers only.

    >>> s = Scrubber(secrets=["k3y-from-env"])
    >>> s.url("https://api.x.com/a?symbol=BTC&signature=abcd")
    'https://api.x.com/a?symbol=BTC&signature=SCRUBBED'
    >>> s.headers({"X-API-KEY": ["k3y-from-env"], "Accept": ["*/*"]})
    {'X-API-KEY': ('SCRUBBED',), 'Accept': ('*/*',)}
    """

    def __init__(
        self,
        secrets: Iterable[str] = (),
        *,
        headers: Iterable[str] = (),
        fields: Iterable[str] = (),
    ) -> None:
        self._secrets = {s for s in secrets if s and len(s) >= _MIN_SECRET and s != SCRUBBED}
        named = {f.lower() for f in fields}
        self._headers = {h.lower() for h in headers} | named
        self._fields = JSON_FIELDS | named
        self._params = PARAM_NAMES | named
        self.scrubbed: set[str] = set()

    def learn(self, value: Any) -> None:
        """Treat `value` as a secret from now on (if it is long enough to be one)."""
        if isinstance(value, str) and len(value) >= _MIN_SECRET and value != SCRUBBED:
            self._secrets.add(value)

    def is_secret_header(self, name: str) -> bool:
        lower = name.lower()
        return lower in self._headers or any(word in lower for word in HEADER_WORDS)

    def text(self, value: str, *, sent: bool = False, name: str = "") -> str:
        """`value` with every known secret replaced (longest first, so overlaps scrub fully),
        and if the client `sent` it, every run shaped like a signature or key (labelled
        `name` in meta.scrubbed)."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, SCRUBBED)
                self.scrubbed.add(SECRET_VALUE)
        if sent:
            for run in signature_shaped(value):
                self.learn(run)
                value = value.replace(run, SCRUBBED)
                self.scrubbed.add(name or SHAPED_VALUE)
        return value

    def headers(self, headers: Mapping[str, Sequence[str] | str], *, sent: bool = False
                ) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for raw_name, values in headers.items():
            name = str(raw_name)  # aiohttp's istr names would not survive yaml.safe_dump
            items = (values,) if isinstance(values, str) else tuple(values)
            if self.is_secret_header(name):
                for value in items:
                    self.learn(value)
                out[name] = tuple(SCRUBBED for _ in items)
                self.scrubbed.add(name)
            else:
                out[name] = tuple(self.text(v, sent=sent, name=name) for v in items)
        return out

    def _pairs(self, pairs: list[tuple[str, str]], sent: bool
               ) -> tuple[list[tuple[str, str]], bool]:
        changed = False
        out: list[tuple[str, str]] = []
        for key, value in pairs:
            if key.lower() in self._params and value != SCRUBBED:
                self.learn(value)
                self.scrubbed.add(key)
                out.append((key, SCRUBBED))
                changed = True
            else:
                new = self.text(value, sent=sent, name=key)
                changed = changed or new != value
                out.append((key, new))
        return out, changed

    def form(self, text: str, *, sent: bool = False) -> str:
        """A query string or form body with secret parameters scrubbed (unchanged if clean)."""
        pairs, changed = self._pairs(parse_qsl(text, keep_blank_values=True), sent)
        return urlencode(pairs) if changed else text

    def url(self, url: str, *, sent: bool = False) -> str:
        parts = urlsplit(url)
        query = self.form(parts.query, sent=sent) if parts.query else ""
        # Path segments can carry a secret too (wss://.../ws/<listenKey>).
        rebuilt = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        return self.text(rebuilt, sent=sent)

    def json_value(self, value: Any, *, sent: bool = False, name: str = "") -> Any:
        """A JSON value with secret fields (any depth) replaced and secret values scrubbed;
        what the client `sent` loses signature-shaped values too (labelled by their field)."""
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if str(key).lower() in self._fields and isinstance(item, str | int) \
                        and item != SCRUBBED:
                    self.learn(str(item))
                    self.scrubbed.add(str(key))
                    out[key] = SCRUBBED
                else:
                    out[key] = self.json_value(item, sent=sent, name=str(key))
            return out
        if isinstance(value, list):
            return [self.json_value(item, sent=sent, name=name) for item in value]
        if isinstance(value, str):
            return self.text(value, sent=sent, name=name)
        return value

    def body(self, body: bytes, content_type: str = "", *, sent: bool = False) -> bytes:
        """A request/response body scrubbed as JSON, form or plain text (unchanged if clean)."""
        if not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        kind = content_type.lower()
        stripped = text.lstrip()
        if "json" in kind or stripped[:1] in ("{", "["):
            try:
                parsed = json.loads(text)
            except ValueError:
                pass
            else:
                clean = self.json_value(parsed, sent=sent)
                if clean == parsed:
                    return body
                return json.dumps(clean, separators=(",", ":"), ensure_ascii=False).encode()
        if "x-www-form-urlencoded" in kind or ("=" in text and " " not in text and not kind):
            new = self.form(text, sent=sent)
            return new.encode() if new != text else body
        new = self.text(text, sent=sent)
        return new.encode() if new != text else body

    def names(self) -> list[str]:
        """What was scrubbed, sorted, for meta.scrubbed."""
        return sorted(self.scrubbed, key=str.lower)
