"""Command line: `salesnav-mcp serve | sandbox | install claude | doctor`.

Each subcommand is one `Command` in `COMMANDS`: a function that declares its arguments and a
function that runs it and returns the exit status. Adding a subcommand is adding an entry.
Logs go to stderr only: on stdio, stdout carries the protocol.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from salesnav_mcp import __version__
from salesnav_mcp.config import Settings

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

logger = logging.getLogger("salesnav_mcp")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the user can fix; its message is printed as is and the command exits with status 2."""


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# Shared helpers ---------------------------------------------------------------------------------


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


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, got {port}")
    return port


# serve ------------------------------------------------------------------------------------------


def configure_serve(parser: argparse.ArgumentParser) -> None:
    from salesnav_mcp.server.transports import DEFAULT_HOST, DEFAULT_PORT

    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    parser.add_argument(
        "--host", help=f"HTTP bind address (default {DEFAULT_HOST}); anything but loopback requires SALESNAV_HTTP_TOKEN"
    )
    parser.add_argument("--port", type=_port, help=f"HTTP port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--stateless", action="store_true", help="stateless HTTP with JSON responses (no sessions)")
    parser.add_argument("--read-only", action="store_true", help="register only tools that change nothing")
    parser.add_argument("--toolsets", metavar="A,B", help="register only these toolsets (comma-separated)")


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
        bind_socket,
        require_safe_bind,
        serve_http,
        server_url,
        startup_line,
        transport_security,
    )

    token = settings.salesnav_http_token
    users = _load_users(settings)  # named users' tokens replace the single token
    try:
        if users is None:
            require_safe_bind(args.host, token)
    except InsecureBindError as exc:
        raise CommandError(str(exc)) from None
    configure_logging(args.log_level)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    url = server_url(args.host, port)
    try:
        if users is not None:
            from salesnav_mcp.server.users import users_http_auth

            auth_pair = users_http_auth(users, url)
        else:
            auth_pair = http_auth(token, url) if token else None
        server = _build(settings, args, toolsets, http_auth=auth_pair)
        options = HttpOptions(host=args.host, port=port, stateless=args.stateless)
        security = transport_security(args.host, port)
    except BaseException:
        sock.close()
        raise
    kind = "stateless, JSON responses" if args.stateless else "stateful sessions"
    auth = "bearer token required" if token else "no auth: loopback only"
    if users is not None:
        auth = f"bearer tokens of {len(users)} named users required"
    logger.info(startup_line(f"streamable HTTP at {url} ({kind}; {auth})", settings.mode_summary()))
    anyio.run(serve_http, server, sock, options, security)
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
        return load_users(settings.salesnav_users_file)
    except UsersFileError as exc:
        raise CommandError(str(exc)) from None


# sandbox ----------------------------------------------------------------------------------------


def configure_sandbox(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, required=True, help="port to listen on")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed of the synthetic world (default SALESNAV_SANDBOX_SEED)"
    )


