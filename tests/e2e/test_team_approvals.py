"""The team approval page: `/approvals` on replicas of `salesnav-mcp serve --http --stateless` sharing PostgreSQL.

A client with neither a dialog nor a review card gets its sends approved on this page. The agent
holds the user's bearer token, and that must not be enough: the page signs a human in only with
their approver secret. The human may sign in on another replica than the one whose call waits;
the decision acts once, and the audit trail names who decided where.
"""

from __future__ import annotations

import html
import json
import re
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.store.postgres import PostgresStore
from tests.support.processes import Running, isolated_env, mcp_http_server, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TOKENS = {"alice": "alice-bearer-token-5a1c9e0b77", "bob": "bob-bearer-token-2f8d6c4a13"}
SECRETS = {"alice": "alice-approver-secret-c3e91d", "bob": "bob-approver-secret-8b27fa"}
USERS = {
    "users": [
        {"name": "alice", "token": TOKENS["alice"], "approver_secret": SECRETS["alice"], "accounts": "*"},
        {"name": "bob", "token": TOKENS["bob"], "approver_secret": SECRETS["bob"], "accounts": [DEFAULT_ACCOUNT_ID]},
    ]
}


@dataclass
class Team:
    sandbox: Running
    replicas: list[Running]
    store_url: str


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, pg_schema: str) -> Iterator[Team]:
    workdir = tmp_path_factory.mktemp("approvals")
    users_file = workdir / "users.json"
    users_file.write_text(json.dumps(USERS))
    with ExitStack() as stack:
        sandbox = stack.enter_context(sandbox_server(workdir / "sandbox", isolated_env(workdir / "sandbox")))
        env = isolated_env(
            workdir,
            CONNECTSAFELY_API_KEY="fake-key",
            CONNECTSAFELY_BASE_URL=f"{sandbox.base_url}/linkedin",
            LINKEDIN_ACCESS_TOKEN="fake-token",
            LINKEDIN_API_BASE_URL=f"{sandbox.base_url}/v2",
            SALESNAV_STORE_URL=pg_schema,
            SALESNAV_USERS_FILE=str(users_file),
            SALESNAV_STATE_KEY="approvals-state-key-shared-by-replicas-0123456789",
            SALESNAV_CONFIRM_MODE="auto",
            SALESNAV_APPROVAL_WAIT="60",
        )
        replicas = [stack.enter_context(mcp_http_server(workdir / name, env, "--stateless")) for name in "ab"]
        yield Team(sandbox, replicas, pg_schema)
        for running in [*replicas, sandbox]:
            if running.process.poll() is None:
                running.process.send_signal(signal.SIGTERM)
        for running in [*replicas, sandbox]:
            running.process.wait(10)


def mcp_client(replica: Running, user: str) -> tuple[httpx2.AsyncClient, Any]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKENS[user]}"}, timeout=httpx2.Timeout(90.0))
    return http, Client(streamable_http_client(replica.mcp_url, http_client=http))


async def draft_to_lead(replica: Running, user: str, text: str, account: str) -> dict[str, Any]:
    http, client = mcp_client(replica, user)
    async with http, client:
        found = await client.call_tool(
            "search_leads", {"filters": {"keywords": text.split()[0]}, "max_results": 1, "account_id": account}
        )
        assert not found.is_error, found.content
        lead = found.structured_content["leads"][0]["profile_id"]
        drafted = await client.call_tool("draft_message", {"recipient": lead, "text": text, "account_id": account})
        assert not drafted.is_error, drafted.content
        return {"draft_id": drafted.structured_content["draft_id"], "result": drafted}


async def send_and_wait(replica: Running, user: str, draft_id: str) -> Any:
    http, client = mcp_client(replica, user)
    async with http, client:
        return await client.call_tool("send_message", {"draft_id": draft_id})


def sent_with(team: Team, text: str) -> list[dict[str, Any]]:
    state = httpx2.get(f"{team.sandbox.base_url}/_sandbox/state", timeout=10).json()
    return [m for m in state["sentMessages"] if m["text"] == text]


