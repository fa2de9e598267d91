"""`salesnav-mcp demo` plays the whole prospecting loop over stdio: search (also without a seat), research, draft,
the user's approval, the reply seen and marked, and a connection request approved the same way."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_the_demo_goes_from_search_to_the_reply(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_"))}
    done = subprocess.run(
        [sys.executable, "-m", "salesnav_mcp", "demo"], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    steps = [
        "» search_leads(",
        "[plain LinkedIn search, no budget spent]",
        "» research_lead(",
        "Profile views: 1/120 in the last 24 h",
        "» research_company(",
        "» draft_message(",
        "the user clicks: Accept",
        "Sent draft",
        "» check_replies(",
        "» draft_follow_ups(",
        "Action: LinkedIn connection request",
        "Send this LinkedIn connection request?",
        "» list_invitations(",
    ]
    positions = [out.find(step) for step in steps]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), dict(zip(steps, positions, strict=True))
    draft_id = re.search(r"Sent draft (d_[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    assert f"(answers {draft_id})" in out and "1 sent draft(s) answered" in out
    assert "0 person(s) due for a follow-up" in out
    assert "Budget: 1/300" in out  # the plain search spent nothing
