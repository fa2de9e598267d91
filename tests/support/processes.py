"""Run `salesnav-mcp` as a real subprocess: isolated environment, loopback only, always stopped.

Every process starts in its own temporary directory (so no `.env` of the developer is read) with
an environment stripped of the project's variables, and is stopped with SIGTERM (SIGKILL after a
timeout) when its context exits, also when the test failed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_PROJECT_PREFIXES = ("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")


def isolated_env(workdir: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.upper().startswith(_PROJECT_PREFIXES)}
    # No test opens a browser: a server waiting for approval only serves its page.
    env.update(SALESNAV_DATA_DIR=str(workdir / "data"), SALESNAV_APPROVAL_BROWSER="false", PYTHONUNBUFFERED="1")
    env.update(overrides)
    return env


def cli(*args: str) -> list[str]:
    """The command line of this checkout's CLI, run by the test interpreter."""
    return [sys.executable, "-m", "salesnav_mcp", *args]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    port: int
    stdout_path: Path
    stderr_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the process and wait; kill it if it does not stop in time. Returns its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def _wait_listening(running: Running) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"server exited with {running.process.returncode}:\n{running.stderr()}")
        try:
            with socket.create_connection((LOOPBACK, running.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not listening on port {running.port} after {STARTUP_TIMEOUT}s:\n{running.stderr()}")


Launcher = Callable[..., list[str]]  # the CLI's arguments -> the command line that runs them


@contextmanager
def listening(
    args: Sequence[str], workdir: Path, env: dict[str, str], port: int, launcher: Launcher = cli
) -> Iterator[Running]:
    """Start a CLI command that listens on `port` (127.0.0.1) and yield once it accepts connections."""
    workdir.mkdir(parents=True, exist_ok=True)
    stdout_path = workdir / f"stdout-{port}.log"
    stderr_path = workdir / f"stderr-{port}.log"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            launcher(*args), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=workdir
        )
    running = Running(process, port, stdout_path, stderr_path)
    try:
        _wait_listening(running)
        yield running
    finally:
        running.stop()


@contextmanager
def mcp_http_server(workdir: Path, env: dict[str, str], *extra: str, launcher: Launcher = cli) -> Iterator[Running]:
    port = free_port()
    args = ["serve", "--http", "--host", LOOPBACK, "--port", str(port), *extra]
    with listening(args, workdir, env, port, launcher) as running:
        yield running


@contextmanager
def sandbox_server(workdir: Path, env: dict[str, str], *, launcher: Launcher = cli) -> Iterator[Running]:
    port = free_port()
    with listening(["sandbox", "--host", LOOPBACK, "--port", str(port)], workdir, env, port, launcher) as running:
        yield running


def run_cli(
    args: Sequence[str], workdir: Path, env: dict[str, str], timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        cli(*args), capture_output=True, text=True, env=env, cwd=workdir, timeout=timeout, stdin=subprocess.DEVNULL
    )
