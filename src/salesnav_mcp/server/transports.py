"""Serve a built MCPServer over stdio (Claude Desktop) or streamable HTTP, and stop cleanly on SIGTERM/SIGINT.

HTTP safety rules:
- binding to anything but loopback needs a bearer token (`SALESNAV_HTTP_TOKEN`); a set token
  switches bearer auth on for every bind, loopback included;
- DNS-rebinding protection always checks Host and Origin headers: the loopback names (or the bound
  host) on the bound port, plus `SALESNAV_ALLOWED_HOSTS` / `SALESNAV_ALLOWED_ORIGINS` for a reverse proxy;
- the origins in `SALESNAV_ALLOWED_ORIGINS` also get CORS, for browser-based clients (see cors.py).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import anyio
import anyio.from_thread
import anyio.lowlevel
import uvicorn
from anyio import CancelScope
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr, field_validator
from pydantic_settings import NoDecode
from starlette.types import ASGIApp

from salesnav_mcp import __version__
from salesnav_mcp.config import FromEnvironment
from salesnav_mcp.server.cors import with_cors
from salesnav_mcp.server.stdio_lines import LineGate

if TYPE_CHECKING:
    from salesnav_mcp.server.webhooks import WebhookReceiver

logger = logging.getLogger("salesnav_mcp.server")

MCP_PATH = "/mcp"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# Seconds open streams get to finish after a stop signal before the HTTP server closes them.
GRACEFUL_SHUTDOWN_SECONDS = 5
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class InsecureBindError(ValueError):
    """A non-loopback bind without a bearer token."""


class ProxySettings(FromEnvironment):
    """Extra Host/Origin values a reverse proxy presents, comma-separated in the environment."""

    salesnav_allowed_hosts: Annotated[list[str], NoDecode] = []
    salesnav_allowed_origins: Annotated[list[str], NoDecode] = []
    # Where people reach this server through the proxy (e.g. https://mcp.example.com); names the team approval page.
    salesnav_public_url: str | None = None

    @field_validator("salesnav_allowed_hosts", "salesnav_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@dataclass(frozen=True)
class HttpOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    stateless: bool = False
    cors_origins: tuple[str, ...] = ()  # browser origins answered with CORS headers


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def _url_host(host: str) -> str:
    """The host as written in a URL or Host header (IPv6 literals in brackets)."""
    bare = host.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


def require_safe_bind(host: str, token: SecretStr | None) -> None:
    if token is None and not is_loopback(host):
        raise InsecureBindError(
            f"refusing to listen on {host}: binding to anything but loopback (127.0.0.1, ::1, localhost) "
            "requires SALESNAV_HTTP_TOKEN, the bearer token every client must send"
        )


def transport_security(host: str, port: int, proxy: ProxySettings | None = None) -> TransportSecuritySettings:
    """DNS-rebinding protection: accept only the Host/Origin values this server is really reached by."""
    proxy = proxy or ProxySettings()
    names = list(_LOOPBACK_NAMES)
    if _is_wildcard(host):
        if not proxy.salesnav_allowed_hosts:
            logger.warning(
                "listening on all interfaces: only requests whose Host header is a loopback name or is listed "
                "in SALESNAV_ALLOWED_HOSTS are served (DNS-rebinding protection)"
            )
    elif not is_loopback(host):
        names.append(_url_host(host))
    hosts = [f"{name}:{port}" for name in names] + proxy.salesnav_allowed_hosts
    origins = [f"http://{name}:{port}" for name in names] + proxy.salesnav_allowed_origins
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before building the app, so a busy port fails fast and port 0 resolves to the real port."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio switches Nagle off (TCP_NODELAY) only on sockets that say they are TCP,
    # and accepted connections inherit it; without it each response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def server_url(host: str, port: int) -> str:
    return f"http://{_url_host(host)}:{port}{MCP_PATH}"


def public_base_url(url: str, proxy: ProxySettings) -> str:
    """The server's address as people reach it: SALESNAV_PUBLIC_URL behind a proxy, else its own (without /mcp)."""
    if proxy.salesnav_public_url:
        return proxy.salesnav_public_url.rstrip("/")
    return url.removesuffix(MCP_PATH)


@contextlib.contextmanager
def _no_signal_capture() -> Iterator[None]:
    yield


