"""Recording cassettes: a loopback proxy in front of a real (or test) exchange.

`RecordingProxy` offers the same `http_base_for` / `ws_base_for` as ReplaySession, but
forwards every request and relays every WebSocket to the upstream given for each original
base, captures it all in order, scrubs it as it arrives and, on a clean exit, writes the
cassette (meta.source = recorded-live). `record_scenario` is what `harness record` runs.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from websockets.asyncio.server import Server, ServerConnection, serve

from harness.cassette.format import Cassette, Meta, Source
from harness.cassette.loader import dump_cassette, load_cassette
from harness.cassette.record_mode import (
    Action,
    RecordMode,
    ci_is_set,
    parse_record_mode,
    plan,
    resolve_record_mode,
)
from harness.cassette.scrub import Scrubber
from harness.replay.relay import Capture, HttpForwarder, base_of, relay_ws
from harness.replay.session import ReplaySession, loopback_base
from harness.standard.version import STANDARD_VERSION


class RecordingProxy:
    """Forward loopback traffic to upstreams and write what passed as a cassette on exit.

    >>> proxy = RecordingProxy({"https://api.binance.com": "https://testnet.binance.vision",
    ...                         "wss://stream.binance.com:9443": "wss://stream.testnet..."},
    ...                        path="cassettes/binance/place_limit_buy.yaml",
    ...                        connector="binance", scenario="place_limit_buy",
    ...                        scrubber=Scrubber(secrets=[api_key, api_secret]))  # doctest: +SKIP

    Each original base gets its own loopback port, so no routing header is needed. A body
    that raises leaves the old cassette untouched.
    """

    def __init__(
        self,
        upstreams: Mapping[str, str],
        *,
        path: str | os.PathLike[str],
        connector: str,
        scenario: str,
        scrubber: Scrubber | None = None,
        description: str = "",
        exchange_api_version: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        expect: Mapping[str, Any] | None = None,
    ) -> None:
        self.upstreams = {base_of(k): v for k, v in upstreams.items()}
        self.path = Path(path)
        self.capture = Capture(scrubber or Scrubber())
        self.cassette: Cassette | None = None
        self._meta = Meta(connector=connector, scenario=scenario,
                          standard_version=STANDARD_VERSION, source=Source.RECORDED_LIVE,
                          date="", exchange_api_version=exchange_api_version,
                          description=description, inputs=dict(inputs or {}),
                          expect=dict(expect or {}))
        self._forwarder = HttpForwarder(self.capture)
        self._ports: dict[str, int] = {}
        self._runners: list[web.ServerRunner] = []
        self._ws_servers: list[Server] = []

    async def __aenter__(self) -> RecordingProxy:
        try:
            for original, upstream in self.upstreams.items():
                if urlsplit(original).scheme in ("ws", "wss"):
                    self._ports[original] = await self._start_ws(original, upstream)
                else:
                    self._ports[original] = await self._start_http(original, upstream)
        except BaseException:
            await self._stop()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> bool:
        await self._stop()
        if exc is None:
            self.cassette = self.build()
            dump_cassette(self.cassette, self.path)
        return False

    async def _start_http(self, original: str, upstream: str) -> int:
        async def handle(request: web.BaseRequest) -> web.StreamResponse:
            body = await request.read() if request.body_exists else b""
            return await self._forwarder.forward(request, body, original, upstream)

        runner = web.ServerRunner(web.Server(handle, access_log=None), shutdown_timeout=0.5)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    async def _start_ws(self, original: str, upstream: str) -> int:
        async def handle(connection: ServerConnection) -> None:
            path = connection.request.path if connection.request is not None else "/"
            await relay_ws(connection, base_of(upstream) + path, base_of(original) + path,
                           self.capture)

        server = await serve(handle, "127.0.0.1", 0, compression=None, ping_interval=None,
                             close_timeout=1, max_size=None)
        self._ws_servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        for server in self._ws_servers:
            server.close()
            await server.wait_closed()
        for runner in self._runners:
            await runner.cleanup()
        self._ws_servers, self._runners = [], []
        await self._forwarder.close()

    def _port(self, original_base: str) -> int:
        try:
            return self._ports[base_of(original_base)]
        except KeyError:
            known = ", ".join(self._ports) or "none (not started?)"
            raise KeyError(f"{original_base!r} has no upstream; proxied bases: {known}") from None

    def http_base_for(self, original_base: str) -> str:
        """The loopback base that forwards to the upstream of `original_base`."""
        return loopback_base(original_base, self._port(original_base), "http")

    def ws_base_for(self, original_base: str) -> str:
        return loopback_base(original_base, self._port(original_base), "ws")

    def host_map(self) -> dict[str, str]:
        """Original base -> loopback base, for `route_hosts`."""
        return {base: (self.ws_base_for(base) if base.startswith(("ws:", "wss:"))
                       else self.http_base_for(base)) for base in self._ports}

    def build(self) -> Cassette:
        """The cassette of everything captured so far (already scrubbed)."""
        interactions, connections = self.capture.build()
        return Cassette(
            meta=replace(self._meta, date=dt.date.today().isoformat(),
                         scrubbed=tuple(self.capture.scrubber.names())),
            interactions=tuple(interactions),
            ws=tuple(connections),
            path=self.path,
        )


def upstream_map(urls: Mapping[str, Mapping[str, str]], upstream: str) -> dict[str, str]:
    """The production base of each URL role mapped to the `upstream` one (manifest [urls]):
    what RecordingProxy and ReplaySession(record_mode="new_episodes") take as `upstreams`.
    Cassettes always name production hosts, whichever upstream they were recorded from."""
    production, target = urls.get("production", {}), urls.get(upstream, {})
    return {production[role]: target[role] for role in production if role in target}


def open_cassette(
    path: str | os.PathLike[str], mode: str | RecordMode | None, *, connector: str,
    scenario: str, upstreams: Mapping[str, str] | None = None,
    scrubber: Scrubber | None = None, **replay_options: Any,
) -> ReplaySession | RecordingProxy:
    """The server a check should use for its cassette under `mode` (CI forces none):
    a ReplaySession (none/once with a cassette, new_episodes) or a RecordingProxy (all, or
    once/new_episodes without one). Raises CassetteNotFound in mode none without a file."""
    file = Path(path)
    action = plan(resolve_record_mode(mode), file)
    if action is Action.RECORD:
        if not upstreams:
            raise ValueError(f"{file}: recording needs upstreams (original base -> upstream)")
        return RecordingProxy(upstreams, path=file, connector=connector, scenario=scenario,
                              scrubber=scrubber)
    cassette = load_cassette(file)
    if action is Action.REPLAY_AND_RECORD_NEW:
        return ReplaySession(cassette, record_mode=RecordMode.NEW_EPISODES, upstreams=upstreams,
                             scrubber=scrubber, **replay_options)
    return ReplaySession(cassette, **replay_options)


# -- harness record -------------------------------------------------------------------------

def _secrets_table(secrets_table: Mapping[str, Any], upstream: str) -> Mapping[str, Any]:
    table = secrets_table.get(upstream)
    return table if isinstance(table, Mapping) else secrets_table


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def secret_env_names(secrets_table: Mapping[str, Any], upstream: str) -> list[str]:
    """Env var names from a manifest's [secrets] table: keys ending in `_env`
    (`api_key_env = "BINANCE_API_KEY"`) or an `env = [...]` list; a [secrets.<upstream>]
    sub-table, e.g. [secrets.testnet], takes precedence."""
    names: list[str] = []
    for key, value in _secrets_table(secrets_table, upstream).items():
        if key == "env" or key.endswith("_env"):
            names += _strings(value)
    return names


def scrubber_for(secrets_table: Mapping[str, Any], cassette_options: Mapping[str, Any],
                 upstream: str, env: Mapping[str, str] | None = None, *,
                 secrets: Iterable[str] = ()) -> Scrubber:
    """The scrubber for recording a connector: the secrets from its env vars (and any
    `secrets` given: the regression exporter's test credentials), plus extra field and
    header names from the manifest ([secrets] `scrub_fields` / `scrub_headers`, or
    [cassettes] `scrub` / `scrub_headers`). The one place a manifest becomes a Scrubber."""
    environ = os.environ if env is None else env
    known = [*secrets, *(environ[name] for name in secret_env_names(secrets_table, upstream)
                         if environ.get(name))]
    table = _secrets_table(secrets_table, upstream)
    fields = _strings(table.get("scrub_fields", [])) + _strings(cassette_options.get("scrub", []))
    headers = _strings(table.get("scrub_headers", [])) + _strings(
        cassette_options.get("scrub_headers", []))
    return Scrubber(known, headers=headers, fields=fields)


def record_command(connector: str, scenario: str, upstream: str, mode: str) -> list[str]:
    """The pytest command that runs exactly the suite checks using `scenario`, recording
    (one line per failure: the run talks to a live exchange, its tracebacks are noise)."""
    return [sys.executable, "-m", "pytest", "suites", "--connector", connector,
            "--record-mode", mode, "--record-upstream", upstream, "--scenario", scenario,
            "--tb=line", "-q"]


def unreachable(urls: Mapping[str, str], timeout: float = 5.0) -> str | None:
    """Why the first unreachable upstream of `urls` (role -> base URL) cannot be reached, or
    None when every one accepts a TCP connection."""
    for role, url in urls.items():
        parts = urlsplit(url)
        secure = parts.scheme in ("https", "wss")
        port = parts.port or (443 if secure else 80)
        try:
            with socket.create_connection((parts.hostname or "", port), timeout=timeout):
                pass
        except OSError as exc:
            cause = exc.strerror or type(exc).__name__.lower()
            if isinstance(exc, TimeoutError):
                cause = f"no answer within {timeout:g} s"
            return f"cannot reach {url} ({role}): {cause}"
    return None


def record_scenario(connector: str, scenario: str, upstream: str = "production",
                    mode: str = "all", *, root: str | os.PathLike[str] | None = None,
                    env: Mapping[str, str] | None = None,
                    registry: Any = None) -> int:
    """Record `scenario` for `connector` by running its suite checks against `upstream`.

    Returns pytest's exit code, or 2 (after one clear line on stderr) when recording cannot
    start: CI is set, the connector is unknown, or its credentials are not in the environment.
    """
    environ = dict(os.environ if env is None else env)
    if ci_is_set(environ):
        print("harness record: CI is set, and CI never records (record mode is forced to none);"
              " record on a workstation", file=sys.stderr)
        return 2
    try:
        parse_record_mode(mode)
    except ValueError as exc:
        print(f"harness record: {exc}", file=sys.stderr)
        return 2
    if registry is None:
        from harness.registry import load_registry

        registry = load_registry()
    try:
        manifest = registry.get(connector)
    except KeyError as exc:
        print(f"harness record: {exc}", file=sys.stderr)
        return 2
    if upstream not in manifest.urls:
        known = ", ".join(sorted(manifest.urls))
        print(f"{manifest.path}: urls.{upstream}: missing, so cannot record from {upstream};"
              f" declared: {known}", file=sys.stderr)
        return 2
    names = secret_env_names(manifest.secrets, upstream)
    missing = [name for name in names if not environ.get(name)]
    if not names or missing:
        what = ", ".join(missing) if names else "(none declared)"
        print(f"harness record: {connector}: missing credentials {what}: export them (the names"
              f" come from [secrets] in {manifest.path})", file=sys.stderr)
        return 2
    problem = unreachable(manifest.urls[upstream])
    if problem is not None:
        print(f"harness record: {connector}: {upstream} upstream {problem}; check the network "
              f"(or record from another upstream with --upstream)", file=sys.stderr)
        return 2
    command = record_command(connector, scenario, upstream, mode)
    cwd = Path(root) if root is not None else find_root()
    return subprocess.run(command, cwd=cwd, env=environ, check=False).returncode


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder up from `start` with pyproject.toml (else
    `start` itself)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").exists():
            return folder
    return here
