"""`salesnav-mcp doctor`: check the configuration and that both upstream APIs answer.

Each API is checked with one cheap read through the same wiring the server uses: a live API
over the network, a simulated one in process. The report shows whether each secret is set,
never any part of its value; as a last guard every configured secret value is masked in the text.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

from salesnav_mcp import __version__
from salesnav_mcp.cli.common import EXIT_FAILURE, EXIT_OK, load_settings
from salesnav_mcp.config import Settings

Status = Literal["ok", "info", "warn", "FAIL"]
_SECRET_FIELDS = (
    "connectsafely_api_key",
    "linkedin_access_token",
    "salesnav_confirm_key",
    "salesnav_http_token",
    "salesnav_state_key",
)


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
        f"monthly search budget {settings.salesnav_monthly_search_budget}, confirm mode "
        f"{settings.salesnav_confirm_mode}, dry run {'on' if settings.salesnav_dry_run else 'off'}",
    )
    for label, secret in (
        ("SALESNAV_CONFIRM_KEY", settings.salesnav_confirm_key),
        ("SALESNAV_STATE_KEY", settings.salesnav_state_key),
        ("SALESNAV_HTTP_TOKEN", settings.salesnav_http_token),
    ):
        report.add(section, label, "info", _set(secret))


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

            for name, live, call in (
                ("ConnectSafely", settings.connectsafely_live, accounts),
                ("Partner API", settings.linkedin_live, contracts),
            ):
                status, detail = await _timed(call, seconds)
                where = "live" if live else "sandbox, in process"
                report.add(section, f"{name} ({where})", status, detail)
    except Exception as exc:  # the services themselves did not open
        report.add(section, "Services", "FAIL", f"could not start: {type(exc).__name__}: {exc}")


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
