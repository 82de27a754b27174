"""Which connectors exist: built-ins under connectors/, plus the `harness.connectors` entry points.

Small and boring on purpose (wptrunner's products). An entry point resolves to a path to a
connector.toml, or to a callable returning one; an external entry overrides a built-in one
of the same name. Manifests that fail validation are reported, never fatal.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from harness.manifest import Manifest, ManifestError, load_manifest

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "harness.connectors"
# Extra folders of connectors (os.pathsep-separated), e.g. a maintainer's work in progress or
# the deliberately broken connectors the harness' own tests use.
EXTRA_ROOTS_ENV = "HARNESS_CONNECTOR_PATH"


class UnknownConnector(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Registry:
    connectors: dict[str, Manifest] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    # Said, not fatal: e.g. a connector that overrides another of the same name.
    warnings: tuple[str, ...] = ()

    def get(self, name: str) -> Manifest:
        try:
            return self.connectors[name]
        except KeyError:
            known = ", ".join(sorted(self.connectors)) or "none"
            raise UnknownConnector(
                f"unknown connector {name!r}; registered: {known} (see `harness list`)"
            ) from None

    def select(self, names: Iterable[str] = ()) -> list[Manifest]:
        wanted = list(names)
        if not wanted:
            return [self.connectors[name] for name in sorted(self.connectors)]
        return [self.get(name) for name in wanted]


def builtin_root() -> Path:
    import connectors

    return Path(connectors.__file__).parent


def load_registry(root: Path | None = None,
                  eps: Iterable[EntryPoint] | None = None) -> Registry:
    """Load every manifest; collect each problem as one line instead of raising.

    Later sources override earlier ones of the same name, and say so: built-ins, then the
    folders of HARNESS_CONNECTOR_PATH in order, then entry points.
    """
    found: dict[str, Manifest] = {}
    errors: list[str] = []
    warnings: list[str] = []
    root = builtin_root() if root is None else root
    for path in sorted(root.glob("*/connector.toml")):
        _add(found, errors, warnings, path, "built-in")
    for extra in filter(None, os.environ.get(EXTRA_ROOTS_ENV, "").split(os.pathsep)):
        if not Path(extra).is_dir():
            errors.append(f"{EXTRA_ROOTS_ENV}: {extra}: no such folder; fix the path or "
                          "remove it (folders are separated by "
                          f"{os.pathsep!r})")
            continue
        for path in sorted(Path(extra).glob("*/connector.toml")):
            _add(found, errors, warnings, path, f"{EXTRA_ROOTS_ENV} {extra}")
    group = entry_points(group=ENTRY_POINT_GROUP) if eps is None else eps
    for ep in group:
        try:
            path = _resolve_entry_point(ep.load())
        except Exception as exc:
            errors.append(f"entry point {ep.name} ({ep.value}): cannot load: {exc}")
            continue
        _add(found, errors, warnings, path, f"entry point {ep.value}")
    return Registry(found, tuple(errors), tuple(warnings))


def _resolve_entry_point(target: Any) -> Path:
    value = target() if isinstance(target, Callable) else target  # type: ignore[arg-type]
    if isinstance(value, str | Path):
        return Path(value)
    raise TypeError(f"must give a path to connector.toml, got {type(value).__name__}")


def _add(found: dict[str, Manifest], errors: list[str], warnings: list[str], path: Path,
         source: str) -> Manifest | None:
    try:
        manifest = load_manifest(path, source=source)
    except ManifestError as exc:
        errors.extend(exc.problems)
        return None
    previous = found.get(manifest.name)
    if previous is not None:
        message = (f"connector {manifest.name}: {path} ({source}) overrides {previous.path} "
                   f"({previous.source}); rename one to keep both")
        warnings.append(message)
        log.info(message)
    found[manifest.name] = manifest
    return manifest


class ConnectorLoadError(RuntimeError):
    """The connector's code could not be imported or is not a connector class."""


def load_object(import_path: str, manifest: Manifest, field_name: str) -> Any:
    """Import `module.path:Name` named in a manifest field."""
    module_name, _, attr = import_path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise ConnectorLoadError(
            f"{manifest.path}: {field_name}: cannot import {module_name}: "
            f"{type(exc).__name__}: {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ConnectorLoadError(
            f"{manifest.path}: {field_name}: {module_name} has no {attr!r}") from None


def missing_library(manifest: Manifest) -> str | None:
    """For an adapter connector whose library (`[adapter] library`) is not installed, the one
    line that says so and how to install it (`[adapter] install`); None otherwise."""
    library = manifest.adapter.get("library")
    if not isinstance(library, str) or not library:
        return None
    try:
        if importlib.util.find_spec(library) is not None:
            return None
    except (ImportError, ValueError):
        pass
    install = manifest.adapter.get("install") or f"pip install {library}"
    return f"{manifest.name}: not installed ({library} is missing); install it with: {install}"


def load_connector_class(manifest: Manifest) -> Callable[..., Any]:
    from harness.standard.api import SpotConnector
    from harness.standard.enums import Standard
    from harness.standard.gateway.api import GatewayConnector

    missing = missing_library(manifest)
    if missing:
        raise ConnectorLoadError(missing)

    cls = load_object(manifest.connector, manifest, "connector")
    base: type = GatewayConnector if manifest.standard is Standard.GATEWAY else SpotConnector
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ConnectorLoadError(f"{manifest.path}: connector: {manifest.connector} is not a "
                                 f"subclass of {base.__module__}.{base.__name__}")
    return cls
