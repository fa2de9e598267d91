"""`salesnav-mcp doctor`: check the configuration and that both upstream APIs answer.

Each API is checked with one cheap read through the same wiring the server uses: a live API
over the network, a simulated one in process. When a live read fails, a plain GET of the base
URL (no credentials) tells a wrong base URL (nothing listening, a web page instead of the API)
from a failing API, so the report can name the variable to fix. The report shows whether each
secret is set, never any part of its value; as a last guard every configured secret value is
masked in the text.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

from salesnav_mcp import __version__
from salesnav_mcp.cli.common import EXIT_FAILURE, EXIT_OK, load_settings
from salesnav_mcp.config import DEFAULT_CONNECTSAFELY_BASE_URL, DEFAULT_LINKEDIN_API_BASE_URL, Settings

Status = Literal["ok", "info", "warn", "FAIL"]
_SECRET_FIELDS = (
    "connectsafely_api_key",
    "linkedin_access_token",
    "salesnav_confirm_key",
    "salesnav_http_token",
    "salesnav_state_key",
    "salesnav_webhook_secret",
)
# A failure's detail is cut here: an upstream error can quote a whole response body.
_DETAIL_LIMIT = 300
_HTML = re.compile(r"<\s*(!doctype\s+html|html)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Api:
    name: str
    base_url: str
    variable: str  # the setting that names base_url
    default: str


@dataclass(frozen=True)
class Check:
    section: str
    name: str
    status: Status
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def add(self, section: str, name: str, status: Status, detail: str) -> None:
        self.checks.append(Check(section, name, status, detail))

    @property
    def ok(self) -> bool:
        return all(check.status != "FAIL" for check in self.checks)

    def render(self) -> str:
        lines = [f"salesnav-mcp {__version__} doctor"]
        width = max((len(check.name) for check in self.checks), default=0)
        section = None
        for check in self.checks:
            if check.section != section:
                section = check.section
                lines += ["", section]
            lines.append(f"  {check.status:<4}  {check.name:<{width}}  {check.detail}")
        failures = sum(check.status == "FAIL" for check in self.checks)
        lines += ["", "all checks passed" if not failures else f"{failures} check(s) failed"]
        return _mask("\n".join(lines), self.secrets)


def _mask(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def _set(value: SecretStr | str | None) -> str:
    return "set" if value else "not set"


def _public_url(url: str) -> str:
    """The URL without user info, query or fragment, which may carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _check_configuration(settings: Settings, report: Report) -> None:
    section = "Configuration"
    for label, secret, live, url in (
        ("CONNECTSAFELY_API_KEY", settings.connectsafely_api_key, settings.connectsafely_live,
         settings.connectsafely_base_url),
        ("LINKEDIN_ACCESS_TOKEN", settings.linkedin_access_token, settings.linkedin_live,
         settings.linkedin_api_base_url),
    ):  # fmt: skip
        mode = f"live against {_public_url(url)}" if live else "sandbox (simulated data, nothing reaches LinkedIn)"
        report.add(section, label, "ok" if live else "info", f"{_set(secret)}; {mode}")
    if settings.salesnav_sandbox:
        report.add(section, "SALESNAV_SANDBOX", "info", "on: every API runs on the sandbox, credentials or not")
    account = settings.salesnav_account_id
    report.add(section, "SALESNAV_ACCOUNT_ID", "info", account or "not set (the first connected account is used)")
    report.add(section, "SALESNAV_DATA_DIR", *_data_dir_status(settings.salesnav_data_dir))
    store_url = settings.salesnav_store_url.get_secret_value() if settings.salesnav_store_url else None
    store = f"set ({store_url.split(':', 1)[0]})" if store_url else "not set (SQLite file in the data directory)"
    report.add(section, "SALESNAV_STORE_URL", "info", store)
    report.add(
        section,
        "Guardrails",
        "info",
        f"monthly search budget {settings.salesnav_monthly_search_budget} "
        f"{'searches' if settings.salesnav_search_budget_unit == 'search' else 'pages walked'}, confirm mode "
        f"{settings.salesnav_confirm_mode}, dry run {'on' if settings.salesnav_dry_run else 'off'}",
    )
    for label, secret in (
        ("SALESNAV_CONFIRM_KEY", settings.salesnav_confirm_key),
        ("SALESNAV_STATE_KEY", settings.salesnav_state_key),
        ("SALESNAV_HTTP_TOKEN", settings.salesnav_http_token),
        ("SALESNAV_WEBHOOK_SECRET", settings.salesnav_webhook_secret),
    ):
        report.add(section, label, "info", _set(secret))
    if settings.salesnav_webhook_path:
        status: Status = "info" if settings.salesnav_webhook_secret else "FAIL"
        needs = "" if settings.salesnav_webhook_secret else " but SALESNAV_WEBHOOK_SECRET is not set"
        report.add(section, "SALESNAV_WEBHOOK_PATH", status, f"{settings.salesnav_webhook_path} (serve --http){needs}")


