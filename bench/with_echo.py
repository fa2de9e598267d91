"""`salesnav-mcp` plus the floor's trivial `echo` tool: our serving stack measured apart from our tools' work.

    python -m bench.with_echo <salesnav-mcp arguments>

Adding a tool changes nothing for the others: the server's own tools behave exactly as shipped.
"""

from __future__ import annotations

import sys
from typing import Any


async def echo(text: str = "pong") -> str:
    """Return the text it is given."""
    return text


def main(argv: list[str]) -> int:
    from salesnav_mcp import cli
    from salesnav_mcp.cli import serve

    # Wrapping the CLI's build step (not importing the server here) keeps start-up as `serve` has it.
    build = serve._build

    def build_with_echo(*args: Any, **kwargs: Any) -> Any:
        server = build(*args, **kwargs)
        server.tool()(echo)
        return server

    serve._build = build_with_echo
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
