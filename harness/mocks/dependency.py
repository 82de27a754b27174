"""The optional dependency of harness.mocks: aioresponses-ng, imported as `aioresponses`."""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = "pip install 'connector-harness[aioresponses]' (or: pip install aioresponses-ng)"


class MissingDependency(ImportError):
    """harness.mocks was used without aioresponses installed; the message says what to install."""


def require_aioresponses(module: str = "aioresponses") -> ModuleType:
    """The aioresponses module, or MissingDependency: one line naming what to install.

    aioresponses-ng is the maintained fork (0.8.2+) that works on aiohttp 3.14; the original
    aioresponses 0.7.x cannot build a response there (`stream_writer` is missing).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(
            f"harness.mocks needs aioresponses-ng, which is not installed: {INSTALL_HINT}"
        ) from None
