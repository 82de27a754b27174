"""The dashboard tests reuse the synthetic results and HTML probe of the unit tests."""

from __future__ import annotations

import sys
from pathlib import Path

_UNIT_REPORT = Path(__file__).resolve().parents[2] / "unit" / "report"
if str(_UNIT_REPORT) not in sys.path:
    sys.path.insert(0, str(_UNIT_REPORT))
