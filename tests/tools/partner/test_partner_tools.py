"""CRM profile matching and embedded-profile tools end to end against the sandbox."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.config import FaultRule
from salesnav_mcp.sandbox.jobs import record_digest, record_matches
from salesnav_mcp.server.app import build_server
from tests.support.world import world

pytestmark = pytest.mark.anyio

ODD = ",():'% é漢字"  # Rest.li's reserved characters, a space and non-ASCII
ASSOCIATIONS = "GET /v2/salesNavigatorProfileAssociations"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """Pass fault rules with indirect parametrization."""
    faults = getattr(request, "param", [])
    return SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000, faults=faults)


@pytest.fixture
def server(settings: Settings, services: Services) -> MCPServer:
    built = build_server(settings, services=services)
    return built


def record(record_id: str, instance: str = f"sf{ODD}") -> dict[str, str]:
    return {"instance_id": instance, "partner": "SALESFORCE", "record_id": record_id}


def records_where(match: bool, n: int, prefix: str = "003") -> list[dict[str, str]]:
    found, i = [], 0
    while len(found) < n:
        rid = f"{prefix}{ODD}{i}"
        if record_matches(rid) == match:
            found.append(record(rid))
        i += 1
    return found


def expected_member(services: Services, record_id: str) -> str:
    leads = world(services).leads
    lead = leads[int.from_bytes(record_digest(record_id)[1:5], "big") % len(leads)]
    return f"urn:li:person:{lead.person_id}"


# ----------------------------------------------------------------------------- matching


async def test_match_one_record_hit_and_miss(mcp_client: Client, services: Services) -> None:
    (hit,) = records_where(True, 1)
    (miss,) = records_where(False, 1)
    found = await mcp_client.call_tool("match_crm_records", {"records": [hit]})
    assert not found.is_error, found.content
    (match,) = found.structured_content["results"]
    assert {k: match[k] for k in hit} == hit  # keyed back to the caller's record, odd characters intact
    assert match["status"] == "matched" and match["member"] == expected_member(services, hit["record_id"])
    assert match["profile_url"].startswith("https://www.linkedin.com/sales/people/")
    missing = await mcp_client.call_tool("match_crm_records", {"records": [miss]})
    assert not missing.is_error
    (answer,) = missing.structured_content["results"]
    assert answer["status"] == "not_matched" and answer["record_id"] == miss["record_id"]
    assert "1 not matched" in missing.content[0].text


async def test_small_batch_is_answered_inline_in_input_order(mcp_client: Client, services: Services) -> None:
    records = records_where(True, 12) + records_where(False, 5, prefix="00Q")
    records = records[::2] + records[1::2]  # interleave hits and misses
    sent = [*records, records[3]]  # a duplicate is looked up once
    result = await mcp_client.call_tool("match_crm_records", {"records": sent})
    assert not result.is_error, result.content
    data = result.structured_content
    assert (data["records"], data["duplicates_ignored"], data["upstream_batches"]) == (17, 1, 1)
    assert (data["matched"], data["not_matched"], data["errors"]) == (12, 5, 0)
    assert data["results_complete"] is True and data["resource_uri"] is None
    assert [{k: r[k] for k in ("instance_id", "partner", "record_id")} for r in data["results"]] == records
    for r in data["results"]:
        assert r["status"] == ("matched" if record_matches(r["record_id"]) else "not_matched")
        if r["status"] == "matched":
            assert r["member"] == expected_member(services, r["record_id"])
    assert result.content[0].text.startswith("17 CRM records: 12 matched, 5 not matched, 0 errors")


async def test_large_batch_is_split_upstream_and_stored_as_csv(mcp_client: Client) -> None:
    records = [record(f"rec{ODD}{i}", instance=f"inst{i % 3}") for i in range(249)]
    formula = '=HYPERLINK("https://evil.example","open")'  # a CRM id that a spreadsheet would run
    records.append(record(formula, instance="inst0"))
    progress: list[tuple[float, float | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total))

    result = await mcp_client.call_tool("match_crm_records", {"records": records}, progress_callback=on_progress)
    assert not result.is_error, result.content
    data = result.structured_content
    hits = [r for r in records if record_matches(r["record_id"])]
    assert data["upstream_batches"] == 3 and data["records"] == 250
    assert data["matched"] == len(hits) and data["not_matched"] == 250 - len(hits) and data["errors"] == 0
    assert progress == [(100, 250), (200, 250), (250, 250)]
    # Inline: only the records without a match; the whole answer is a CSV resource keyed by record.
    assert data["results_complete"] is False
    assert {r["record_id"] for r in data["results"]} == {r["record_id"] for r in records if r not in hits}
    text = (await mcp_client.read_resource(data["resource_uri"])).contents[0].text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["instance_id"], r["partner"], r["record_id"]) for r in rows] == [
        (r["instance_id"], r["partner"], r["record_id"]) for r in records[:-1]
    ] + [("inst0", records[-1]["partner"], "'" + formula)]  # opened in a spreadsheet, it stays text
    assert all((row["status"] == "matched") == record_matches(row["record_id"]) for row in rows[:-1])
    links = [c for c in result.content if c.type == "resource_link"]
    assert [str(link.uri) for link in links] == [data["resource_uri"]]


@pytest.mark.parametrize("sandbox_config", [[FaultRule(route=ASSOCIATIONS, kind="500", times=1)]], indirect=True)
async def test_a_failed_upstream_batch_marks_only_its_records(mcp_client: Client, services: Services) -> None:
    records = [record(f"r{i}") for i in range(150)]
    result = await mcp_client.call_tool("match_crm_records", {"records": records})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["errors"] == 100 and data["matched"] + data["not_matched"] == 50
    failed = [r for r in data["results"] if r["status"] == "error"]
    assert [r["record_id"] for r in failed] == [f"r{i}" for i in range(100)]
    assert "HTTP 500" in failed[0]["error"]
    assert "First error: r0:" in result.content[0].text


@pytest.mark.parametrize("sandbox_config", [[FaultRule(route=ASSOCIATIONS, kind="500")]], indirect=True)
async def test_batch_that_fails_entirely_is_an_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("match_crm_records", {"records": [record("a"), record("b")]})
    assert result.is_error and "HTTP 500" in result.content[0].text


async def test_match_input_is_checked(mcp_client: Client) -> None:
    empty = await mcp_client.call_tool("match_crm_records", {"records": []})
    assert empty.is_error
    blank = await mcp_client.call_tool("match_crm_records", {"records": [{"instance_id": "i", "partner": "p", "record_id": ""}]})
    assert blank.is_error and "record_id" in blank.content[0].text


# ----------------------------------------------------------------------------- embedded profile


EMBED_ARGS: dict[str, Any] = {
    "crm_record": record(f"003{ODD}"),
    "first_name": "Zoë",
    "last_name": "Müller-Smith",
    "email": "zoe@example.com",
    "company_name": "Acme & Co",
}


def tokens(services: Services) -> list[str]:
    return [token for token, _expiry in world(services).sales_access_tokens]


async def test_embed_url_keeps_the_token_out_unless_asked(
    mcp_client: Client, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = await mcp_client.call_tool("get_profile_embed_url", EMBED_ARGS)
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["token_included"] is False and data["token"] is None and data["embed_url"] is None
    assert tokens(services) == []  # no token was even fetched
    url = data["embed_url_without_token"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/sales/widget/profile-matching"
    query = parse_qs(parts.query)
    assert query["crmRecordId"] == [f"003{ODD}"] and query["crmOrgId"] == [f"sf{ODD}"]
    assert query["crmSourceType"] == ["SALESFORCE"] and query["companyName"] == ["Acme & Co"]
    assert query["apiKey"] == ["sandbox-app"] and query["version"] == ["2.1"] and "sat" not in query
    assert "%2C%28%29%3A%27%25%20" in url  # every reserved character encoded

    # The host application reads the signed-in URL from the resource: same URL plus a fresh token.
    read = await mcp_client.read_resource(data["embed_resource_uri"])
    signed = read.contents[0].text.strip()
    assert read.contents[0].mime_type == "text/uri-list"
    (token,) = tokens(services)
    assert signed == f"{url}&sat={quote(token, safe='')}"

    revealed = await mcp_client.call_tool("get_profile_embed_url", {**EMBED_ARGS, "reveal_token": True})
    assert not revealed.is_error
    shown = revealed.structured_content
    assert shown["token"] == tokens(services)[-1] and shown["token_included"] is True
    assert shown["embed_url"] == f"{url}&sat={quote(shown['token'], safe='')}"
    assert shown["token_expires_at"] > "2026-11-02T09:29" and shown["embed_url"] in revealed.content[0].text
    for secret in tokens(services):
        assert secret not in caplog.text


async def test_embed_needs_a_person_and_takes_the_app_client_id(mcp_client: Client) -> None:
    nobody = await mcp_client.call_tool("get_profile_embed_url", {"first_name": "Zoë"})
    assert nobody.is_error and "crm_record" in nobody.content[0].text
    by_email = await mcp_client.call_tool(
        "get_profile_embed_url", {"email": "a@b.example", "app_client_id": "86abc123xyz"}
    )
    assert not by_email.is_error
    query = parse_qs(urlsplit(by_email.structured_content["embed_url_without_token"]).query)
    assert query["apiKey"] == ["86abc123xyz"] and query["email"] == ["a@b.example"]


@pytest.mark.parametrize("sandbox_config", [[FaultRule(route="GET /v2/salesAccessTokens", kind="500")]], indirect=True)
async def test_embed_token_failure_is_a_clear_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_profile_embed_url", {**EMBED_ARGS, "reveal_token": True})
    assert result.is_error and "HTTP 500" in result.content[0].text
    uri = (await mcp_client.call_tool("get_profile_embed_url", EMBED_ARGS)).structured_content["embed_resource_uri"]
    with pytest.raises(Exception, match="HTTP 500"):
        await mcp_client.read_resource(uri)
