"""Client order ids: a prefix, unique within a session and across restarts, length-bounded."""

from __future__ import annotations

import itertools
import re
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


class ClientOrderIdFactory:
    """Builds ids like `HBOT-B-k3J9x2-17`: prefix, side, a random session tag, a counter."""

    def __init__(self, prefix: str, max_length: int, session_tag: str = "", charset: str = "",
                 exchange: str = "the exchange") -> None:
        if len(prefix) + 8 > max_length:
            raise ValueError(f"prefix {prefix!r} leaves no room in {max_length} characters")
        if charset and not re.fullmatch(charset + "*", session_tag):
            raise ValueError(f"ConnectorConfig.session_tag {session_tag!r} goes into client "
                             f"order ids; {exchange} accepts only {charset} there")
        self.prefix = prefix
        self.max_length = max_length
        # A fixed tag (the harness sets one) makes ids reproducible, so cassettes can hold them.
        self._session = session_tag or "".join(secrets.choice(_ALPHABET) for _ in range(6))
        self._counter = itertools.count(1)

    def new(self, side_letter: str) -> str:
        raw = f"{self.prefix}{side_letter}{self._session}{next(self._counter)}"
        if len(raw) > self.max_length:
            # The counter outgrew the room: a fresh session tag keeps ids unique.
            self._session = "".join(secrets.choice(_ALPHABET) for _ in range(6))
            self._counter = itertools.count(1)
            raw = f"{self.prefix}{side_letter}{self._session}{next(self._counter)}"
        return raw
