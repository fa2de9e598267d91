"""The floor: a bare MCPServer with one trivial tool, the least any MCP server on this SDK can cost.

    python bench/floor_server.py                      # stdio
    python bench/floor_server.py --http --port 8766   # stateless streamable HTTP, JSON responses, 127.0.0.1

Nothing here belongs to salesnav-mcp: the benchmarks compare the real server against this.
"""

from __future__ import annotations

import argparse

from mcp.server.mcpserver import MCPServer

# WARNING: no per-request log lines (the SDK logs one per stateless HTTP request at INFO).
server = MCPServer("floor", log_level="WARNING")


@server.tool()
async def echo(text: str = "pong") -> str:
    """Return the text it is given."""
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not args.http:
        server.run()
        return
    import uvicorn

    app = server.streamable_http_app(stateless_http=True, json_response=True, host="127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
