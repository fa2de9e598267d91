"""Over HTTP, a send and a search past the budget warning get their confirmation dialog wherever the
connection can carry one. Where it cannot (stateless HTTP on protocol 2025-11-25, which has no way
back to the client) they wait for the approval page by default; in client confirmation mode the
refusal says why no dialog came and what to use, not that the client cannot show a dialog.

`salesnav-mcp serve --http` runs as a subprocess, stateful and `--stateless`; the SDK client connects in
both protocol modes and declares elicitation; its human declines, so nothing is ever sent or spent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client
from mcp_types import ElicitResult

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from tests.support.processes import Running, isolated_env, mcp_http_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

# One search each, then the next one needs the user's agreement (1 of 2 reaches the 50% line).
BUDGET = {"SALESNAV_MONTHLY_SEARCH_BUDGET": "2", "SALESNAV_BUDGET_WARN_RATIO": "0.5"}
# Each protocol mode works as its own LinkedIn account, so the two share a server but not a budget.
ACCOUNT = {"auto": DEFAULT_ACCOUNT_ID, "legacy": SECOND_SALES_NAV_ACCOUNT_ID}
NO_WAY_BACK = (
    "this connection cannot carry a confirmation dialog: stateless HTTP on protocol 2025-11-25 has no way back to "
    "the client (for the dialog, connect with protocol 2026-07-28 or a stateful session)"
)


@pytest.fixture(scope="module", params=["stateful", "stateless", "stateless-client-mode"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp(request.param)
    extra = ["--stateless"] if request.param.startswith("stateless") else []
    mode = "client" if request.param.endswith("client-mode") else "auto"
    env = isolated_env(workdir, **BUDGET, SALESNAV_CONFIRM_MODE=mode, SALESNAV_APPROVAL_WAIT="0")
    with mcp_http_server(workdir, env, *extra) as running:
        running.confirm_mode = mode  # type: ignore[attr-defined]
        yield running


class DecliningHuman:
    """Declines every dialog and keeps what it was shown."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        self.shown.append(params.message)
        return ElicitResult(action="decline")


def text(result: Any) -> str:
    return result.content[0].text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_dialog_comes_where_the_connection_carries_it_and_the_refusal_says_why_where_not(
    server: Running, mode: str
) -> None:
    no_way_back = "--stateless" in server.process.args and mode == "legacy"
    account = ACCOUNT[mode]
    human = DecliningHuman()
    async with Client(server.mcp_url, mode=mode, elicitation_callback=human) as client:
        first = await client.call_tool("search_leads", {"filters": {"seniority": ["CXO"]}, "account_id": account})
        assert not first.is_error, text(first)
        lead = first.structured_content["leads"][0]["profile_id"]

        spend = await client.call_tool("search_leads", {"filters": {"seniority": ["VP"]}, "account_id": account})
        assert spend.is_error
        draft = await client.call_tool(
            "draft_message", {"recipient": lead, "text": "Hello, a short question.", "account_id": account}
        )
        assert not draft.is_error, text(draft)
        sent = await client.call_tool("send_message", {"draft_id": draft.structured_content["draft_id"]})

        replies = [text(spend), text(draft), text(sent)]
        assert not any("this client cannot" in reply for reply in replies), replies
        if no_way_back and server.confirm_mode == "auto":  # type: ignore[attr-defined]
            assert human.shown == []
            assert "approval page" in text(spend) and spend.is_error
            assert sent.structured_content["outcome"] == "awaiting_approval" and "approval page" in text(sent)
            assert draft.structured_content["confirmation_token"] is None
        elif no_way_back:
            assert human.shown == [] and sent.is_error
            assert f"No dialog was shown: {NO_WAY_BACK}. Ask the user" in text(spend)
            assert f"No confirmation dialog here: {NO_WAY_BACK}." in text(draft)
            assert text(sent).endswith(f"Not sent: {NO_WAY_BACK}. Show the user the draft (recipient and exact "
                                       "text); only if they approve, call send_message again with "
                                       "confirmation_token, recipient and text.")  # fmt: skip
            assert draft.structured_content["confirmation_token"]
        else:
            assert sent.is_error
            assert len(human.shown) == 2  # the spend, then the send
            assert human.shown[0].endswith('\nSearch: {"seniority": ["Vice President"]}')  # which search it is for
            assert "did not agree" in text(spend) and "declined" in text(sent)
            assert NO_WAY_BACK not in " ".join(replies)
