"""What every benchmark shares: isolated server processes, a raw stdio MCP session, statistics, results.

Every server a benchmark starts runs on the embedded sandbox (SALESNAV_SANDBOX=1) with its own
temporary SALESNAV_DATA_DIR and working directory (so no developer `.env` is read), binds 127.0.0.1
only, and is stopped by the benchmark that started it, also when the benchmark fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
LOOPBACK = "127.0.0.1"
PROTOCOL_VERSION = "2025-11-25"  # the handshake stdio clients such as Claude Desktop send
STOP_TIMEOUT = 10.0
_PROJECT_PREFIXES = ("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")

# A search that matches well over 1,000 sandbox leads, so a 1,000-result search really fetches 10 pages.
BROAD_LEAD_FILTERS: dict[str, Any] = {"regions": ["Europe"]}
# A search with a few hundred matches, for the 25-lead context figure.
LEAD_FILTERS_25: dict[str, Any] = {"function": ["Engineering"]}


# ------------------------------------------------------------------------------------------- statistics


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): an observed value, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# ------------------------------------------------------------------------------------------- results


@dataclass
class Figure:
    """One measured figure, its baseline (if any) and its goal.

    `ratio` is the headline when there is a baseline; `goal` applies to the ratio when `goal_on`
    is "ratio", otherwise to the value itself. `None` goal: informational only.
    """

    name: str
    value: float
    unit: str = ""
    baseline: float | None = None
    goal: float | None = None
    goal_op: Literal["<=", ">="] = "<="
    goal_on: Literal["ratio", "value"] = "ratio"
    goal_text: str = ""
    digits: int = 1
    # The median of per-round ratios (paired rounds), when the benchmark measured it; more robust to
    # drift on a noisy machine than the ratio of the two medians.
    paired_ratio: float | None = None
    summary: bool = True  # listed in the summary table (when it has a goal)

    @property
    def ratio(self) -> float | None:
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def judged(self) -> float | None:
        return self.ratio if self.goal_on == "ratio" else self.value

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.judged is None:
            return None
        return self.judged <= self.goal if self.goal_op == "<=" else self.judged >= self.goal

    def miss_text(self) -> str:
        """By how much the goal is missed, e.g. '+34% over the goal'."""
        if self.met is not False or self.goal is None or self.judged is None:
            return ""
        if self.goal == 0:
            return f"{self.judged:g} where the goal is 0"
        if self.goal_op == "<=":
            return f"{(self.judged / self.goal - 1) * 100:+.0f}% over the goal"
        return f"{(1 - self.judged / self.goal) * 100:.0f}% short of the goal"


@dataclass
class Section:
    """The results of one benchmark: figures, how they were measured, and the profile behind any miss."""

    key: str
    title: str
    method: str
    figures: list[Figure] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # markdown blocks: breakdowns, profiles
    data: dict[str, Any] = field(default_factory=dict)  # raw figures the findings text quotes
    error: str | None = None

    @property
    def missed(self) -> list[Figure]:
        return [f for f in self.figures if f.met is False]


# ------------------------------------------------------------------------------------------- processes


def isolated_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a benchmark server: no project variables from the caller, sandbox, own data dir."""
    env = {key: value for key, value in os.environ.items() if not key.upper().startswith(_PROJECT_PREFIXES)}
    env.update(SALESNAV_SANDBOX="1", SALESNAV_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(overrides)
    return env


def salesnav_command(*args: str) -> list[str]:
    """`salesnav-mcp ...` as Claude Desktop starts it: the installed console script when present."""
    script = Path(sys.executable).with_name("salesnav-mcp")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "salesnav_mcp", *args]


def floor_command(*args: str) -> list[str]:
    return [sys.executable, str(BENCH_DIR / "floor_server.py"), *args]


def with_echo_command(*args: str) -> list[str]:
    """`salesnav-mcp ...` plus the floor's echo tool (bench/with_echo.py; needs `with_repo`)."""
    return [sys.executable, "-m", "bench.with_echo", *args]