def forms(page: str) -> list[dict[str, str]]:
    """The decision forms of an approval page, as the hidden fields a browser would post."""
    found = []
    for form in re.findall(r'<form class="decide".*?</form>', page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
        found.append({k: html.unescape(v) for k, v in fields.items()})
    return found


@asynccontextmanager
async def sign_in(replica: Running, user: str, secret: str) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(base_url=replica.base_url, timeout=30) as browser:
        response = await browser.post("/approvals/login", data={"name": user, "secret": secret})
        assert response.status_code == 303 and "salesnav_approver" in browser.cookies
        yield browser


async def wait_for_form(browser: httpx2.AsyncClient, text: str) -> tuple[str, dict[str, str]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = (await browser.get("/approvals")).text
        if html.escape(text) in page:
            return page, forms(page)[0]
        await anyio.sleep(0.2)
    raise AssertionError(f"the approval page never showed {text!r}")


async def test_the_agents_bearer_token_approves_nothing(team: Team) -> None:
    text = "Chief greetings from the agent that tries to approve itself"
    draft = await draft_to_lead(team.replicas[0], "alice", text, SECOND_SALES_NAV_ACCOUNT_ID)

    async with anyio.create_task_group() as tg:
        results: list[Any] = []

        async def send() -> None:
            results.append(await send_and_wait(team.replicas[0], "alice", draft["draft_id"]))

        tg.start_soon(send)
        bearer = {"Authorization": f"Bearer {TOKENS['alice']}"}
        async with httpx2.AsyncClient(base_url=team.replicas[1].base_url, headers=bearer, timeout=30) as agent:
            page = (await agent.get("/approvals")).text
            assert "approver secret" in page and html.escape(text) not in page  # the token signs nobody in
            wrong = await agent.post("/approvals/login", data={"name": "alice", "secret": TOKENS["alice"]})
            assert "Not+signed+in" in wrong.headers["location"]
            assert "set-cookie" not in wrong.headers
            # Whatever it fills in, a decision without a session is refused.
            guessed = {"approval_id": "x", "content_hash": "y", "csrf": "z", "decision": "approve"}
            assert (await agent.post("/approvals/decide", data=guessed)).status_code == 403
            agent.cookies.set("salesnav_approver", "eyJ1IjoiYWxpY2UiLCJleHAiOjk5OTk5OTk5OTl9.forged")
            assert (await agent.post("/approvals/decide", data=guessed)).status_code == 403

        # The human rejects it; the waiting call returns and nothing went out.
        async with sign_in(team.replicas[1], "alice", SECRETS["alice"]) as human:
            _, form = await wait_for_form(human, text)
            done = await human.post("/approvals/decide", data={**form, "decision": "reject"})
            assert done.status_code == 303
    assert results[0].structured_content["outcome"] == "rejected"
    # The model is told where the human signs in: a page that grants nothing by itself.
    assert f"{team.replicas[0].base_url}/approvals" in results[0].content[0].text
    assert sent_with(team, text) == []


async def test_approved_on_another_replica_it_is_sent_once(team: Team) -> None:
    text = "Chief hello approved on the other replica"
    draft = await draft_to_lead(team.replicas[0], "alice", text, SECOND_SALES_NAV_ACCOUNT_ID)
    results: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def send() -> None:
            results.append(await send_and_wait(team.replicas[0], "alice", draft["draft_id"]))

        tg.start_soon(send)
        # Bob is not granted that account: his page does not show it.
        async with (
            sign_in(team.replicas[1], "bob", SECRETS["bob"]) as bob,
            sign_in(team.replicas[1], "alice", SECRETS["alice"]) as alice,
        ):
            page, form = await wait_for_form(alice, text)
            assert html.escape(text) not in (await bob.get("/approvals")).text
            # A post from another origin is refused even with the session.
            cross = await alice.post(
                "/approvals/decide", data={**form, "decision": "approve"}, headers={"Origin": "https://evil.example"}
            )
            assert cross.status_code == 403
            # Bob's session with Alice's form decides nothing (its CSRF token is bound to her session).
            assert (await bob.post("/approvals/decide", data={**form, "decision": "approve"})).status_code == 403
            assert sent_with(team, text) == []
            first = await alice.post("/approvals/decide", data={**form, "decision": "approve"})
            again = await alice.post("/approvals/decide", data={**form, "decision": "approve"})
            assert first.status_code == again.status_code == 303
            assert "already" in html.unescape(again.headers["location"]).replace("+", " ").lower()
    assert results[0].structured_content["outcome"] == "sent", results[0].content
    assert len(sent_with(team, text)) == 1
    approval_id = results[0].structured_content["approval_id"]
    async with await PostgresStore.open(team.store_url, pool_size=1) as store:
        trail = await store.list_audit(limit=1000, kinds=["approval.decided"])
    decided = [(e.actor, e.details["surface"], e.details["result"]) for e in trail if e.details["approval_id"] == approval_id]
    assert decided == [("alice", "approval_page", "decided"), ("alice", "approval_page", "not_pending")]


async def test_signing_in_needs_the_approver_secret_of_that_very_user(team: Team) -> None:
    async with httpx2.AsyncClient(base_url=team.replicas[0].base_url, timeout=30) as browser:
        for name, secret in [("alice", SECRETS["bob"]), ("mallory", SECRETS["alice"]), ("alice", "")]:
            response = await browser.post("/approvals/login", data={"name": name, "secret": secret})
            assert "Not+signed+in" in response.headers["location"] and "set-cookie" not in response.headers
        elsewhere = await browser.post(
            "/approvals/login",
            data={"name": "alice", "secret": SECRETS["alice"]},
            headers={"Origin": "https://evil.example"},
        )
        assert elsewhere.status_code == 403
        # The page's own note shows; a note written into a link by anyone else does not.
        refused = await browser.post("/approvals/login", data={"name": "alice", "secret": "wrong-secret-0000000"})
        shown = await browser.get(refused.headers["location"])
        assert "Not signed in: unknown name or wrong secret." in shown.text
        forged = "Approve the request below: it is the one to Bob you asked for."
        for query in ({"note": forged}, {"note": forged, "ns": "x" * 43}):
            assert forged not in (await browser.get("/approvals", params=query)).text
    async with sign_in(team.replicas[0], "alice", SECRETS["alice"]) as human:
        assert forged not in (await human.get("/approvals", params={"note": forged})).text


async def test_a_connection_request_approved_on_the_page_goes_out_once_with_that_note(team: Team) -> None:
    note = "Chief, connecting from the team page: <b>not markup</b>"
    account = SECOND_SALES_NAV_ACCOUNT_ID
    http, client = mcp_client(team.replicas[0], "alice")
    async with http, client:
        found = await client.call_tool(
            "search_leads", {"filters": {"keywords": "Chief"}, "max_results": 25, "account_id": account}
        )
        assert not found.is_error, found.content
        for lead in found.structured_content["leads"]:
            drafted = await client.call_tool(
                "draft_message",
                {"recipient": lead["profile_id"], "text": note, "channel": "invitation", "account_id": account},
            )
            if not drafted.is_error:  # connected or already invited people are refused; the next one is not
                break
        else:
            pytest.fail("no lead in the results could be invited")
    draft_id, profile_id = drafted.structured_content["draft_id"], lead["profile_id"]
    before = httpx2.get(f"{team.sandbox.base_url}/_sandbox/state", timeout=10).json()["connectRequests"].get(account, 0)

    results: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def send() -> None:
            results.append(await send_and_wait(team.replicas[0], "alice", draft_id))

        tg.start_soon(send)
        async with sign_in(team.replicas[1], "alice", SECRETS["alice"]) as alice:
            page, form = await wait_for_form(alice, note)
            # The human sees what it is, and the note as text exactly as it goes out.
            assert "Send this LinkedIn connection request?" in page
            assert "LinkedIn connection request" in page and "<b>not markup</b>" not in page
            done = await alice.post("/approvals/decide", data={**form, "decision": "approve"})
            assert done.status_code == 303
    assert results[0].structured_content["outcome"] == "sent", results[0].content
    state = httpx2.get(f"{team.sandbox.base_url}/_sandbox/state", timeout=10).json()
    assert state["connectRequests"][account] == before + 1
    mine = [i for i in state["invitations"] if i["accountId"] == account and i["note"] == note]
    assert [i["profileId"] for i in mine] == [profile_id]
