"""Reads the dashboard's HTML (a file, or the DOM a browser dumped) for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Probe(HTMLParser):
    elements: list[Element] = field(default_factory=list)
    _open: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("meta", "br", "img", "link", "input"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def probe(html: str) -> Probe:
    parser = Probe()
    parser.feed(html)
    return parser


def find(parser: Probe, tag: str | None = None, **attrs: str) -> list[Element]:
    return [
        e
        for e in parser.elements
        if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in attrs.items())
    ]


def broken_links(page: Path, html: str | None = None) -> list[str]:
    """Links of a page that lead nowhere: a missing file, or a missing #fragment."""
    parser = probe(html if html is not None else page.read_text(encoding="utf-8"))
    broken = []
    for element in parser.elements:
        for attr in ("href", "src"):
            link = element.attrs.get(attr)
            if not link:
                continue
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # external links (known failures' issues) are not files
            if parts.scheme and parts.scheme != "file":
                broken.append(f"{link} (scheme {parts.scheme})")
                continue
            target = (
                Path(unquote(parts.path))
                if parts.scheme == "file"
                else (page.parent / unquote(parts.path)).resolve()
                if parts.path
                else page
            )
            if not target.is_file():
                broken.append(f"{link} (no file {target})")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = {e.attrs.get("id") for e in probe(target.read_text()).elements}
                if parts.fragment not in ids:
                    broken.append(f"{link} (no id {parts.fragment} in {target.name})")
    return broken
