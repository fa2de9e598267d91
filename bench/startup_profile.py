"""Where `salesnav-mcp serve` spends its start-up, phase by phase, in a fresh interpreter.

Run as `python -m bench.startup_profile` (from the repository root, with the bench environment):
prints one JSON object of seconds per phase. The phases follow what `serve` does before it can
answer `initialize` and `tools/list`: import the SDK (the floor pays this too), import our CLI,
transports and server, read the settings, build the server from the tool catalog. Like
`salesnav-mcp` itself, it keeps the cyclic garbage collector off from the CLI import until the
server is built. What loads on first use is timed apart, after `tools/list`: the toolsets and the
first tool's SDK object, the services (store, clients) with the embedded sandbox's world, and the
resources on the first `resources/*` request.
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

    lap("import server.app (+ catalog, lazy; no toolset)")
    from salesnav_mcp.config import Settings

    settings = Settings()
    lap("Settings()")

    from mcp import Client
    from mcp.server.mcpserver import MCPServer

    from salesnav_mcp.server import catalog

    mark = time.perf_counter()
    MCPServer("probe")  # its first construction configures logging (imports rich): the floor pays it too
    lap("first MCPServer() (floor pays it too)")

    tool_count = sum(len(toolset.tools) for toolset in catalog.load().values())
    mark = time.perf_counter()
    server = app_module.build_server(settings)
    lap(f"build_server ({tool_count} tools, from the catalog)")
    resume_gc()
    lap("resume_gc (freeze what start-up built)")

    import logging

    import anyio

    logging.disable(logging.INFO)  # the first call's request lines
    later: dict[str, float] = {}

    async def first_call() -> None:
        async with Client(server) as client:
            await client.list_tools()
            tool = server._tool_manager.get_tool("get_ssi")
            started = time.perf_counter()
            tool.loaded()  # type: ignore[union-attr]
            later["toolsets imported, get_ssi built (first call of a tool)"] = time.perf_counter() - started
            started = time.perf_counter()
            await client.call_tool("get_ssi", {})
            later["services opened, sandbox world built, get_ssi run (first call)"] = time.perf_counter() - started
            started = time.perf_counter()
            await client.call_tool("get_ssi", {})
            later["get_ssi again (a warm call)"] = time.perf_counter() - started
            started = time.perf_counter()
            await client.list_resource_templates()
            later["resources registered (first resources/* request)"] = time.perf_counter() - started

    anyio.run(first_call)
    print(
        json.dumps(
            {
                "phases": phases,
                "after_initialize": later,
                "tool_count": tool_count,
                "total": time.perf_counter() - _T0,
            }
        )
    )


if __name__ == "__main__":
    main()
