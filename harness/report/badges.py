"""Badges: a flat SVG and a shields.io endpoint JSON, both in reports/badges/, per connector
(<connector>.svg) and per exchange and market (<exchange>-<market>.svg, e.g. binance-spot).

Embed the SVG directly, or let shields.io render the JSON:
https://img.shields.io/endpoint?url=<public URL of badges/<connector>.json>
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from harness.report.exchange_table import ExchangeRow, market_label
from harness.status import ConnectorStatus, Status, worst

COLOURS = {Status.GREEN: "#4c1", Status.YELLOW: "#dfb317", Status.RED: "#e05d44"}
# shields.io's named colours for exactly the hex values above.
SHIELDS_COLOURS = {Status.GREEN: "brightgreen", Status.YELLOW: "yellow", Status.RED: "red"}
LABEL_COLOUR = "#555"

# Approximate advance widths (px) of Verdana at 11 px, the badge font; textLength pins the
# rendered width to these so a substitute font cannot overflow the badge.
_NARROW = {**dict.fromkeys("ijl.,:;!|'", 3.4), **dict.fromkeys("frtI()[] ", 4.6)}
_WIDE = {**dict.fromkeys("mwMW%", 10.5), **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 7.8)}
_DEFAULT_WIDTH = 6.9
_PADDING = 6


def text_width(text: str) -> float:
    return sum(_NARROW.get(char, _WIDE.get(char, _DEFAULT_WIDTH)) for char in text)


def safe_name(connector: str) -> str:
    """A connector name usable as a file name (they are folder names already; be safe)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", connector) or "_"


def badge_svg(label: str, message: str, colour: str) -> str:
    """A flat badge: grey label on the left, coloured message on the right."""
    label_text, message_text = text_width(label), text_width(message)
    left = round(label_text + 2 * _PADDING)
    right = round(message_text + 2 * _PADDING)
    width = left + right
    title = f"{label}: {message}"

    def text(x: float, content: str, length: float) -> str:
        shadow = (
            f'<text x="{x:.1f}" y="15" fill="#010101" fill-opacity=".3" '
            f'textLength="{length:.1f}">{escape(content)}</text>'
        )
        front = f'<text x="{x:.1f}" y="14" textLength="{length:.1f}">{escape(content)}</text>'
        return shadow + front

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f"aria-label={quoteattr(title)}>"
        f"<title>{escape(title)}</title>"
        '<linearGradient id="shine" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="round"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        '<g clip-path="url(#round)">'
        f'<rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<rect width="{width}" height="20" fill="url(#shine)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f"{text(left / 2, label, label_text)}{text(left + right / 2, message, message_text)}"
        "</g></svg>\n"
    )


def badge_message(status: ConnectorStatus) -> str:
    return status.badge_message


def _endpoint(label: str, message: str, status: Status) -> str:
    document = {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": SHIELDS_COLOURS[status],
    }
    return json.dumps(document, indent=1) + "\n"


def endpoint_json(status: ConnectorStatus) -> str:
    """shields.io endpoint badge JSON for one connector."""
    return _endpoint(status.connector, badge_message(status), status.status)


def market_badge(statuses: Sequence[ConnectorStatus]) -> tuple[str, Status]:
    """Message and colour of an exchange-and-market badge: one implementation's own message,
    or how many implementations are at each status ("1 green, 1 red"); the colour is the
    worst, so a badge never looks better than what it sums up."""
    colour = worst(s.status for s in statuses) or Status.RED
    if len(statuses) == 1:
        return badge_message(statuses[0]), colour
    counts = [
        f"{sum(1 for s in statuses if s.status is status)} {status.value}"
        for status in (Status.GREEN, Status.YELLOW, Status.RED)
        if any(s.status is status for s in statuses)
    ]
    return ", ".join(counts), colour


def market_badge_files(badges_dir: Path, rows: Sequence[ExchangeRow]) -> dict[Path, str]:
    """One badge (SVG and endpoint JSON) per exchange and market that has an implementation."""
    files: dict[Path, str] = {}
    for row in rows:
        for market, impls in row.cells.items():
            if not impls:
                continue
            label = f"{row.exchange.name} {market_label(market).lower()}"
            message, status = market_badge([impl.status for impl in impls])
            stem = f"{safe_name(row.exchange.id)}-{safe_name(market)}"
            files[badges_dir / f"{stem}.svg"] = badge_svg(label, message, COLOURS[status])
            files[badges_dir / f"{stem}.json"] = _endpoint(label, message, status)
    return files


def badge_files(badges_dir: Path, statuses: Sequence[ConnectorStatus]) -> dict[Path, str]:
    """Rendered badge files keyed by path, for `write_all`."""
    files: dict[Path, str] = {}
    for status in statuses:
        name = safe_name(status.connector)
        colour = COLOURS[status.status]
        svg = badge_svg(status.connector, badge_message(status), colour)
        files[badges_dir / f"{name}.svg"] = svg
        files[badges_dir / f"{name}.json"] = endpoint_json(status)
    return files
