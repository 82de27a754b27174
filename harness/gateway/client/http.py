"""Gateway REST calls for the client: routes by name, answers checked against their schema,
errors raised as GatewayRequestError (never read as a quote at price 0)."""

from __future__ import annotations

from typing import Any

import aiohttp

from harness.standard.gateway.api import GatewayRequestError
from harness.standard.gateway.routes import Route
from harness.standard.gateway.schema import jsonable, validate


class GatewayHttp:
    def __init__(self, base_url: str, network: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.network = network
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def close(self) -> None:
        await self._session.close()

    async def raw(self, method: str, path: str, params: dict[str, Any]) -> Any:
        """The JSON answer of a 2xx, else GatewayRequestError with Gateway's message."""
        if self.network:
            params = {"network": self.network, **params}
        params = {k: v for k, v in jsonable(params).items() if v is not None}
        url = self.base_url + path
        if method == "GET":
            call = self._session.get(url, params={k: str(v) for k, v in params.items()})
        else:
            call = self._session.request(method, url, json=params)
        async with call as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = {"message": (await response.text())[:200]}
        if not 200 <= response.status < 300:
            message = body.get("message", "") if isinstance(body, dict) else str(body)
            raise GatewayRequestError(f"{method} {path}", response.status, str(message))
        return body

    async def call(self, route: Route, prefix: str, **params: Any) -> Any:
        """Call `route` under `prefix`; a body that breaks the route's schema is an error."""
        body = await self.raw(route.method, route.path(prefix), params)
        items = body if route.response_is_list else [body]
        problems = [p for item in (items if isinstance(items, list) else [None])
                    for p in validate(item, route.response)]
        if problems:
            raise GatewayRequestError(f"{route.method} {route.path(prefix)}", 200,
                                      "answer breaks the schema: " + "; ".join(problems[:3]))
        return body
