"""The parsed-cassette cache: a second parse of the same text reads the stored document;
other text, another parser or an unusable cache parse afresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from harness.cassette.loader import read_document
from harness.cassette.parse_cache import CACHE_ENV, cache_dir, cached_parse


class Counting:
    def __init__(self, result: Any = None) -> None:
        self.calls = 0
        self.result = result

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.result if self.result is not None else {"text": text, "items": (1, 2.5)}


def test_the_same_text_is_parsed_once_and_read_back_equal(tmp_path: Path) -> None:
    parse = Counting()
    first = cached_parse("a: 1", parse, "cassette", tmp_path)
    again = cached_parse("a: 1", parse, "cassette", tmp_path)
    assert parse.calls == 1 and again == first and again is not first
    cached_parse("a: 2", parse, "cassette", tmp_path)  # edited text: a new key
    cached_parse("a: 1", parse, "exchange", tmp_path)  # another parser: a new key
    assert parse.calls == 3


def test_values_marshal_cannot_store_are_parsed_every_time(tmp_path: Path) -> None:
    parse = Counting({"date": dt.date(2026, 11, 21)})
    for _ in range(2):
        assert cached_parse("d: 2026-11-21", parse, "cassette", tmp_path) == \
            {"date": dt.date(2026, 11, 21)}
    assert parse.calls == 2


def test_an_unwritable_or_corrupt_cache_is_not_used(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    parse = Counting()
    assert cached_parse("a: 1", parse, "cassette", blocked / "cache") == parse("a: 1")
    folder = tmp_path / "cache"
    cached_parse("b: 1", parse, "cassette", folder)
    for stored in folder.iterdir():
        stored.write_bytes(b"\x00garbage")
    calls = parse.calls
    assert cached_parse("b: 1", parse, "cassette", folder)["text"] == "b: 1"
    assert parse.calls == calls + 1


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_dir() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "connector-harness" / "parsed"


def test_cassettes_read_through_the_cache_equal_a_fresh_parse(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    cassette = Path(__file__).resolve().parents[3] / "cassettes" / "binance" / "balances.yaml"
    monkeypatch.setenv(CACHE_ENV, "")
    fresh = read_document(cassette)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert read_document(cassette) == fresh  # parsed and stored
    assert read_document(cassette) == fresh  # read back
    assert len(list(tmp_path.iterdir())) == 1
