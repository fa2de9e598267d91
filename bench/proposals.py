"""Changes to src/ that the benchmarks suggest, each as the exact diff and as a runtime patch.

The benchmarks never edit src/. To measure what a proposed change would do, they apply its
`patch` (a faithful runtime equivalent of the diff) to a server in the same run as the unpatched
one, and report both. `python -m bench.proposals <salesnav-mcp args>` runs the CLI with every
start-up/serving proposal applied (what the cold-start and HTTP benchmarks start as "proposed").
"""

from __future__ import annotations

import contextlib
import logging
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Proposal:
    key: str
    title: str
    why: str
    diff: str


LAZY_SANDBOX = Proposal(
    "lazy-sandbox",
    "Build the embedded sandbox on its first request, not before `initialize` is answered",
    "The lifespan builds the sandbox's synthetic world (5,400 leads, 1,200 companies, inboxes) before the server "
    "answers anything; a live server never needs it and a sandbox server needs it only at the first tool call.",
    '''--- a/src/salesnav_mcp/server/wiring.py
+++ b/src/salesnav_mcp/server/wiring.py
@@
-from collections.abc import AsyncIterator
+from collections.abc import AsyncIterator, Callable
@@
+class LazySandboxApp:
+    """The embedded sandbox, built on its first request: its synthetic world takes ~0.2 s to build."""
+
+    def __init__(self, build: Callable[[], Any]) -> None:
+        self._build = build
+        self._app: Any | None = None
+
+    @property
+    def app(self) -> Any:
+        if self._app is None:
+            self._app = self._build()
+        return self._app
+
+    @property
+    def state(self) -> Any:  # tests and the demo reach the world through app.state
+        return self.app.state
+
+    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
+        await self.app(scope, receive, send)
+
+
 def sandbox_app_for(settings: Settings, clock: Clock, sandbox_config: Any | None = None) -> Any:
-    from salesnav_mcp.sandbox import SandboxConfig, create_app
-
-    config = sandbox_config or SandboxConfig(seed=settings.salesnav_sandbox_seed)
-    if config.clock is None:
-        config = config.model_copy(update={"clock": clock})
-    return create_app(config)
+    def build() -> Any:
+        from salesnav_mcp.sandbox import SandboxConfig, create_app
+
+        config = sandbox_config or SandboxConfig(seed=settings.salesnav_sandbox_seed)
+        if config.clock is None:
+            config = config.model_copy(update={"clock": clock})
+        return create_app(config)
+
+    return LazySandboxApp(build)
''',
)

GC_AT_STARTUP = Proposal(
    "startup-gc",
    "No cyclic garbage collection while the server starts; freeze what start-up built",
    "Start-up allocates hundreds of thousands of long-lived objects (modules, pydantic models, validators, JSON "
    "schemas); the cyclic collector keeps walking them all and finds nothing to free. Collection resumes before "
    "the first request, with the start-up objects moved out of its way (`gc.freeze`).",
    """--- a/src/salesnav_mcp/cli.py
+++ b/src/salesnav_mcp/cli.py
@@
 import argparse
+import gc
 import logging
@@ def _build(settings: Settings, args: argparse.Namespace, toolsets: list[str] | None, **kwargs: Any) -> MCPServer:
     try:
-        return build_server(settings, toolsets=toolsets, read_only=args.read_only, **kwargs)
+        server = build_server(settings, toolsets=toolsets, read_only=args.read_only, **kwargs)
     except UnknownToolsetError as exc:
         raise CommandError(f"--toolsets: {exc}") from None
     except StateKeyError as exc:
         raise CommandError(str(exc)) from None
+    resume_gc()
+    return server
@@ def run_sandbox(args: argparse.Namespace) -> int:
+    resume_gc()
     anyio.run(partial(serve_asgi, create_app(SandboxConfig(seed=seed)), sock, lifespan="off"))
@@
+def resume_gc() -> None:
+    \"\"\"Collect cycles again, leaving what start-up built (all long-lived) out of the collector's walks.\"\"\"
+    if not gc.isenabled():
+        gc.freeze()
+        gc.enable()
+
+
 def main(argv: Sequence[str] | None = None) -> int:
+    # Start-up builds only long-lived objects (modules, models, schemas): collecting cycles among them
+    # is wasted work. Long-running commands call resume_gc() once built; the others exit soon anyway.
+    gc.disable()
     args = build_parser().parse_args(argv)
""",
)

