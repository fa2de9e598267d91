"""Route tables written as `{"METHOD /path": handler}` (several methods: "GET,POST /path"), matched in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def routes(table: dict[str, Callable[[Request], Awaitable[Response]]]) -> list[Route]:
    found = []
    for key, handler in table.items():
        methods, path = key.split(" ", 1)
        found.append(Route(path, handler, methods=methods.split(",")))
    return found
