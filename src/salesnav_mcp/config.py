"""Configuration from the environment (and the `.env` file that SALESNAV_ENV_FILE names, if any).

Each upstream API runs live only when its credential is set and the sandbox is
not forced; otherwise it runs on the embedded sandbox, and every result says so.
Secrets are `SecretStr`: their values never appear in repr, logs or errors.

The working directory's `.env` is never read by itself: an MCP client starts the server
in whatever folder it works in (a cloned repository, say), and a `.env` there could send
the API key to another address, widen the budget or loosen the approvals.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CONNECTSAFELY_BASE_URL = "https://api.connectsafely.ai/linkedin"
DEFAULT_LINKEDIN_API_BASE_URL = "https://api.linkedin.com/v2"
ENV_FILE_VARIABLE = "SALESNAV_ENV_FILE"


class FromEnvironment(BaseSettings):
    """Settings from the environment and, only when SALESNAV_ENV_FILE names one, a `.env` file."""

    model_config = SettingsConfigDict(env_file=None, env_file_encoding="utf-8", extra="ignore")

    def __init__(self, **values: Any) -> None:
        values.setdefault("_env_file", os.environ.get(ENV_FILE_VARIABLE) or None)
        super().__init__(**values)


def ignored_env_file() -> Path | None:
    """The working directory's `.env` when it exists and is not the one SALESNAV_ENV_FILE names (worth a word)."""
    here = Path(".env")
    named = os.environ.get(ENV_FILE_VARIABLE)
    if not here.is_file() or (named and Path(named).resolve() == here.resolve()):
        return None
    return here.resolve()


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("salesnav-mcp", appauthor=False))


def _seconds(value: object) -> object:
    """Durations from the environment: plain seconds ("900") as well as ISO-8601 ("PT15M")."""
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return float(value)
    return value


