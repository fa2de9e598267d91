"""The SSI and InMail credit tools: scores, snapshots kept once a day, accounts without a seat, bad ids."""

from __future__ import annotations

import pytest
from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID

pytestmark = pytest.mark.anyio


async def test_get_ssi_reports_weakest_pillar_and_keeps_snapshot(mcp_client: Client, services: Services) -> None:
    result = await mcp_client.call_tool("get_ssi", {})
    assert not result.is_error, result.content
    data = result.structured_content
    scores = {p["pillar"]: p["score"] for p in data["pillars"]}
    assert len(scores) == 4
    assert data["weakest_pillar"] == min(scores, key=scores.get)
    assert abs(sum(scores.values()) - data["overall"]) < 0.6
    assert "Weakest" in result.content[0].text
    snapshots = await services.guardrails.store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)
    assert len(snapshots) == 1


async def test_get_ssi_without_seat_says_so(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_ssi", {"account_id": BUSINESS_ACCOUNT_ID})
    assert result.is_error
    assert "Sales Navigator seat" in result.content[0].text


async def test_inmail_credits(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_inmail_credits", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
    assert not result.is_error
    assert result.structured_content["available"] == 3
    assert result.structured_content["total"] == 30


async def test_bad_account_id_names_the_field(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_ssi", {"account_id": "not-an-id"})
    assert result.is_error
    assert "account_id" in result.content[0].text


async def test_unchanged_daily_snapshot_is_written_once(
    mcp_client: Client, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = services.guardrails.store
    writes: list[str] = []
    original = store.upsert_ssi_snapshot

    async def counting(**kwargs: object) -> None:
        writes.append(str(kwargs["account_id"]))
        await original(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "upsert_ssi_snapshot", counting)
    for _ in range(3):
        assert not (await mcp_client.call_tool("get_ssi", {})).is_error
    assert not (await mcp_client.call_tool("get_ssi", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})).is_error
    assert writes == [DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID]
    assert len(await store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)) == 1
