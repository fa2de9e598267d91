"""`salesnav-mcp doctor`: configuration and reachability report that never shows a secret."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from salesnav_mcp.cli import main
from salesnav_mcp.cli.doctor import _public_url
from tests.support.processes import Running, free_port, isolated_env, run_cli, sandbox_server

CANARIES = {
    "CONNECTSAFELY_API_KEY": "cs-canary-A1b2C3d4",
    "LINKEDIN_ACCESS_TOKEN": "li-canary-E5f6G7h8",
    "SALESNAV_HTTP_TOKEN": "http-canary-I9j0K1l2",
    "SALESNAV_CONFIRM_KEY": "confirm-canary-M3n4O5p6",
    "SALESNAV_STATE_KEY": "state-canary-Q7r8S9t0",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.upper().startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["doctor", "--timeout", "10"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def assert_no_secret(output: str) -> None:
    for value in CANARIES.values():
        assert value not in output
        assert value[-4:] not in output  # not even a recognisable tail


def test_sandbox_only_setup_is_healthy(capsys: pytest.CaptureFixture[str]) -> None:
    status, output = doctor(capsys)
    assert status == 0, output
    assert "CONNECTSAFELY_API_KEY" in output and "not set; sandbox" in output
    assert "ConnectSafely (sandbox, in process)" in output
    assert "Partner API (sandbox, in process)" in output
    assert "answered: 4 LinkedIn account(s) connected" in output
    assert "answered: 2 Sales Navigator contract(s)" in output
    assert "all checks passed" in output


def test_secrets_show_only_as_set(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in CANARIES.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SALESNAV_SANDBOX", "true")  # keys set, yet nothing may leave this machine
    status, output = doctor(capsys)
    assert status == 0, output
    for key in ("SALESNAV_HTTP_TOKEN", "SALESNAV_CONFIRM_KEY", "SALESNAV_STATE_KEY"):
        line = next(line for line in output.splitlines() if key in line)
        assert line.rstrip().endswith("set") and "not set" not in line
    assert "SALESNAV_SANDBOX" in output
    assert_no_secret(output)


def test_unusable_data_dir_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(blocker / "data"))
    status, output = doctor(capsys)
    assert status == 1
    assert f"{blocker} is not a directory" in output


def test_public_url_drops_credentials_and_query() -> None:
    assert (
        _public_url("https://user:pw@api.example.com:8443/linkedin?key=abc#x")
        == "https://api.example.com:8443/linkedin"
    )


@pytest.fixture(scope="module")
def local_upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The sandbox on a loopback port, standing in for both live APIs."""
    workdir = tmp_path_factory.mktemp("upstream")
    with sandbox_server(workdir, isolated_env(workdir)) as running:
        yield running


def point_live_apis_at(monkeypatch: pytest.MonkeyPatch, upstream: Running) -> None:
    monkeypatch.setenv("CONNECTSAFELY_BASE_URL", f"{upstream.base_url}/linkedin")
    monkeypatch.setenv("LINKEDIN_API_BASE_URL", f"{upstream.base_url}/v2")


