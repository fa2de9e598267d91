"""Command line: `salesnav-mcp serve | sandbox | install claude | doctor | demo | approvals | budget | audit | dnc | drafts`.

Each subcommand is one `Command` in `COMMANDS`: a function that declares its arguments and a
function that runs it and returns the exit status, both from the command's own module. Adding
a subcommand is adding a module and an entry. Every command module is imported for every
command, so each imports its heavy dependencies (server, store, sandbox, MCP client) inside
its functions: `serve` starts without loading what only the other commands use. For the same
reason a help text that needs them (the toolsets) is a function, called only when help is shown.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from salesnav_mcp import __version__
from salesnav_mcp.cli import admin, approvals, demo, doctor, install, sandbox, serve
from salesnav_mcp.cli.common import EXIT_OK, EXIT_USAGE, CommandError

# What a shell reports for a command killed by SIGPIPE (128 + 13), as `yes | head` does.
EXIT_BROKEN_PIPE = 141


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    epilog: Callable[[], str] | None = None  # more help, computed when shown


COMMANDS: dict[str, Command] = {
    "serve": Command(
        "run the MCP server (stdio by default, --http for streamable HTTP)",
        serve.configure_serve,
        serve.run_serve,
        serve.toolsets_help,
    ),
    "sandbox": Command(
        "run the simulator of both upstream APIs on a loopback port", sandbox.configure_sandbox, sandbox.run_sandbox
    ),
    "install": Command(
        "register the server with Claude Desktop", install.configure_install, install.run_install, serve.toolsets_help
    ),
    "doctor": Command(
        "check configuration and upstream reachability (prints no secrets)", doctor.configure_doctor, doctor.run_doctor
    ),
    "demo": Command(
        "a short prospecting session on the embedded sandbox, as a transcript", demo.configure_demo, demo.run_demo
    ),
    "approvals": Command(
        "open the approval page of the server running here (what waits for your approval)",
        approvals.configure_approvals,
        approvals.run_approvals,
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


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose epilog may be a function, called only when the help is shown."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def _add_log_level(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--log-level",
        default=default,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="log level on stderr (default INFO)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="salesnav-mcp",
        description="MCP server for LinkedIn Sales Navigator.",
        epilog="`salesnav-mcp serve --help` lists the toolsets and what each holds.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_log_level(parser, "INFO")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(
            name,
            help=command.help,
            description=command.help,
            epilog=command.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # Also after the command (`serve --log-level DEBUG`); SUPPRESS keeps a value given before it.
        _add_log_level(sub, argparse.SUPPRESS)
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
        status = args.handler(args)
        sys.stdout.flush()  # here, so a closed pipe is noticed below and not at interpreter exit
        return status
    except CommandError as exc:
        print(f"salesnav-mcp {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        # The reader went away (`audit | head`): stop quietly, as Unix tools do. Whatever is still
        # buffered for stdout goes to the null device, so the flush at exit cannot fail again.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