def _empty_is_unset(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Duration = Annotated[timedelta, BeforeValidator(_seconds)]
# A credential or address that an empty variable leaves unset.
Secret = Annotated[SecretStr | None, BeforeValidator(_empty_is_unset)]


class Settings(FromEnvironment):

    # Credentials and endpoints.
    connectsafely_api_key: Secret = None
    connectsafely_base_url: str = DEFAULT_CONNECTSAFELY_BASE_URL
    linkedin_access_token: Secret = None
    linkedin_api_base_url: str = DEFAULT_LINKEDIN_API_BASE_URL
    # The LinkedIn app's Client ID (not a secret): the apiKey of the embedded-profile iframe.
    linkedin_client_id: str | None = None

    # Defaults and storage.
    salesnav_account_id: str | None = None
    salesnav_data_dir: Path = Field(default_factory=_default_data_dir)
    # May carry a database password, so it is kept like a secret (never in reprs or logs).
    salesnav_store_url: Secret = None
    # Most connections one server process keeps to a PostgreSQL store (SQLite ignores it).
    salesnav_store_pool_size: int = Field(default=10, ge=1, le=100)
    salesnav_sandbox: bool = False
    salesnav_sandbox_seed: int = 7

    # HTTP behaviour towards upstream.
    salesnav_http_timeout: float = Field(default=30.0, gt=0)
    salesnav_retry_max_wait: float = Field(default=60.0, ge=0, description="Bound on total retry sleep per call (s).")
    salesnav_retry_attempts: int = Field(default=4, ge=1, le=10)

    # Guardrails.
    salesnav_monthly_search_budget: int = Field(default=300, ge=0)
    # What one unit of that budget is: a distinct search with all its pages, or each page walked
    # (upstream does not say which it counts; `page` is the cautious reading).
    salesnav_search_budget_unit: Literal["search", "page"] = "search"
    salesnav_search_cache_ttl: Duration = timedelta(hours=24)
    salesnav_budget_warn_ratio: float = Field(default=0.8, ge=0, le=1)
    salesnav_search_per_minute: int = Field(default=30, ge=1, description="Upstream per-account search limit.")
    salesnav_search_per_day: int = Field(default=1000, ge=1)
    # auto: the client's dialog, else a review card, else the local approval page; strict: the dialog only;
    # client: the dialog, else a token the model passes back (the client's own tool approval is the check).
    salesnav_confirm_mode: Literal["auto", "strict", "client"] = "auto"
    salesnav_confirm_key: SecretStr | None = None
    salesnav_confirm_ttl: Duration = timedelta(minutes=15)
    # How long a tool call waits for the human's decision in a review card or page before it returns.
    salesnav_approval_wait: Duration = timedelta(seconds=60)
    # A request for approval nobody decided lapses after this.
    salesnav_approval_ttl: Duration = timedelta(hours=24)
    # Open the local approval page in the user's browser when something waits for approval.
    salesnav_approval_browser: bool = True
    # Most items one review may hold, and the pause between the sends of a batch.
    salesnav_review_max: int = Field(default=25, ge=1, le=100)
    salesnav_send_interval: Duration = timedelta(seconds=2)
    salesnav_dry_run: bool = False
    salesnav_daily_new_conversations: int = Field(default=100, ge=0, le=149)
    salesnav_duplicate_window: Duration = timedelta(days=7)
    # Connection requests per account per week (Monday 00:00 UTC to Monday): at most upstream's 90, lower
    # by default since invitations sent on LinkedIn itself count there too.
    salesnav_weekly_invitations: int = Field(default=80, ge=0, le=90)
    # A draft left in `sending` this long (its process died mid-send) is reported as `unknown`.
    salesnav_sending_timeout: Duration = timedelta(minutes=5)
    # A search reservation whose process died stops counting against the budget after this long.
    salesnav_reservation_timeout: Duration = timedelta(minutes=10)
    # Distinct profiles one account may fetch from LinkedIn per rolling 24 h (upstream: 120).
    salesnav_profile_views_per_day: int = Field(default=120, ge=1, le=120)
    # A researched profile is served from the store this long (upstream caches profiles for 6 h too).
    salesnav_profile_cache_ttl: Duration = timedelta(hours=6)

    # ConnectSafely's `message.received` webhook, received by `serve --http` at this path (unset: off),
    # signed with this secret (the one shown in the vendor's dashboard).
    salesnav_webhook_path: Annotated[str | None, BeforeValidator(_empty_is_unset)] = None
    salesnav_webhook_secret: Secret = None

    # Sandbox only: replies to sent messages arrive after this delay instead of the simulated 15 min - 48 h,
    # and with this probability instead of 35% (the demo sees a reply at once with these).
    salesnav_sandbox_reply_delay: Duration | None = None
    salesnav_sandbox_reply_share: float | None = Field(default=None, ge=0, le=1)

    # Files the upload_attachment tool may read by path (unset: upload by content only).
    salesnav_attachments_dir: Path | None = None

    # HTTP transport of the MCP server itself.
    salesnav_http_token: Secret = None
    # Shared key (>= 32 bytes) sealing the SDK's requestState, so a multi-round-trip call (elicitation)
    # started on one replica completes on another; unset: a per-process key.
    salesnav_state_key: SecretStr | None = None
    # Named users of the HTTP transport (JSON or TOML): each user's bearer token (or its sha256) and the
    # LinkedIn account ids granted to them ("*" for all). Replaces the single SALESNAV_HTTP_TOKEN.
    salesnav_users_file: Path | None = None

    @field_validator("salesnav_account_id")
    @classmethod
    def _one_spelling(cls, value: str | None) -> str | None:
        """Account ids are hex: one spelling, so budgets and caps keyed by the id count every call."""
        return value.strip().lower() or None if value else value

    @field_validator("salesnav_confirm_mode", mode="before")
    @classmethod
    def _earlier_mode_names(cls, value: object) -> object:
        """Earlier names: `elicit` (dialog, else token) is now `client` when kept on purpose; `token` too."""
        return {"elicit": "client", "token": "client"}.get(value, value) if isinstance(value, str) else value

    @field_validator("salesnav_webhook_path")
    @classmethod
    def _webhook_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = value.strip()
        if not path.startswith("/") or path.rstrip("/") in ("", "/mcp") or any(c in path for c in "?# "):
            raise ValueError("must be a path such as /webhooks/connectsafely (not / or /mcp, no query)")
        return path

    @property
    def connectsafely_live(self) -> bool:
        return self.connectsafely_api_key is not None and not self.salesnav_sandbox

    @property
    def linkedin_live(self) -> bool:
        return self.linkedin_access_token is not None and not self.salesnav_sandbox

    @property
    def sandbox(self) -> bool:
        """True when any API runs on the embedded sandbox."""
        return not (self.connectsafely_live and self.linkedin_live)

    def mode_summary(self) -> str:
        def one(name: str, live: bool) -> str:
            return f"{name}: {'live' if live else 'SANDBOX (simulated data, nothing reaches LinkedIn)'}"

        return "; ".join([one("ConnectSafely", self.connectsafely_live), one("Partner API", self.linkedin_live)])


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
