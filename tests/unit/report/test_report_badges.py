"""Badges: valid SVG with the right colour, and shields.io endpoint JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_factory import three_runs

from harness.report.badges import badge_files, badge_svg, safe_name, text_width
from harness.status import compute_statuses

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def files(tmp_path: Path) -> dict[Path, str]:
    return badge_files(tmp_path, compute_statuses(three_runs()))


@pytest.mark.parametrize(
    ("name", "colour", "message"),
    [
        ("alpha", "#4c1", "green 4/4"),
        ("beta", "#dfb317", "yellow 2/3"),
        ("gamma", "#e05d44", "red 2/3"),
    ],
)
def test_svg_badge_is_valid_xml_with_the_status_colour(
    files: dict[Path, str], tmp_path: Path, name: str, colour: str, message: str
) -> None:
    root = ET.fromstring(files[tmp_path / f"{name}.svg"])
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-label") == f"{name}: {message}"
    rects = root.findall(f"{SVG}g/{SVG}rect")
    assert rects[0].get("fill") == "#555" and rects[1].get("fill") == colour
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [name, name, message, message]
    width = int(root.get("width", "0"))
    assert width == int(rects[0].get("width", "0")) + int(rects[1].get("width", "0"))


@pytest.mark.parametrize(
    ("name", "colour"), [("alpha", "brightgreen"), ("beta", "yellow"), ("gamma", "red")]
)
def test_endpoint_json_for_shields(
    files: dict[Path, str], tmp_path: Path, name: str, colour: str
) -> None:
    data = json.loads(files[tmp_path / f"{name}.json"])
    assert set(data) == {"schemaVersion", "label", "message", "color"}
    assert data["schemaVersion"] == 1 and data["label"] == name and data["color"] == colour


def test_text_is_escaped_and_width_grows_with_text() -> None:
    root = ET.fromstring(badge_svg("a<b&c", "x", "#4c1"))
    assert next(t.text for t in root.iter(f"{SVG}text")) == "a<b&c"
    assert text_width("WWW") > text_width("iii")
    assert safe_name("a/b c") == "a_b_c" and safe_name("") == "_"
