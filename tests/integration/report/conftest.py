"""The dashboard tests reuse the synthetic results and HTML probe of the unit tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_UNIT_REPORT = Path(__file__).resolve().parents[2] / "unit" / "report"
if str(_UNIT_REPORT) not in sys.path:
    sys.path.insert(0, str(_UNIT_REPORT))


@pytest.fixture
def chromium() -> Path:
    """Chromium's path for a browser test: skips without one locally, fails without one in CI."""
    from headless_chromium import require_chromium

    return require_chromium()
