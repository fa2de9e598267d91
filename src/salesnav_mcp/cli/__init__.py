"""Command line: `salesnav-mcp serve | sandbox | install claude | doctor | demo | budget | audit | dnc | drafts`.

Each subcommand is one `Command` in `COMMANDS`: a function that declares its arguments and a
function that runs it and returns the exit status, both from the command's own module. Adding
a subcommand is adding a module and an entry. Every command module is imported for every
command, so each imports its heavy dependencies (server, store, sandbox, MCP client) inside
its functions: `serve` starts without loading what only the other commands use.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from salesnav_mcp import __version__
from salesnav_mcp.cli import admin, demo, doctor, install, sandbox, serve
from salesnav_mcp.cli.common import EXIT_OK, EXIT_USAGE, CommandError


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {
    "serve": Command(
        "run the MCP server (stdio by default, --http for streamable HTTP)", serve.configure_serve, serve.run_serve
    ),
    "sandbox": Command(
        "run the simulator of both upstream APIs on a loopback port", sandbox.configure_sandbox, sandbox.run_sandbox
    ),
    "install": Command("register the server with Claude Desktop", install.configure_install, install.run_install),
    "doctor": Command(
        "check configuration and upstream reachability (prints no secrets)", doctor.configure_doctor, doctor.run_doctor
    ),
    "demo": Command(
        "a short prospecting session on the embedded sandbox, as a transcript", demo.configure_demo, demo.run_demo
    ),
    "budget": Command(
        "show the monthly Sales Navigator search budget per account", admin.configure_budget, admin.run_budget
    ),
    "audit": Command(
        "export the audit trail as JSON Lines or CSV (no secrets)", admin.configure_audit, admin.run_audit
    ),
    "dnc": Command("manage the do-not-contact list", admin.configure_dnc, admin.run_dnc),
    "drafts": Command(
        "list drafts, or record what happened to a send with an unknown outcome",
        admin.configure_drafts,
        admin.run_drafts,
    ),
}


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
