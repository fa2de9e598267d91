"""Team deployment: three `salesnav-mcp serve --http --stateless` replicas share one PostgreSQL schema.

A standalone sandbox plays both upstream APIs for all three (they run "live" against it, so
what it received is what LinkedIn would have received). Named users from a users file call
the replicas with their own bearer tokens. Every guardrail must hold across the replicas:
the budget, the at-most-once send, a replica killed mid-send, and one audit trail naming the user.
(How `serve` refuses an unusable team configuration is tested in-process in tests/cli/test_serve_configuration.py.)
"""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, ENTERPRISE_CONTRACT, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.store.postgres import PostgresStore
from tests.support.processes import Running, isolated_env, mcp_http_server, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BUDGET = 25
SEARCHES = 200
TOKENS = {
    "alice": "alice-team-token-6b0d4e2a91",
    "bob": "bob-team-token-1c7f3a9e54",
    "carol": "carol-team-token-84e2c07d13",
}
USERS = {
    "users": [
        {"name": "alice", "token": TOKENS["alice"], "accounts": "*"},
        {"name": "bob", "token": TOKENS["bob"], "accounts": [DEFAULT_ACCOUNT_ID]},
        {
            "name": "carol",
            "token": TOKENS["carol"],
            "accounts": [SECOND_SALES_NAV_ACCOUNT_ID],
            "contracts": [ENTERPRISE_CONTRACT],
        },
    ]
}


@dataclass
class Team:
    sandbox: Running
    replicas: list[Running]
    store_url: str


def team_env(workdir: Path, sandbox_url: str, store_url: str, **extra: str) -> dict[str, str]:
    users_file = workdir / "users.json"
    users_file.parent.mkdir(parents=True, exist_ok=True)
    users_file.write_text(json.dumps(USERS))
    return isolated_env(
        workdir,
        CONNECTSAFELY_API_KEY="fake-key",
        CONNECTSAFELY_BASE_URL=f"{sandbox_url}/linkedin",
        LINKEDIN_ACCESS_TOKEN="fake-token",
        LINKEDIN_API_BASE_URL=f"{sandbox_url}/v2",
        SALESNAV_STORE_URL=store_url,
        SALESNAV_USERS_FILE=str(users_file),
        SALESNAV_STATE_KEY="team-state-key-shared-by-all-replicas-0123456789",
        SALESNAV_CONFIRM_KEY="team-confirm-key-shared-by-all-replicas-987654",
        SALESNAV_CONFIRM_MODE="client",
        SALESNAV_MONTHLY_SEARCH_BUDGET=str(BUDGET),
        SALESNAV_BUDGET_WARN_RATIO="1.0",
        SALESNAV_SENDING_TIMEOUT="2",
        SALESNAV_HTTP_TIMEOUT="60",
        **extra,
    )


def start_replica(workdir: Path, env: dict[str, str]) -> tuple[ExitStack, Running]:
    stack = ExitStack()
    try:
        return stack, stack.enter_context(mcp_http_server(workdir, env, "--stateless"))
    except BaseException:
        stack.close()
        raise


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, pg_schema: str) -> Iterator[Team]:
    workdir = tmp_path_factory.mktemp("team")
    with ExitStack() as stack:
        sandbox = stack.enter_context(sandbox_server(workdir / "sandbox", isolated_env(workdir / "sandbox")))
        env = team_env(workdir, sandbox.base_url, pg_schema)
        # All three start at once, as replicas of a deployment do: the schema is migrated exactly once.
        with ThreadPoolExecutor(3) as pool:
            started = list(pool.map(lambda name: start_replica(workdir / name, env), "abc"))
        for replica_stack, _ in started:
            stack.enter_context(replica_stack)
        replicas = [running for _, running in started]
        yield Team(sandbox, replicas, pg_schema)
        # Stop everything together rather than one after the other. The sandbox gets a second signal
        # (stop at once): the upstream call of the killed replica still hangs in it.
        for running in [*replicas, sandbox, sandbox]:
            if running.process.poll() is None:
                running.process.send_signal(signal.SIGTERM)
                time.sleep(0.1)
        for running in [*replicas, sandbox]:
            running.process.wait(10)


@asynccontextmanager
async def client_of(replica: Running, user: str = "alice") -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {TOKENS[user]}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(90.0)) as http,
        Client(streamable_http_client(replica.mcp_url, http_client=http)) as client,
    ):
        yield client


def sandbox_state(sandbox: Running) -> dict[str, Any]:
    with urllib.request.urlopen(f"{sandbox.base_url}/_sandbox/state", timeout=10) as response:
        return json.loads(response.read())