def _data_dir_status(path: Path) -> tuple[Status, str]:
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return "FAIL", f"{path} cannot be created: {existing} is not a directory"
    if not os.access(existing, os.W_OK):
        return "FAIL", f"{path} is not writable"
    return "ok", f"{path}{'' if path.exists() else ' (created on first start)'}"


async def _timed(call: Callable[[], Awaitable[str]], seconds: float) -> tuple[Status, str]:
    import anyio

    started = time.perf_counter()
    try:
        with anyio.fail_after(seconds):
            detail = await call()
    except TimeoutError:
        return "FAIL", f"no answer within {seconds:g} s"
    except Exception as exc:  # every failure is a finding to report, not a crash
        return "FAIL", f"{type(exc).__name__}: {exc}"
    return "ok", f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)"


async def _check_upstream(settings: Settings, report: Report, seconds: float) -> None:
    from salesnav_mcp.server.wiring import open_services

    section = "Upstream APIs"
    # One attempt each and the doctor's own timeout: a diagnosis should not sit in retry back-off.
    quick = settings.model_copy(update={"salesnav_retry_attempts": 1, "salesnav_http_timeout": seconds})
    try:
        async with open_services(quick) as services:
            report.add(section, "Store", "ok", "opened")

            async def accounts() -> str:
                found = await services.connectsafely.list_accounts()
                return f"answered: {len(found)} LinkedIn account(s) connected"

            async def contracts() -> str:
                found = await services.snap.list_contracts()
                return f"answered: {len(found.elements)} Sales Navigator contract(s)"

            for api, live, call in (
                (_Api("ConnectSafely", settings.connectsafely_base_url, "CONNECTSAFELY_BASE_URL",
                      DEFAULT_CONNECTSAFELY_BASE_URL), settings.connectsafely_live, accounts),
                (_Api("Partner API", settings.linkedin_api_base_url, "LINKEDIN_API_BASE_URL",
                      DEFAULT_LINKEDIN_API_BASE_URL), settings.linkedin_live, contracts),
            ):  # fmt: skip
                status, detail = await _timed(call, seconds)
                if status == "FAIL" and live:
                    detail = await _diagnose(api, detail, seconds)
                where = "live" if live else "sandbox, in process"
                report.add(section, f"{api.name} ({where})", status, detail)
    except Exception as exc:  # the services themselves did not open
        report.add(section, "Services", "FAIL", f"could not start: {type(exc).__name__}: {exc}")


async def _diagnose(api: _Api, failure: str, seconds: float) -> str:
    """What to fix when a live read failed: the base URL when it is wrong, else the failure, shortened."""
    import httpx2

    url = _public_url(api.base_url)
    if api.base_url.rstrip("/") == api.default:
        fix = f"check the network or proxy ({api.variable} is the default)"
    else:
        fix = f"check {api.variable} (it is {url}; the default is {api.default})"
    page: httpx2.Response | None = None
    try:
        async with httpx2.AsyncClient(timeout=seconds) as http:
            page = await http.get(api.base_url)
    except httpx2.ConnectError as exc:  # refused, unknown host, failed TLS handshake: the URL is the suspect
        return f"could not connect to {url} ({_connect_reason(exc)}); {fix}"
    except httpx2.HTTPError:
        pass  # the base URL is reachable enough; the read's own failure says more
    html = page is not None and "html" in page.headers.get("content-type", "").lower()
    if html or _HTML.search(failure):
        status = f" (HTTP {page.status_code})" if page is not None else ""
        return f"this does not look like the API: {url} answers with a web page{status}; {fix}"
    detail = " ".join(failure.split())
    return detail if len(detail) <= _DETAIL_LIMIT else detail[: _DETAIL_LIMIT - 1] + "…"


def _connect_reason(exc: BaseException) -> str:
    """The operating system's words for a failed connect ("connection refused"), found in the cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return str(seen.strerror).lower()
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno).lower()
        seen = seen.__cause__ or seen.__context__
    return str(exc)


async def run_checks(settings: Settings, seconds_per_check: float = 10.0) -> Report:
    report = Report()
    report.secrets = [
        secret.get_secret_value()
        for name in _SECRET_FIELDS
        if (secret := getattr(settings, name, None)) is not None and secret.get_secret_value()
    ]
    _check_configuration(settings, report)
    await _check_upstream(settings, report, seconds_per_check)
    return report


def configure_doctor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per upstream check (default 10)")


def run_doctor(args: argparse.Namespace) -> int:
    import anyio

    settings = load_settings()
    report = anyio.run(run_checks, settings, args.timeout)
    print(report.render())
    return EXIT_OK if report.ok else EXIT_FAILURE