SSI_WRITE_ON_CHANGE = Proposal(
    "ssi-write-on-change",
    "Write the day's SSI snapshot (and InMail balance) only when it changed",
    "Every `get_ssi` upserts today's snapshot: a SQLite write transaction with `synchronous=FULL` (an fsync) "
    "in a worker thread, although the SSI changes at most daily. With the WHERE clause an unchanged snapshot "
    "modifies no page, so the commit writes and syncs nothing. `recorded_at` then keeps the time the value was first "
    "seen that day. Measured on `get_ssi`; `get_inmail_credits` has the same pattern.",
    '''--- a/src/salesnav_mcp/store/sqlite.py
+++ b/src/salesnav_mcp/store/sqlite.py
@@ async def upsert_ssi_snapshot(...)
                 """INSERT INTO ssi_snapshots (account_id, day, payload, recorded_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, day) DO UPDATE SET payload = excluded.payload,
-                     recorded_at = excluded.recorded_at""",
+                     recorded_at = excluded.recorded_at
+                   WHERE ssi_snapshots.payload IS NOT excluded.payload""",
@@ async def upsert_inmail_credits(...)
                 """INSERT INTO inmail_credit_snapshots (account_id, day, value, recorded_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, day) DO UPDATE SET value = excluded.value,
-                     recorded_at = excluded.recorded_at""",
+                     recorded_at = excluded.recorded_at
+                   WHERE inmail_credit_snapshots.value IS NOT excluded.value""",
''',
)

INLINE_OUTPUT_REFS = Proposal(
    "inline-output-refs",
    "Publish output schemas without `$ref`/`$defs` (inline each definition where it is used)",
    "Clients validate every structured result against the tool's output schema (the SDK client with "
    "jsonschema); resolving `$ref`s is a large part of that cost. Inlined, the schemas are also slightly "
    "smaller, since our output models are mostly used once per schema.",
    '''--- a/src/salesnav_mcp/server/registry.py
+++ b/src/salesnav_mcp/server/registry.py
@@ def build_tools(specs):
         if tool.fn_metadata.output_schema is not None:
-            tool.fn_metadata.output_schema = compact_schema(tool.fn_metadata.output_schema, output=True)
+            tool.fn_metadata.output_schema = compact_schema(inline_refs(tool.fn_metadata.output_schema), output=True)
--- a/src/salesnav_mcp/server/schema.py
+++ b/src/salesnav_mcp/server/schema.py
+def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
+    """The schema with every local `#/$defs/X` replaced by X itself (our output models are not recursive)."""
+    defs = schema.get("$defs", {})
+
+    def walk(node: Any) -> Any:
+        if isinstance(node, dict):
+            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
+                rest = {k: walk(v) for k, v in node.items() if k != "$ref"}
+                return {**walk(defs[node["$ref"][len("#/$defs/"):]]), **rest}
+            return {k: walk(v) for k, v in node.items() if k != "$defs"}
+        if isinstance(node, list):
+            return [walk(item) for item in node]
+        return node
+
+    return walk(schema)
''',
)

QUIET_REQUEST_LOGS = Proposal(
    "quiet-request-logs",
    "Keep per-request INFO lines of the HTTP stack out of the default log",
    "At the default INFO level every HTTP call logs two lines to stderr (`uvicorn.access` and the SDK's "
    "`Terminating session: None` in stateless mode): formatting and writing them costs the single event loop "
    "time on every call.",
    """--- a/src/salesnav_mcp/cli.py
+++ b/src/salesnav_mcp/cli.py
@@ def configure_logging(level: str) -> None:
     # httpx2 logs every request URL at INFO; signed download URLs must not reach the log.
     logging.getLogger("httpx2").setLevel(max(logging.WARNING, logging.getLogger().level))
+    # One line per HTTP request is noise at INFO and costs every call; DEBUG still shows them.
+    for name in ("uvicorn.access", "mcp.server.streamable_http"):
+        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
""",
)

