"""`salesnav-mcp serve`: run the MCP server on stdio, or on streamable HTTP with `--http`.

What builds the server is imported inside the functions: `--help` and the other commands
do not pay for it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from salesnav_mcp.cli.common import (
    EXIT_OK,
    CommandError,
    configure_logging,
    listen,
    load_settings,
    logger,
    parse_toolsets,
    resume_gc,
    tcp_port,
)
from salesnav_mcp.config import Settings

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer


def configure_serve(parser: argparse.ArgumentParser) -> None:
    from salesnav_mcp.server.transports import DEFAULT_HOST, DEFAULT_PORT

    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    parser.add_argument(
        "--host", help=f"HTTP bind address (default {DEFAULT_HOST}); anything but loopback requires SALESNAV_HTTP_TOKEN"
    )
    parser.add_argument("--port", type=tcp_port, help=f"HTTP port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--stateless", action="store_true", help="stateless HTTP with JSON responses (no sessions)")
    parser.add_argument("--read-only", action="store_true", help="register only tools that change nothing")
    parser.add_argument(
        "--toolsets", metavar="A,B", help="register only these toolsets (comma-separated; listed below)"
    )


def toolsets_help() -> str:
    """The toolsets `--toolsets` chooses from, one line each, as the registry declares them."""
    from salesnav_mcp.tools import TOOLSETS

    width = max(len(name) for name in TOOLSETS)
    lines = [f"  {name:<{width}}  {toolset.description}" for name, toolset in TOOLSETS.items()]
    return "toolsets (all by default):\n" + "\n".join(lines)


def run_serve(args: argparse.Namespace) -> int:
    from salesnav_mcp.server.transports import DEFAULT_HOST, DEFAULT_PORT

    if not args.http and (args.stateless or args.host is not None or args.port is not None):
        raise CommandError("--host, --port and --stateless apply to HTTP: add --http")
    settings = load_settings()
    toolsets = parse_toolsets(args.toolsets)
    if args.http:
        args.host = args.host or DEFAULT_HOST
        args.port = DEFAULT_PORT if args.port is None else args.port
        return _serve_http(settings, args, toolsets)
    return _serve_stdio(settings, args, toolsets)


def _build(settings: Settings, args: argparse.Namespace, toolsets: list[str] | None, **kwargs: Any) -> MCPServer:
    from salesnav_mcp.server.app import build_server
    from salesnav_mcp.server.registry import UnknownToolsetError
    from salesnav_mcp.server.state import StateKeyError

    try:
        server = build_server(settings, toolsets=toolsets, read_only=args.read_only, **kwargs)
    except UnknownToolsetError as exc:
        raise CommandError(f"--toolsets: {exc}") from None
    except StateKeyError as exc:
        raise CommandError(str(exc)) from None
    resume_gc()
    return server


def _serve_stdio(settings: Settings, args: argparse.Namespace, toolsets: list[str] | None) -> int:
    import anyio

    from salesnav_mcp.server.transports import serve_stdio, startup_line

    configure_logging(args.log_level)
    server = _build(settings, args, toolsets)
    logger.info(startup_line("on stdio", settings.mode_summary()))
    anyio.run(serve_stdio, server)
    return EXIT_OK


def _serve_http(settings: Settings, args: argparse.Namespace, toolsets: list[str] | None) -> int:
    import anyio

    from salesnav_mcp.server.auth import http_auth
    from salesnav_mcp.server.transports import (
        HttpOptions,
        InsecureBindError,
        ProxySettings,
        public_base_url,
        require_safe_bind,
        serve_http,
        server_url,
        startup_line,
        transport_security,
    )

    token = settings.salesnav_http_token
    users = _load_users(settings)  # named users' tokens replace the single token
    if settings.salesnav_webhook_path and settings.salesnav_webhook_secret is None:
        raise CommandError(
            "SALESNAV_WEBHOOK_PATH is set but SALESNAV_WEBHOOK_SECRET is not: the receiver verifies every delivery's "
            "signature with it (copy it from ConnectSafely's webhook settings)"
        )
    try:
        if users is None:
            require_safe_bind(args.host, token)
    except InsecureBindError as exc:
        raise CommandError(str(exc)) from None
    configure_logging(args.log_level)
    sock = listen(args.host, args.port)
    port = sock.getsockname()[1]
    url = server_url(args.host, port)
    try:
        proxy = ProxySettings()
        if users is not None:
            from salesnav_mcp.server.team_approvals import TeamApprovalPage
            from salesnav_mcp.server.users import users_http_auth

            auth_pair = users_http_auth(users, url)
            extra: dict[str, Any] = {"team_approvals": TeamApprovalPage(settings, users, public_base_url(url, proxy))}
        else:
            auth_pair = http_auth(token, url) if token else None
            extra = {}
        server = _build(settings, args, toolsets, http_auth=auth_pair, load_at_start=True, **extra)
        options = HttpOptions(
            host=args.host, port=port, stateless=args.stateless, cors_origins=tuple(proxy.salesnav_allowed_origins)
        )
        security = transport_security(args.host, port, proxy)
        webhook = None
        if settings.salesnav_webhook_path:
            from salesnav_mcp.server.webhooks import WebhookReceiver

            webhook = WebhookReceiver(settings)
    except BaseException:
        sock.close()
        raise
    kind = "stateless, JSON responses" if args.stateless else "stateful sessions"
    auth = "bearer token required" if token else "no auth: loopback only"
    if users is not None:
        auth = f"bearer tokens of {len(users)} named users required"
        unable = [u.user.name for u in users if u.approver_sha256 is None]
        if unable and settings.salesnav_confirm_mode != "client":
            logger.warning(
                "users without an approver secret approve in their client's dialog or review card, which whatever "
                "holds their token can answer (give them an approver secret if an agent may hold it): %s",
                ", ".join(unable),
            )
    logger.info(startup_line(f"streamable HTTP at {url} ({kind}; {auth})", settings.mode_summary()))
    if webhook is not None:
        logger.info("receiving ConnectSafely webhooks at %s (signature checked)", webhook.path)
    anyio.run(serve_http, server, sock, options, security, webhook)
    return EXIT_OK


def _load_users(settings: Settings) -> list[Any] | None:
    """The users of SALESNAV_USERS_FILE, or None when it is unset."""
    if settings.salesnav_users_file is None:
        return None
    from salesnav_mcp.server.users import UsersFileError, load_users

    if settings.salesnav_http_token is not None:
        raise CommandError(
            "SALESNAV_USERS_FILE and SALESNAV_HTTP_TOKEN are both set: with named users every token lives in the "
            "users file; unset SALESNAV_HTTP_TOKEN (or give that token to a user in the file)"
        )
    try:
        users = load_users(settings.salesnav_users_file)
    except UsersFileError as exc:
        raise CommandError(str(exc)) from None
    if settings.salesnav_confirm_mode == "client" and any(u.approver_sha256 is not None for u in users):
        raise CommandError(
            "SALESNAV_CONFIRM_MODE=client trusts each client's own tool approval, so an approver secret in "
            "SALESNAV_USERS_FILE would bind nothing: use the default mode (auto), where a user with an approver "
            "secret approves on /approvals only, or remove the approver secrets"
        )
    return users
