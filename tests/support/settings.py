"""Settings for tests, built from keyword arguments only: never from the machine's environment or a .env file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from salesnav_mcp.config import Settings

# Every setting a test may depend on, at its default, so an exported SALESNAV_* variable cannot change a test.
PINNED: dict[str, Any] = {
    "salesnav_store_url": None,
    "salesnav_monthly_search_budget": 300,
    "salesnav_budget_warn_ratio": 0.8,
    "salesnav_search_per_minute": 30,
    "salesnav_search_per_day": 1000,
    "salesnav_confirm_mode": "client",
    # No browser opens in a test.
    "salesnav_approval_browser": False,
    "salesnav_confirm_key": None,
    "salesnav_dry_run": False,
    "salesnav_daily_new_conversations": 100,
    "salesnav_weekly_invitations": 80,
    "salesnav_http_timeout": 30.0,
    "salesnav_retry_attempts": 4,
    "salesnav_retry_max_wait": 60.0,
    "connectsafely_api_key": None,
    "linkedin_access_token": None,
}

# The in-process server on the embedded sandbox, with the pace limits out of the way (tools/, server/).
SANDBOX_SERVER: dict[str, Any] = {
    "salesnav_sandbox": True,
    "salesnav_search_per_minute": 10_000,
    "salesnav_search_per_day": 100_000,
    # The default confirmation mode; a call waiting for a human's decision returns at once.
    "salesnav_confirm_mode": "auto",
    "salesnav_approval_wait": 0,
}


def make_settings(data_dir: Path | None = None, /, *presets: Mapping[str, Any], **overrides: Any) -> Settings:
    """PINNED, data under `data_dir` (None: the platform default), then each preset, then `overrides`.

    `make_settings(tmp_path, SANDBOX_SERVER, salesnav_confirm_mode="strict")`
    """
    values: dict[str, Any] = dict(PINNED)
    if data_dir is not None:
        values["salesnav_data_dir"] = data_dir
    for preset in presets:
        values.update(preset)
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