def run_sandbox(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.sandbox import SandboxConfig, create_app
    from salesnav_mcp.server.transports import bind_socket, is_loopback, serve_asgi

    settings = load_settings()
    configure_logging(args.log_level)
    seed = settings.salesnav_sandbox_seed if args.seed is None else args.seed
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    if not is_loopback(args.host):
        logger.warning("the sandbox listens on %s: anyone who can reach it sees its simulated data", args.host)
    logger.info(
        "sandbox of both upstream APIs (simulated data, seed %d) at http://%s:%d: ConnectSafely under /linkedin, "
        "the partner API under /v2",
        seed,
        args.host,
        port,
    )
    app = create_app(SandboxConfig(seed=seed))
    resume_gc()
    anyio.run(partial(serve_asgi, app, sock, lifespan="off"))
    return EXIT_OK


# install ----------------------------------------------------------------------------------------


def configure_install(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", choices=["claude"], help="the client to register the server with")
    parser.add_argument("--config", metavar="PATH", help="config file (default: the platform's Claude Desktop config)")
    parser.add_argument("--name", default="salesnav-mcp", help="server name in the config (default salesnav-mcp)")
    parser.add_argument(
        "--env",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="environment for the server (repeatable); the only way secrets get written",
    )
    parser.add_argument("--read-only", action="store_true", help="install the server in read-only mode")
    parser.add_argument("--toolsets", metavar="A,B", help="install the server with only these toolsets")
    parser.add_argument("--dry-run", action="store_true", help="show the change without writing anything")


def run_install(args: argparse.Namespace) -> int:
    from pathlib import Path

    from salesnav_mcp.server.install import InstallError, claude_config_path, install_claude, parse_env_pairs

    try:
        env = parse_env_pairs(args.env)
        serve_args = ["--read-only"] if args.read_only else []
        toolsets = parse_toolsets(args.toolsets)
        if toolsets:
            serve_args += ["--toolsets", ",".join(toolsets)]
        path = Path(args.config).expanduser() if args.config else claude_config_path()
        result = install_claude(path, name=args.name, env=env, serve_args=serve_args, dry_run=args.dry_run)
    except InstallError as exc:
        raise CommandError(str(exc)) from None
    print(result.report())
    return EXIT_OK


# doctor -----------------------------------------------------------------------------------------


def configure_doctor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per upstream check (default 10)")


def run_doctor(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.server.doctor import run_checks

    settings = load_settings()
    report = anyio.run(run_checks, settings, args.timeout)
    print(report.render())
    return EXIT_OK if report.ok else EXIT_FAILURE


# Entry point ------------------------------------------------------------------------------------

COMMANDS: dict[str, Command] = {
    "serve": Command("run the MCP server (stdio by default, --http for streamable HTTP)", configure_serve, run_serve),
    "sandbox": Command("run the simulator of both upstream APIs on a loopback port", configure_sandbox, run_sandbox),
    "install": Command("register the server with Claude Desktop", configure_install, run_install),
    "doctor": Command(
        "check configuration and upstream reachability (prints no secrets)", configure_doctor, run_doctor
    ),
}


# demo and operator commands ----------------------------------------------------------------------


def configure_demo(parser: argparse.ArgumentParser) -> None:
    """No options: the demo always runs on the embedded sandbox with a throwaway data dir."""


def run_demo(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.server.demo import run_demo as demo

    configure_logging("WARNING")
    return anyio.run(demo)


def _iso(value: str) -> Any:
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def configure_budget(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", action="append", default=[], help="account id (repeatable; default: every account)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_budget(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.server.admin import budget_report

    configure_logging(args.log_level)
    anyio.run(partial(budget_report, load_settings(), args.account, sys.stdout, as_json=args.json))
    return EXIT_OK


def configure_audit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("--since", type=_iso, help="from this ISO-8601 time (UTC when no offset)")
    parser.add_argument("--until", type=_iso, help="up to this ISO-8601 time")
    parser.add_argument("--account", help="only this account id")
    parser.add_argument("--kind", action="append", help="only this kind of entry, e.g. send.attempt (repeatable)")
    parser.add_argument("--output", help="write to this file instead of stdout")


def run_audit(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.server.admin import audit_export

    configure_logging(args.log_level)
    settings = load_settings()
    export = partial(
        audit_export, settings, fmt=args.format, since=args.since, until=args.until, account_id=args.account, kinds=args.kind
    )
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            count = anyio.run(partial(export, handle))
        print(f"{count} audit entries written to {args.output}", file=sys.stderr)
    else:
        anyio.run(partial(export, sys.stdout))
    return EXIT_OK


def configure_dnc(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove"])
    parser.add_argument("recipient", nargs="?", help="profile id or URN (for add and remove)")
    parser.add_argument("--reason", help="why (for add)")


def run_dnc(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.server.admin import dnc

    if args.action != "list" and not args.recipient:
        raise CommandError(f"dnc {args.action} needs a recipient (profile id or URN)")
    configure_logging(args.log_level)
    anyio.run(partial(dnc, load_settings(), args.action, args.recipient, args.reason, sys.stdout))
    return EXIT_OK


def configure_drafts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "resolve"])
    parser.add_argument("draft_id", nargs="?", help="the draft (for resolve)")
    parser.add_argument("outcome", nargs="?", choices=["sent", "not_sent"], help="what LinkedIn shows (for resolve)")
    parser.add_argument("--state", choices=["draft", "sending", "sent", "failed", "unknown"], help="only this state")


def run_drafts(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.guardrails import GuardrailError
    from salesnav_mcp.server.admin import drafts

    if args.action == "resolve" and not (args.draft_id and args.outcome):
        raise CommandError("drafts resolve needs a draft id and an outcome: sent or not_sent")
    configure_logging(args.log_level)
    try:
        anyio.run(partial(drafts, load_settings(), args.action, args.draft_id, args.outcome, args.state, sys.stdout))
    except GuardrailError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


COMMANDS.update(
    {
        "demo": Command("a short prospecting session on the embedded sandbox, as a transcript", configure_demo, run_demo),
        "budget": Command("show the monthly Sales Navigator search budget per account", configure_budget, run_budget),
        "audit": Command("export the audit trail as JSON Lines or CSV (no secrets)", configure_audit, run_audit),
        "dnc": Command("manage the do-not-contact list", configure_dnc, run_dnc),
        "drafts": Command("list drafts, or record what happened to a send with an unknown outcome", configure_drafts, run_drafts),
    }
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salesnav-mcp", description="MCP server for LinkedIn Sales Navigator.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="log level on stderr (default INFO)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(handler=command.run)
    return parser


def resume_gc() -> None:
    """Collect cycles again, with what start-up built (long-lived) moved out of the collector's walks."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up creates hundreds of thousands of long-lived objects (modules, models, schemas): the cyclic
    # collector would walk them again and again and free nothing. Servers call resume_gc() once built;
    # other commands get collection back when they return.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as exc:
        print(f"salesnav-mcp {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