def with_repo(env: dict[str, str]) -> dict[str, str]:
    """The environment plus this repository on PYTHONPATH, so `-m bench...` works from any directory."""
    paths = [str(REPO), *filter(None, [env.get("PYTHONPATH")])]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"salesnav-bench-{prefix}-") as tmp:
        path = Path(tmp)
        (path / "data").mkdir()
        yield path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop one process this benchmark started: signal, wait, kill if it does not stop in time."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(peak RSS, current RSS) of a live process in MB (10^6 bytes), from /proc (Linux)."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) * 1024 / 1e6  # /proc says kB, meaning KiB
    return values["VmHWM"], values["VmRSS"]


class StdioSession:
    """A raw JSON-RPC session with a server process over stdio, timing each answer from the spawn."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, stderr_path: Path) -> None:
        self._stderr = stderr_path.open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env, cwd=cwd
        )
        self.stderr_path = stderr_path
        self._next_id = 0
        self._buffer = b""

    def __enter__(self) -> StdioSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close stdin (the server's cue to exit), then make sure it is gone."""
        if self.process.stdin and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            stop_process(self.process)
        if self.process.stdout:
            self.process.stdout.close()
        self._stderr.close()

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60.0) -> tuple[bytes, float]:
        """Send a request and return (the raw answer line, seconds since spawn when it arrived)."""
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        while True:
            line = self._read_line(timeout)
            arrived = time.perf_counter() - self.started
            parsed = json.loads(line)
            if parsed.get("id") == self._next_id and ("result" in parsed or "error" in parsed):
                if "error" in parsed:
                    raise RuntimeError(f"{method} failed: {parsed['error']}")
                return line, arrived
            # Notifications (progress, logging) on the way are skipped.

    def _read_line(self, timeout: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {timeout}s; server log:\n{self.stderr_tail()}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"server closed stdout (exit {self.process.poll()}):\n{self.stderr_tail()}")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def stderr_tail(self, lines: int = 20) -> str:
        self._stderr.flush()
        text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def handshake(self) -> tuple[float, float, bytes]:
        """initialize -> initialized -> tools/list. Returns (initialize answered, tools/list answered, its line)."""
        _, t_init = self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "salesnav-bench", "version": "1"},
            },
        )
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        line, t_list = self.request("tools/list")
        return t_init, t_list, line

    def call_tool(self, name: str, arguments: dict[str, Any], timeout: float = 120.0) -> dict[str, Any]:
        line, _ = self.request("tools/call", {"name": name, "arguments": arguments}, timeout=timeout)
        result = json.loads(line)["result"]
        if result.get("isError"):
            raise RuntimeError(f"{name} failed: {result['content']}")
        return result


def wait_listening(process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not listening on {port} after {timeout}s")


@dataclass(frozen=True)
class HttpServer:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/mcp"


@contextlib.contextmanager
def http_servers(specs: dict[str, tuple[list[str], dict[str, str], int]], cwd: Path) -> Iterator[dict[str, HttpServer]]:
    """Start HTTP server processes (name -> command, env, port on 127.0.0.1) at once; yield them once all
    listen; always stop every one of them."""
    processes: dict[str, tuple[subprocess.Popen[bytes], int, Path]] = {}
    try:
        for name, (command, env, port) in specs.items():
            log = cwd / f"{name}.log"
            with log.open("wb") as err:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=env, cwd=cwd)
            processes[name] = (process, port, log)
        for process, port, log in processes.values():
            wait_listening(process, port, log)
        yield {name: HttpServer(port, process.pid) for name, (process, port, _) in processes.items()}
    finally:
        for process, _, _ in processes.values():
            stop_process(process)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, str]:
    """CPU, cores, Python, OS and library versions, for the results header."""
    import platform
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "mcp": version("mcp"),
        "salesnav-mcp": version("salesnav-mcp"),
    }
