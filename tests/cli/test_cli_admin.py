"""The operator commands and the demo, through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from salesnav_mcp.cli import main
from salesnav_mcp.cli.admin import open_guardrails
from salesnav_mcp.config import Settings
from tests.support.store import someone

CANARY = "sk-canary-1f2e3d4c5b6a"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALESNAV_SANDBOX", "1")
    monkeypatch.setenv("CONNECTSAFELY_API_KEY", CANARY)
    monkeypatch.delenv("SALESNAV_STORE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dnc_add_list_remove(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dnc", "add", "jane-doe-123", "--reason", "asked us to stop"]) == 0
    assert main(["dnc", "list"]) == 0
    assert "jane-doe-123\t" in capsys.readouterr().out
    assert main(["dnc", "remove", "jane-doe-123"]) == 0
    assert main(["dnc", "list"]) == 0
    assert "jane-doe-123\t" not in capsys.readouterr().out.split("removed")[-1]
    assert main(["dnc", "add"]) == 2


def test_budget_and_audit_export_without_secrets(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dnc", "add", "someone-1"]) == 0
    assert main(["budget", "--json"]) == 0
    budgets = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert len(budgets) == 4 and all(b["used"] == 0 and b["limit"] == 300 for b in budgets)
    out = env / "audit.csv"
    assert main(["audit", "--format", "csv", "--output", str(out)]) == 0
    exported = out.read_text()
    assert exported.startswith("id,at,account_id,actor,kind,details")
    assert "dnc" in exported and CANARY not in exported
    assert main(["audit"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert lines and all(CANARY not in json.dumps(line) for line in lines)


def test_drafts_resolve_refuses_a_draft_that_is_not_unknown(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    async def make() -> str:
        async with open_guardrails(settings) as guards:
            result = await guards.drafts.create(
                account_id="5f0c0a1b2c3d4e5f6a7b8c90",
                recipient=someone("jane-doe-123"),
                channel="linkedin_inbox",
                text="Hello",
                is_new_conversation=True,
            )
            return result.draft.id

    draft_id = anyio.run(make)
    assert main(["drafts", "list"]) == 0
    assert draft_id in capsys.readouterr().out
    assert main(["drafts", "resolve", draft_id, "sent"]) == 2
    assert "unknown" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_runs_a_confirmed_prospecting_session(tmp_path: Path) -> None:
    env: dict[str, Any] = {
        k: v for k, v in os.environ.items() if not k.startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_"))
    }
    env["CONNECTSAFELY_API_KEY"] = CANARY  # the demo must drop it and stay on the sandbox
    done = subprocess.run(
        [sys.executable, "-m", "salesnav_mcp", "demo"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Spent 1 search" in out
    assert "dialog shown to the user" in out and "the user clicks: Accept" in out
    assert "Sent draft" in out and "already sent; nothing sent again" in out
    assert "Budget: 1/300" in out
    # The client without a dialog: the person approves on the approval page, whose address the model never sees.
    page = out.split("approval page in the user's browser", 1)[1]
    assert page.count("Sent draft") == 1 and "the user clicks: Send" in page
    assert "http://127.0.0.1" not in out
    assert CANARY not in out + done.stderr