@pytest.mark.slow
def test_live_apis_are_checked_with_a_real_read(
    local_upstream: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_live_apis_at(monkeypatch, local_upstream)
    for key, value in CANARIES.items():
        monkeypatch.setenv(key, value)
    status, output = doctor(capsys)
    assert status == 0, output
    assert f"set; live against {local_upstream.base_url}/linkedin" in output
    assert "ConnectSafely (live)" in output and "Partner API (live)" in output
    assert "answered: 4 LinkedIn account(s) connected" in output
    assert_no_secret(output)
    assert_no_secret(local_upstream.stderr() + local_upstream.stdout())


@pytest.mark.slow
def test_rejected_key_is_a_failure_without_the_key(
    local_upstream: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_live_apis_at(monkeypatch, local_upstream)
    rejected = "invalid-" + CANARIES["CONNECTSAFELY_API_KEY"]  # the sandbox refuses keys starting with "invalid"
    monkeypatch.setenv("CONNECTSAFELY_API_KEY", rejected)
    monkeypatch.setenv("LINKEDIN_ACCESS_TOKEN", CANARIES["LINKEDIN_ACCESS_TOKEN"])
    status, output = doctor(capsys)
    assert status == 1
    failed = next(line for line in output.splitlines() if "ConnectSafely (live)" in line)
    assert failed.lstrip().startswith("FAIL")
    assert "Partner API (live)" in output and "1 check(s) failed" in output
    assert rejected not in output
    assert_no_secret(output)


class _WebPage(BaseHTTPRequestHandler):
    """A web site where an API was expected: every path is an HTML page."""

    status = 200

    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body>" + b"<p>Marketing copy</p>" * 200
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def web_site(status: int) -> Iterator[str]:
    handler = type("Page", (_WebPage,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def live_env(workdir: Path, connectsafely_url: str, linkedin_url: str) -> dict[str, str]:
    return isolated_env(
        workdir,
        CONNECTSAFELY_API_KEY=CANARIES["CONNECTSAFELY_API_KEY"],
        CONNECTSAFELY_BASE_URL=connectsafely_url,
        LINKEDIN_ACCESS_TOKEN=CANARIES["LINKEDIN_ACCESS_TOKEN"],
        LINKEDIN_API_BASE_URL=linkedin_url,
    )


def failed_line(output: str, check: str) -> str:
    line = next(line for line in output.splitlines() if check in line)
    assert line.lstrip().startswith("FAIL"), line
    return line


@pytest.mark.slow
def test_closed_port_names_the_base_url_variable(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = live_env(tmp_path, f"http://127.0.0.1:{port}/linkedin", f"http://127.0.0.1:{port}/v2")
    result = run_cli(["doctor", "--timeout", "5"], tmp_path, env)
    assert result.returncode == 1
    connectsafely = failed_line(result.stdout, "ConnectSafely (live)")
    assert f"could not connect to http://127.0.0.1:{port}/linkedin (connection refused)" in connectsafely
    assert "check CONNECTSAFELY_BASE_URL" in connectsafely and "try again shortly" not in connectsafely
    assert "check LINKEDIN_API_BASE_URL" in failed_line(result.stdout, "Partner API (live)")
    assert_no_secret(result.stdout + result.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("status", [200, 404])
def test_a_web_page_instead_of_the_api_is_named_not_dumped(tmp_path: Path, status: int) -> None:
    with web_site(status) as site:
        env = live_env(tmp_path, f"{site}/linkedin", f"{site}/v2")
        result = run_cli(["doctor", "--timeout", "5"], tmp_path, env)
    assert result.returncode == 1
    for check, variable in (
        ("ConnectSafely (live)", "CONNECTSAFELY_BASE_URL"),
        ("Partner API (live)", "LINKEDIN_API_BASE_URL"),
    ):
        line = failed_line(result.stdout, check)
        assert "this does not look like the API" in line and f"check {variable}" in line
        assert f"(HTTP {status})" in line
    assert "<html" not in result.stdout.lower() and "Marketing copy" not in result.stdout
    assert_no_secret(result.stdout + result.stderr)


@pytest.mark.slow
def test_an_unreachable_default_base_url_points_at_the_network(tmp_path: Path) -> None:
    """The default URL is right; when it cannot be reached, the network (or a proxy) is what to check."""
    env = live_env(tmp_path, "https://api.connectsafely.ai/linkedin", "https://api.linkedin.com/v2")
    refusing_proxy = f"http://127.0.0.1:{free_port()}"  # stands for being offline, also on a machine that is not
    env.update(HTTPS_PROXY=refusing_proxy, https_proxy=refusing_proxy, NO_PROXY="", no_proxy="")
    result = run_cli(["doctor", "--timeout", "5"], tmp_path, env)
    assert result.returncode == 1
    line = failed_line(result.stdout, "ConnectSafely (live)")
    assert "could not connect to https://api.connectsafely.ai/linkedin" in line
    assert "check the network or proxy (CONNECTSAFELY_BASE_URL is the default)" in line
    assert_no_secret(result.stdout + result.stderr)