class _Uvicorn(uvicorn.Server):
    """Uvicorn without its own signal handlers: ours stop it and the process exits with status 0."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return _no_signal_capture()


async def _on_stop_signal(scope: CancelScope | None = None, uv: uvicorn.Server | None = None) -> None:
    """Wait for SIGTERM/SIGINT, then stop the server: first gracefully, on a second signal at once."""
    if sys.platform == "win32":  # no asyncio signal handlers there; Ctrl+C raises KeyboardInterrupt
        await anyio.sleep_forever()
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for signum in signals:
            logger.info("received %s, shutting down", signal.Signals(signum).name)
            if uv is not None:
                if uv.should_exit:
                    uv.force_exit = True
                uv.should_exit = True
            if scope is not None:
                scope.cancel()


@contextlib.asynccontextmanager
async def _stdin_lines() -> AsyncIterator[AsyncIterator[str]]:
    """Protocol lines from stdin, read by a daemon thread so a stop signal never waits for the client's next byte.

    (The SDK's own stdin reader blocks a worker thread that cancellation must wait for.) While
    serving, fd 0 points at the null device, so nothing else in the process can consume protocol bytes.
    """
    wire = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    send, receive = anyio.create_memory_object_stream[str](0)
    token = anyio.lowlevel.current_token()

    def pump() -> None:
        pending = bytearray()
        try:
            while chunk := os.read(wire, 65536):
                pending += chunk
                while (end := pending.find(b"\n")) >= 0:
                    line = pending[:end].decode("utf-8", "replace")
                    del pending[: end + 1]
                    if line.strip():
                        anyio.from_thread.run(send.send, line, token=token)
            if pending.strip():
                anyio.from_thread.run(send.send, pending.decode("utf-8", "replace"), token=token)
        except (OSError, RuntimeError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass  # the server stopped first, or the loop is gone
        finally:
            with contextlib.suppress(RuntimeError):
                anyio.from_thread.run_sync(send.close, token=token)

    threading.Thread(target=pump, name="salesnav-mcp stdin", daemon=True).start()
    try:
        async with receive:
            yield receive
    finally:
        os.dup2(wire, 0)  # `wire` itself stays open: the daemon thread may still be blocked reading it


async def serve_stdio(server: MCPServer) -> None:
    """Serve on stdin/stdout until the client closes stdin or a stop signal arrives.

    Every line gets an answer: the ones the SDK cannot read are answered by `LineGate` (see stdio_lines).
    On a signal the serving scope is cancelled: the lifespan closes the services, then the process exits.
    """
    lowlevel = server._lowlevel_server  # noqa: SLF001 - the SDK's Client reaches the same attribute
    gate = LineGate()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_on_stop_signal, tg.cancel_scope)
        async with _stdin_lines() as lines, stdio_server(stdin=gate.readable(lines)) as (read_stream, write_stream):
            gate.attach(write_stream)
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
        tg.cancel_scope.cancel()


async def serve_http(
    server: MCPServer,
    sock: socket.socket,
    options: HttpOptions,
    security: TransportSecuritySettings,
    webhook: WebhookReceiver | None = None,
) -> None:
    """Serve streamable HTTP at /mcp on an already-bound socket until a stop signal arrives; with `webhook`, its
    path receives ConnectSafely's webhook deliveries too."""
    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=options.stateless,
        json_response=options.stateless,
        transport_security=security,
        host=options.host,
    )
    app = with_cors(app, options.cors_origins)
    if webhook is not None:
        from salesnav_mcp.server.webhooks import with_webhook

        app = with_webhook(app, webhook)
    await serve_asgi(app, sock, lifespan="on")


async def serve_asgi(app: ASGIApp, sock: socket.socket, *, lifespan: Literal["on", "off"]) -> None:
    """Run an ASGI app on a bound socket with uvicorn until SIGTERM/SIGINT; logs go to our stderr handlers.

    `lifespan="on"` makes a failing startup (e.g. services that cannot open) stop the server.
    """
    config = uvicorn.Config(
        app,
        log_config=None,  # our stderr logging, never uvicorn's stdout access log
        lifespan=lifespan,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    uv = _Uvicorn(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(_on_stop_signal, None, uv)
        await uv.serve(sockets=[sock])
        tg.cancel_scope.cancel()


def startup_line(transport: str, mode_summary: str) -> str:
    return f"salesnav-mcp {__version__} serving {transport}. {mode_summary}"
