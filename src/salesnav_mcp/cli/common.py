"""What every command shares: exit statuses, the error a user can fix, logging, settings, argument types.

Logs go to stderr only: on stdio, stdout carries the protocol.
"""

from __future__ import annotations

import argparse
import gc
import logging
import socket
import sys

from pydantic import ValidationError

from salesnav_mcp.config import Settings, ignored_env_file

logger = logging.getLogger("salesnav_mcp")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; its message is printed as is and the command exits with status 2."""


def configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx2 logs every request URL at INFO; signed download URLs must not reach the log.
    logging.getLogger("httpx2").setLevel(max(logging.WARNING, logging.getLogger().level))
    # uvicorn's access log and the SDK's end of each stateless request are a line per HTTP call: noise at
    # INFO that costs every call its formatting and write. DEBUG still shows them.
    per_request = logging.NOTSET if level.upper() == "DEBUG" else max(logging.WARNING, logging.getLogger().level)
    for name in ("uvicorn.access", "mcp.server.streamable_http"):
        logging.getLogger(name).setLevel(per_request)


def load_settings() -> Settings:
    """Settings from the environment; an invalid value names the variable, never echoes the value."""
    if (ignored := ignored_env_file()) is not None:
        logging.getLogger(__name__).warning(
            "%s is not read: a server may be started in any folder, so only the .env file SALESNAV_ENV_FILE names "
            "is read (set SALESNAV_ENV_FILE=%s to use this one)",
            ignored,
            ignored,
        )
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise CommandError(f"invalid configuration: {problems}") from None


def parse_toolsets(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise CommandError("--toolsets needs at least one toolset name, e.g. --toolsets search,insights")
    return names


def tcp_port(value: str) -> int:
    """The argparse type of --port."""
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, got {port}")
    return port


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port; a port in use or an unknown address is the user's to fix."""
    from salesnav_mcp.server.transports import bind_socket

    try:
        return bind_socket(host, port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def resume_gc() -> None:
    """Collect cycles again, with what start-up built (long-lived) moved out of the collector's walks."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
