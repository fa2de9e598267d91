"""Where `salesnav-mcp serve` spends its start-up, phase by phase, in a fresh interpreter.

Run as `python -m bench.startup_profile` (from the repository root, with the bench environment):
prints one JSON object of seconds per phase. The phases follow what `serve` does before it can
answer `initialize`: import the SDK (the floor pays this too), import our CLI, transports and
server, read the settings, build the server (one SDK tool object per tool: argument and output
models and their JSON schemas), then the lifespan's `open_services` (SQLite store, upstream clients).
Like `salesnav-mcp` itself, it keeps the cyclic garbage collector off from the CLI import until the
server is built. The embedded sandbox's world is built on the first tool call, after `initialize`:
it is timed apart.
"""

from __future__ import annotations

import gc
import json
import time

_T0 = time.perf_counter()


def main() -> None:
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = now - mark
        mark = now

    import mcp.server.mcpserver  # noqa: F401  (the floor imports this as well)

    lap("import mcp SDK (floor pays it too)")
    from salesnav_mcp.cli.common import resume_gc

    lap("import salesnav_mcp.cli (+ settings: pydantic_settings)")
    gc.disable()  # what cli.main() does first
    import salesnav_mcp.server.transports  # noqa: F401

    lap("import server.transports (+ uvicorn, starlette)")
    from salesnav_mcp.server import app as app_module

    lap("import server.app (+ tools, guardrails, store, upstream, models)")
    from salesnav_mcp.config import Settings

    settings = Settings()
    lap("Settings()")

    from mcp.server.mcpserver.tools.base import Tool

    from salesnav_mcp.server import registry

    per_toolset: dict[str, float] = {}
    original = Tool.from_function

    def timed_from_function(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(fn, *args, **kwargs)
        finally:
            module = getattr(fn, "__module__", "?").rsplit(".", 1)[-1]
            per_toolset[module] = per_toolset.get(module, 0.0) + time.perf_counter() - started

    from mcp.server.mcpserver import MCPServer

    mark = time.perf_counter()
    MCPServer("probe")  # its first construction configures logging (imports rich): the floor pays it too
    lap("first MCPServer() (floor pays it too)")

    Tool.from_function = timed_from_function  # type: ignore[method-assign]
    tool_count = len(registry.select().tools)
    mark = time.perf_counter()
    app_module.build_server(settings)
    lap(f"build_server ({tool_count} tools)")
    Tool.from_function = original  # type: ignore[method-assign]
    resume_gc()
    lap("resume_gc (freeze what start-up built)")

    import anyio

    from salesnav_mcp.server import wiring

    inner: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def sync_wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                inner[name] = time.perf_counter() - started

        async def async_wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                inner[name] = time.perf_counter() - started

        import inspect

        return async_wrapper if inspect.iscoroutinefunction(fn) else sync_wrapper

    wiring.open_store = timed("SQLite store (open_store)", wiring.open_store)
    later: dict[str, float] = {}

    async def open_and_close() -> None:
        nonlocal mark
        mark = time.perf_counter()
        async with wiring.open_services(settings) as services:
            lap("open_services (lifespan, before initialize is answered)")
            started = time.perf_counter()
            services.sandbox_app.state  # noqa: B018  (builds the world, as the first tool call does)
            later["sandbox world (built on the first tool call)"] = time.perf_counter() - started

    anyio.run(open_and_close)
    print(
        json.dumps(
            {
                "phases": phases,
                "open_services": inner,
                "after_initialize": later,
                "build_tools_by_module": per_toolset,
                "tool_count": tool_count,
                "total": time.perf_counter() - _T0,
            }
        )
    )


if __name__ == "__main__":
    main()