TCP_NODELAY = Proposal(
    "tcp-nodelay",
    "Create the HTTP listening socket as an explicit TCP socket, so accepted connections get TCP_NODELAY",
    "`bind_socket` creates `socket.socket(family, SOCK_STREAM)`, whose `proto` is 0. asyncio switches Nagle's "
    "algorithm off (TCP_NODELAY) only on sockets whose proto is IPPROTO_TCP, and accepted sockets inherit the "
    "listener's proto, so every HTTP response waits for the client's delayed ACK: about 40 ms per call on Linux. "
    "The floor lets uvicorn bind (getaddrinfo gives proto 6) and does not pay it.",
    """--- a/src/salesnav_mcp/server/transports.py
+++ b/src/salesnav_mcp/server/transports.py
@@ def bind_socket(host: str, port: int) -> socket.socket:
     family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
-    sock = socket.socket(family, socket.SOCK_STREAM)
+    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
+    # accepted connections inherit this; without it each response waits ~40 ms for a delayed ACK.
+    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
""",
)

PACE_MARGIN_SECONDS = 2.0
PACE_MARGIN = Proposal(
    "pace-margin",
    f"Keep a {PACE_MARGIN_SECONDS:g} s safety margin on the pacer's minute window",
    "The pacer stamps a slot when it grants it, upstream counts the call when it arrives. A page granted "
    "exactly 60 s after an earlier one can arrive less than 60 s after it whenever the earlier request took "
    "longer to get there (network, TLS, a busy event loop, the pacer's own SQLite write): upstream answers 429 "
    "at window boundaries. A margin larger than the spread of that delay closes the race; the exact fix is to "
    "re-stamp each slot with the time its response arrived (upstream counted it before that).",
    f"""--- a/src/salesnav_mcp/guardrails/pacing.py
+++ b/src/salesnav_mcp/guardrails/pacing.py
@@
 MINUTE = 60.0
+# Upstream counts a call when it arrives, we when we send it: a window this much longer keeps
+# a call sent exactly one minute after another from arriving inside the other's minute.
+MARGIN = {PACE_MARGIN_SECONDS}
@@ class Pacer.__init__
         self.windows: list[tuple[float, int]] = [
-            (MINUTE, settings.salesnav_search_per_minute),
+            (MINUTE + MARGIN, settings.salesnav_search_per_minute),
""",
)

ALL = [
    TCP_NODELAY,
    LAZY_SANDBOX,
    GC_AT_STARTUP,
    SSI_WRITE_ON_CHANGE,
    INLINE_OUTPUT_REFS,
    QUIET_REQUEST_LOGS,
    PACE_MARGIN,
]


# ------------------------------------------------------------------------------------------- runtime patches


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: walk(v) for k, v in node.items() if k != "$ref"}
                return {**walk(defs[ref[len("#/$defs/") :]]), **rest}
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def patch_lazy_sandbox() -> None:
    from salesnav_mcp.server import wiring

    original = wiring.sandbox_app_for

    class LazySandboxApp:
        def __init__(self, build: Callable[[], Any]) -> None:
            self._build = build
            self._app: Any | None = None

        @property
        def app(self) -> Any:
            if self._app is None:
                self._app = self._build()
            return self._app

        @property
        def state(self) -> Any:
            return self.app.state

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await self.app(scope, receive, send)

    def sandbox_app_for(settings: Any, clock: Any, sandbox_config: Any | None = None) -> Any:
        return LazySandboxApp(lambda: original(settings, clock, sandbox_config))

    wiring.sandbox_app_for = sandbox_app_for


