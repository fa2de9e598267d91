"""`salesnav-mcp approvals`: open (or print) the approval page of the server running on this computer.

A server that needs a human's approval and has no other way to ask opens its approval page in
the browser itself; this command is for the person at the terminal when that did not happen. The
page's address is a capability: it is printed only with --print, for the person who asked.
"""

from __future__ import annotations

import argparse
import sys

from salesnav_mcp.cli.common import EXIT_OK, CommandError, load_settings


def configure_approvals(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print", action="store_true", help="print the page's address instead of opening it")


def run_approvals(args: argparse.Namespace) -> int:
    from salesnav_mcp.server.approval_page import live_page_urls

    urls = live_page_urls(load_settings())
    if not urls:
        raise CommandError(
            "no approval page is open: a running server opens one when something waits for approval "
            "(same SALESNAV_DATA_DIR as the server)"
        )
    if args.print:
        sys.stdout.write(urls[0] + "\n")
        return EXIT_OK
    import webbrowser

    if not webbrowser.open_new_tab(urls[0]):
        raise CommandError("no browser could be opened here; run `salesnav-mcp approvals --print` and open the address")
    sys.stdout.write("Opened the approval page in your browser.\n")
    return EXIT_OK
