"""`salesnav-mcp sandbox`: the simulator of both upstream APIs on a port, for clients outside this process."""

from __future__ import annotations

import argparse
from functools import partial

from salesnav_mcp.cli.common import EXIT_OK, configure_logging, listen, load_settings, logger, resume_gc, tcp_port


def configure_sandbox(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=tcp_port, required=True, help="port to listen on")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed of the synthetic world (default SALESNAV_SANDBOX_SEED)"
    )


def run_sandbox(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.sandbox import SandboxConfig, create_app
    from salesnav_mcp.server.transports import is_loopback, serve_asgi

    settings = load_settings()
    configure_logging(args.log_level)
    seed = settings.salesnav_sandbox_seed if args.seed is None else args.seed
    sock = listen(args.host, args.port)
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
