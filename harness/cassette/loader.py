"""Reading and writing cassette files.

`load_cassette` validates before it builds anything, so a bad cassette ends in one line per
problem (`<file>: <location>: <fix>`) rather than a traceback deep in the replay server.
It also reads a plain vcrpy cassette (top-level `interactions`), wrapping it with a meta
inferred from its path (`cassettes/<connector>/<scenario>.yaml`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from harness.cassette.exchange import PROFILE_FILE
from harness.cassette.format import (
    Cassette,
    CloseSpec,
    Direction,
    Fault,
    FrameKind,
    FrameMatch,
    HttpRequest,
    HttpResponse,
    Interaction,
    MatchMode,
    Meta,
    ReplayMode,
    Source,
    Trigger,
    WsConnection,
    WsFrame,
    to_document,
)
from harness.cassette.parse_cache import cached_parse
from harness.cassette.validate import format_problem, validate_document
from harness.standard.version import STANDARD_VERSION

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader plus the two harmless python tags vcrpy's own dumper may write."""


_Loader.add_constructor("tag:yaml.org,2002:python/str", lambda ld, node: ld.construct_scalar(node))
_Loader.add_constructor(
    "tag:yaml.org,2002:python/tuple", lambda ld, node: tuple(ld.construct_sequence(node))
)


class CassetteError(Exception):
    """A cassette cannot be used. `str()` is one line per problem, each naming file and fix."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class CassetteNotFound(CassetteError, FileNotFoundError):
    """The cassette file does not exist (and the record mode does not allow recording it)."""


def read_document(path: Path) -> Any:
    """The parsed YAML of a cassette file; a YAML syntax error becomes a one-line CassetteError."""
    return _parse_document(path, _read_text(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteNotFound([f"{path}: cassette not found; record it with `harness record"
                                f" <connector> <scenario>` or check the scenario name"]) from None


def _parse_document(path: Path, text: str) -> Any:
    try:
        return cached_parse(text, _parse_yaml, "cassette")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(yaml)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CassetteError(
            [f"{path}: {where}: invalid YAML ({problem}); fix the syntax"]) from None


def _parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def is_plain_vcrpy(doc: Any) -> bool:
    """True for a file vcrpy wrote itself: top-level `interactions`, no `meta`."""
    return isinstance(doc, Mapping) and "interactions" in doc and "meta" not in doc


def wrap_vcrpy(doc: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """A plain vcrpy cassette as a version-1 harness document (meta inferred from the path)."""
    mtime = dt.date.fromtimestamp(path.stat().st_mtime) if path.exists() else dt.date.today()
    meta = {
        "connector": path.parent.name or "unknown",
        "scenario": path.stem,
        "standard_version": STANDARD_VERSION,
        "source": Source.RECORDED_LIVE.value,
        "date": mtime.isoformat(),
        "scrubbed": [],
    }
    return {"version": 1, "meta": meta, "http": {"version": doc.get("version", 1),
                                                  "interactions": doc["interactions"]}}


def cassette_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The scenario cassettes of an exchange's folder, sorted: its *.yaml files but the
    exchange's declaration (exchange.yaml, harness.cassette.exchange)."""
    return sorted(path for path in Path(folder).glob("*.yaml") if path.name != PROFILE_FILE)


def load_cassette(path: str | os.PathLike[str]) -> Cassette:
    """Read, validate and build the cassette at `path`.

    >>> cassette = load_cassette("cassettes/binance/place_limit_buy.yaml")  # doctest: +SKIP
    >>> cassette.interactions[0].request.method                             # doctest: +SKIP
    'POST'

    Raises CassetteNotFound for a missing file and CassetteError (one line per problem)
    for an invalid one.
    """
    file = Path(path)
    text = _read_text(file)
    # A suite loads the same cassette for several checks: the built (immutable) cassette is
    # kept per path and text, so an edited file is read afresh.
    key = (str(file), text)
    built = _BUILT.get(key)
    if built is not None:
        return built
    doc = _parse_document(file, text)
    if is_plain_vcrpy(doc):
        doc = wrap_vcrpy(doc, file)
    cassette = cassette_from_document(doc, file)
    if len(_BUILT) >= _BUILT_MAX:
        _BUILT.pop(next(iter(_BUILT)))
    _BUILT[key] = cassette
    return cassette


