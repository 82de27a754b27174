"""The project's own test run never writes into its tree.

The test command (`pytest`, testpaths tests + suites + connectors) also runs the suites, and
a failing PROP-LIFE-1 saves its minimal sequence as a regression cassette, by default next to
the connector's cassettes (for a user to commit). Within the project's test run it goes to a
temporary folder instead, unless --regressions-dir says where.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config.option, "regressions_dir", "unset") is None:
        folder = Path(tempfile.gettempdir()) / f"connector-harness-regressions-{os.getpid()}"
        config.option.regressions_dir = str(folder)  # created only when a cassette is saved