def set_faults(sandbox: Running, rules: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"{sandbox.base_url}/_sandbox/faults",
        data=json.dumps(rules).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def sent_with(team: Team, text: str) -> list[dict[str, Any]]:
    return [m for m in sandbox_state(team.sandbox)["sentMessages"] if m["text"] == text]


async def audit_of(team: Team, **filters: Any) -> list[Any]:
    async with await PostgresStore.open(team.store_url, pool_size=1) as store:
        return await store.list_audit(limit=10_000, **filters)


async def recipients(client: Client, count: int) -> list[str]:
    found = await client.call_tool(
        "search_leads",
        {"filters": {"seniority": ["CXO"]}, "max_results": count, "page_size": count, "account_id": DEFAULT_ACCOUNT_ID},
    )
    assert not found.is_error, found.content
    return [lead["profile_id"] for lead in found.structured_content["leads"]]


async def test_200_concurrent_searches_over_three_replicas_charge_exactly_the_budget(team: Team) -> None:
    outcomes: list[tuple[bool, str]] = []

    async def searches(replica: Running, words: list[str]) -> None:
        async with client_of(replica) as client:

            async def one(word: str) -> None:
                result = await client.call_tool(
                    "search_leads",
                    {
                        "filters": {"keywords": word},
                        "max_results": 5,
                        "page_size": 5,
                        "account_id": SECOND_SALES_NAV_ACCOUNT_ID,
                    },
                )
                outcomes.append((result.is_error, result.content[0].text))

            async with anyio.create_task_group() as tg:
                for word in words:
                    tg.start_soon(one, word)

    words = [f"teamterm{i:03d}" for i in range(SEARCHES)]
    clients = team.replicas * 3  # three clients per replica, every replica busy at once
    async with anyio.create_task_group() as tg:
        for i, replica in enumerate(clients):
            tg.start_soon(searches, replica, words[i :: len(clients)])

    charged = [text for failed, text in outcomes if not failed]
    refused = [text for failed, text in outcomes if failed]
    assert len(outcomes) == SEARCHES
    assert len(charged) == BUDGET, refused[:3]
    assert all("used up" in text and "resets on" in text for text in refused), refused[:3]
    calls = sandbox_state(team.sandbox)["searchCalls"][SECOND_SALES_NAV_ACCOUNT_ID]["total"]
    assert calls == BUDGET  # one upstream page per charged search, none for refused ones
    committed = await audit_of(team, account_id=SECOND_SALES_NAV_ACCOUNT_ID, kinds=["search.committed"])
    assert len(committed) == BUDGET and {e.actor for e in committed} == {"alice"}
    ids = [e.id for e in await audit_of(team)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # one trail, in one order, for all replicas


async def test_a_draft_made_on_one_replica_is_sent_once_from_another(team: Team) -> None:
    a, b, c = team.replicas
    text = "Hello from the team, replica A drafted this."
    async with client_of(a) as client:
        recipient = (await recipients(client, 2))[0]
        draft = (
            await client.call_tool(
                "draft_message", {"recipient": recipient, "text": text, "account_id": DEFAULT_ACCOUNT_ID}
            )
        ).structured_content
    assert draft and draft["confirmation_token"], draft
    arguments = {
        "draft_id": draft["draft_id"],
        "confirmation_token": draft["confirmation_token"],
        "recipient": recipient,
        "text": text,
    }
    async with client_of(b) as client:
        sent = await client.call_tool("send_message", arguments)
        assert not sent.is_error, sent.content
        assert sent.structured_content["outcome"] == "sent"
    async with client_of(c) as client:
        again = await client.call_tool("send_message", arguments)
        assert not again.is_error, again.content
        assert again.structured_content["outcome"] == "already_sent"
    async with client_of(c, "bob") as client:  # bob's grant covers this account, but not the other one
        refused = await client.call_tool("get_ssi", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
        assert refused.is_error and "User bob has no access" in refused.content[0].text
    assert len(sent_with(team, text)) == 1
    trail = [
        (e.kind, e.actor)
        for e in await audit_of(team, account_id=DEFAULT_ACCOUNT_ID)
        if e.kind.startswith("send.") and e.details.get("draft_id") == draft["draft_id"]
    ]
    assert trail == [("send.attempt", "alice"), ("send.sent", "alice"), ("send.repeat", "alice")]


async def test_a_replica_killed_mid_send_leaves_the_draft_unknown_and_never_resends(team: Team) -> None:
    a, b, c = team.replicas
    text = "Hello from the team, sent while replica C dies."
    async with client_of(a) as client:
        recipient = (await recipients(client, 2))[1]
        draft = (
            await client.call_tool(
                "draft_message", {"recipient": recipient, "text": text, "account_id": DEFAULT_ACCOUNT_ID}
            )
        ).structured_content
    assert draft and draft["confirmation_token"], draft
    arguments = {
        "draft_id": draft["draft_id"],
        "confirmation_token": draft["confirmation_token"],
        "recipient": recipient,
        "text": text,
    }
    set_faults(
        team.sandbox, [{"route": "POST /linkedin/conversations/send", "kind": "hang_after_commit", "delay": 120}]
    )
    try:

        async def send_on_doomed_replica() -> None:
            async with client_of(c) as client:
                await client.call_tool("send_message", arguments)

        async with anyio.create_task_group() as tg:
            tg.start_soon(send_on_doomed_replica)
            deadline = time.monotonic() + 30
            while not sent_with(team, text):  # upstream has the message; its answer hangs
                assert time.monotonic() < deadline, "the send never reached upstream"
                await anyio.sleep(0.1)
            c.stop(signal.SIGKILL)
            tg.cancel_scope.cancel()
    finally:
        set_faults(team.sandbox, [])

    async with client_of(a) as client:
        # `sending` (the dead replica's attempt), or already `unknown` if the sending timeout passed: never resent.
        refused = await client.call_tool("send_message", arguments)
        assert refused.is_error, refused.content
        assert any(s in refused.content[0].text for s in ("being sent right now", "may or may not have been sent"))
    await anyio.sleep(2.5)  # past SALESNAV_SENDING_TIMEOUT: the stuck send is reported as unknown
    async with client_of(b) as client:
        listed = await client.call_tool("list_drafts", {"state": "unknown", "account_id": DEFAULT_ACCOUNT_ID})
        assert draft["draft_id"] in {d["draft_id"] for d in listed.structured_content["drafts"]}
        again = await client.call_tool("send_message", arguments)
        assert again.is_error and "may or may not have been sent" in again.content[0].text
    assert len(sent_with(team, text)) == 1


async def test_three_users_see_only_their_own_exports_and_reasons_and_every_refusal_is_audited(team: Team) -> None:
    a, b, _ = team.replicas
    before = max((e.id for e in await audit_of(team)), default=0)
    async with client_of(a, "carol") as carol:
        run = await carol.call_tool("export_analytics", {"export_type": "seat", "max_wait_seconds": 60})
        assert not run.is_error, run.content
        export_id = run.structured_content["export_id"]
        added = await carol.call_tool(
            "update_do_not_contact",
            {"action": "add", "recipient": "carol-private-1", "reason": "personal matter", "account_id": SECOND_SALES_NAV_ACCOUNT_ID},
        )
        assert not added.is_error, added.content
    async with client_of(b, "alice") as alice:
        added = await alice.call_tool("update_do_not_contact", {"action": "add", "recipient": "legal-hold-1", "reason": "legal hold"})
        assert not added.is_error, added.content

    refusals = 0
    async with client_of(a, "bob") as bob:
        listed = (await bob.call_tool("list_exports", {})).structured_content
        assert export_id not in [e["export_id"] for e in listed["exports"]]
        with pytest.raises(Exception, match="no access to stored export"):
            await bob.read_resource(f"salesnav://exports/{export_id}")
        refusals += 1
        contract = await bob.call_tool("export_analytics", {"export_type": "seat", "contract": "12345"})
        assert contract.is_error and "no access to Sales Navigator contract" in contract.content[0].text
        refusals += 1
    async with client_of(b, "bob") as bob:
        entries = (await bob.call_tool("list_do_not_contact", {})).structured_content["entries"]
        assert [e["recipient"] for e in entries] == ["legal-hold-1"]  # not carol's account entry
        assert entries[0]["reason"] is None and entries[0]["reason_hidden"] is True  # alice's reason stays hers
        org = await bob.call_tool("update_do_not_contact", {"action": "add", "recipient": "someone-else-1"})
        assert org.is_error and "only users granted every account" in org.content[0].text
        refusals += 1
        theirs = await bob.call_tool(
            "update_do_not_contact", {"action": "remove", "recipient": "carol-private-1", "account_id": SECOND_SALES_NAV_ACCOUNT_ID}
        )
        assert theirs.is_error and "no access to LinkedIn account" in theirs.content[0].text
        refusals += 1
    async with client_of(a, "carol") as carol:
        mine = (await carol.call_tool("list_do_not_contact", {})).structured_content["entries"]
        assert {e["recipient"]: e["reason"] for e in mine} == {"legal-hold-1": None, "carol-private-1": "personal matter"}

    refused = [e for e in await audit_of(team, kinds=["access.refused"], after_id=before) if e.actor == "bob"]
    assert len(refused) == refusals, [(e.details["where"], e.details["target"]) for e in refused]
    assert {e.details["target"] for e in refused} == {
        f"export {export_id}",
        f"contract {ENTERPRISE_CONTRACT}",
        "organisation",
        f"account {SECOND_SALES_NAV_ACCOUNT_ID}",
    }
