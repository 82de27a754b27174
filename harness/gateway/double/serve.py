"""Serve the double until interrupted (`harness gateway serve`), on 127.0.0.1 only."""

from __future__ import annotations

import asyncio

from aiohttp import web

from harness.gateway.double.server import GatewayServer
from harness.gateway.double.variants import VARIANTS


def server_for(variant: str) -> GatewayServer:
    """The double, or the broken variant named; ValueError lists the names."""
    if not variant:
        return GatewayServer()
    if variant not in VARIANTS:
        raise ValueError(f"--variant {variant!r} is unknown; use one of "
                         f"{', '.join(sorted(VARIANTS))}")
    return VARIANTS[variant].server()


async def serve_forever(port: int, variant: str = "") -> None:  # pragma: no cover
    server = server_for(variant)
    runner = web.AppRunner(server.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"Gateway double{f' ({variant})' if variant else ''} on http://127.0.0.1:{port}; "
          "Ctrl-C stops it", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