async def _upsert_ssi_snapshot_on_change(
    self: Any, *, account_id: str, day: Any, payload: dict[str, Any], now: Any
) -> None:
    from salesnav_mcp.store import sqlite

    def op(c: Any) -> None:
        c.execute(
            """INSERT INTO ssi_snapshots (account_id, day, payload, recorded_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (account_id, day) DO UPDATE SET payload = excluded.payload,
                 recorded_at = excluded.recorded_at
               WHERE ssi_snapshots.payload IS NOT excluded.payload""",
            (account_id, day.isoformat(), sqlite._dump(payload), sqlite._ts(now)),
        )

    await self._write(op)


def patch_ssi_write_on_change(store: Any | None = None) -> None:
    """On one open store, or (no argument) on every SQLite store of this process."""
    if store is not None:
        store.upsert_ssi_snapshot = types.MethodType(_upsert_ssi_snapshot_on_change, store)
        return
    from salesnav_mcp.store import sqlite

    sqlite.SQLiteStore.upsert_ssi_snapshot = _upsert_ssi_snapshot_on_change  # type: ignore[method-assign]


def _inlining(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build_tools(specs: Any) -> Any:
        tools = original(specs)
        for tool in tools:
            if tool.fn_metadata.output_schema is not None:
                tool.fn_metadata.output_schema = inline_refs(tool.fn_metadata.output_schema)
        return tools

    return build_tools


def patch_inline_output_refs() -> None:
    from salesnav_mcp.server import app

    app.build_tools = _inlining(app.build_tools)


@contextlib.contextmanager
def inline_output_refs_while_building() -> Iterator[None]:
    """Servers built inside this block publish inlined output schemas; others are unaffected."""
    from salesnav_mcp.server import app

    original = app.build_tools
    app.build_tools = _inlining(original)
    try:
        yield
    finally:
        app.build_tools = original


def patch_quiet_request_logs() -> None:
    from salesnav_mcp import cli

    original = cli.configure_logging

    def configure_logging(level: str) -> None:
        original(level)
        for name in ("uvicorn.access", "mcp.server.streamable_http"):
            logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))

    cli.configure_logging = configure_logging


def patch_tcp_nodelay() -> None:
    import socket

    from salesnav_mcp.server import transports

    original = transports.bind_socket

    def bind_socket(host: str, port: int) -> socket.socket:
        loose = original(host, port)
        try:
            sock = socket.socket(loose.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            address = loose.getsockname()
            loose.close()
            sock.bind(address)
            sock.listen(128)
            return sock
        except BaseException:
            loose.close()
            raise

    transports.bind_socket = bind_socket


def patch_startup_gc() -> None:
    """GC off from here (the CLI module is imported, as the console script would have it) until the
    server is built; then freeze and collect normally."""
    import gc

    from salesnav_mcp import cli

    original = cli._build

    def _build(*args: Any, **kwargs: Any) -> Any:
        server = original(*args, **kwargs)
        gc.freeze()
        gc.enable()
        return server

    cli._build = _build
    gc.disable()


def apply_pace_margin(services: Any) -> None:
    """On running services: the pacer's minute window with the margin (its limit unchanged)."""
    pacer = services.guardrails.pacer
    pacer.windows = [
        (seconds + PACE_MARGIN_SECONDS, limit) if seconds == 60.0 else (seconds, limit)
        for seconds, limit in pacer.windows
    ]


# startup-gc first: like the real change, it switches collection off once the CLI module is imported,
# before the server's own modules (which the other patches import) load.
PROCESS_PATCHES = [
    patch_startup_gc,
    patch_tcp_nodelay,
    patch_lazy_sandbox,
    patch_ssi_write_on_change,
    patch_inline_output_refs,
    patch_quiet_request_logs,
]


def main(argv: list[str]) -> int:
    """`salesnav-mcp` with every process-level proposal applied."""
    for patch in PROCESS_PATCHES:
        patch()
    from salesnav_mcp import cli

    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
