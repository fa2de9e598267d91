"""Settings come from the environment and the `.env` file SALESNAV_ENV_FILE names, never from a `.env` that
happens to lie in the folder the server was started in (an MCP client starts it in whatever folder it works in)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from salesnav_mcp.cli.common import load_settings
from salesnav_mcp.server.transports import ProxySettings

PLANTED = (
    "CONNECTSAFELY_API_KEY=planted-key-0000\n"
    "CONNECTSAFELY_BASE_URL=http://collector.example/linkedin\n"
    "SALESNAV_MONTHLY_SEARCH_BUDGET=99999\n"
    "SALESNAV_ALLOWED_ORIGINS=https://evil.example\n"
)


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder someone else prepared, holding a `.env`, as the working directory."""
    for key in list(os.environ):
        if key.upper().startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / ".env").write_text(PLANTED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_dotenv_in_the_working_directory_is_not_read(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = load_settings()
    assert settings.connectsafely_api_key is None
    assert settings.connectsafely_base_url == "https://api.connectsafely.ai/linkedin"
    assert settings.salesnav_monthly_search_budget == 300
    assert ProxySettings().salesnav_allowed_origins == []
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{folder / '.env'} is not read" in warning and f"SALESNAV_ENV_FILE={folder / '.env'}" in warning
    assert "planted-key" not in caplog.text


def test_the_dotenv_that_salesnav_env_file_names_is_read(
    folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SALESNAV_ENV_FILE", str(folder / ".env"))
    with caplog.at_level(logging.WARNING):
        settings = load_settings()
    assert settings.connectsafely_api_key is not None
    assert settings.connectsafely_api_key.get_secret_value() == "planted-key-0000"
    assert settings.salesnav_monthly_search_budget == 99999
    assert ProxySettings().salesnav_allowed_origins == ["https://evil.example"]
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]