_BUILT: dict[tuple[str, str], Cassette] = {}
_BUILT_MAX = 64


def cassette_from_document(doc: Any, path: Path | None = None) -> Cassette:
    """Validate a parsed document and build the Cassette; raises CassetteError if invalid."""
    problems = validate_document(doc)
    if problems:
        raise CassetteError([format_problem(str(path or "<cassette>"), p) for p in problems])
    return _build(doc, path)


def _headers(raw: Any) -> dict[str, tuple[str, ...]]:
    if not raw:
        return {}
    return {
        str(name): tuple(values) if isinstance(values, list) else (values,)
        for name, values in raw.items()
    }


def _body_bytes(raw: Any) -> bytes:
    value = raw.get("string") if isinstance(raw, Mapping) else None
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _interaction(item: Mapping[str, Any]) -> Interaction:
    req, resp = item["request"], item["response"]
    ext = item.get("harness") or {}
    body = req.get("body")
    return Interaction(
        request=HttpRequest(
            method=req["method"],
            uri=req["uri"],
            body=dict(body) if isinstance(body, Mapping) else body,
            headers=_headers(req.get("headers")),
        ),
        response=HttpResponse(
            status=resp["status"]["code"],
            message=resp["status"].get("message", "") or "",
            headers=_headers(resp.get("headers")),
            body=_body_bytes(resp.get("body")),
        ),
        id=ext.get("id"),
        repeat=bool(ext.get("repeat", False)),
        optional=bool(ext.get("optional", False)),
        fault=Fault(ext["fault"]) if "fault" in ext else None,
    )


def _frame(raw: Mapping[str, Any]) -> WsFrame:
    direction = Direction(raw["dir"])
    value: Any
    if "json" in raw:
        kind, value = FrameKind.JSON, raw["json"]
    elif "text" in raw:
        kind, value = FrameKind.TEXT, raw["text"]
    elif "close" in raw:
        close = raw["close"] or {}
        kind, value = FrameKind.CLOSE, CloseSpec(close.get("code", 1000), close.get("reason", ""))
    else:
        kind, value = FrameKind.FAULT, Fault(raw["fault"])
    match = raw.get("match") or {}
    after = raw.get("after") or {}
    return WsFrame(
        dir=direction,
        kind=kind,
        value=value,
        match=FrameMatch(frozenset(match.get("ignore", ())), MatchMode(match.get("mode", "equal"))),
        after=Trigger(after.get("client"), after.get("http"), float(after.get("delay", 0.0))),
    )


def _build(doc: Mapping[str, Any], path: Path | None) -> Cassette:
    meta = doc["meta"]
    date = meta["date"]
    interactions = (doc.get("http") or {}).get("interactions") or []
    return Cassette(
        meta=Meta(
            connector=meta["connector"],
            scenario=meta["scenario"],
            standard_version=str(meta["standard_version"]),
            source=Source(meta["source"]),
            date=date.isoformat() if isinstance(date, dt.date) else date,
            exchange_api_version=meta.get("exchange_api_version"),
            scrubbed=tuple(meta.get("scrubbed") or ()),
            description=(meta.get("description") or "").strip(),
            replay=ReplayMode(meta["replay"]) if meta.get("replay") else None,
            inputs=dict(meta.get("inputs") or {}),
            expect=dict(meta.get("expect") or {}),
            fault=tuple(meta.get("fault") or ()),
        ),
        interactions=tuple(_interaction(item) for item in interactions),
        ws=tuple(
            WsConnection(url=conn["url"], frames=tuple(_frame(f) for f in conn["frames"]))
            for conn in doc.get("ws") or ()
        ),
        path=path,
    )


def dump_cassette(cassette: Cassette, path: str | os.PathLike[str]) -> Path:
    """Write the cassette as YAML (creating folders); returns the path written."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(
        to_document(cassette), Dumper=_BaseDumper, sort_keys=False, allow_unicode=True, width=100
    )
    tmp = file.with_suffix(file.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)  # never leave a half-written cassette behind
    return file
