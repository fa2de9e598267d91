"""Authentication, unknown accounts, missing seats and validation errors in upstream's shapes."""

from __future__ import annotations

import pytest

from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, FREE_ACCOUNT_ID
from tests.sandbox.helpers import Sandbox, lead_url

pytestmark = pytest.mark.anyio


async def test_connectsafely_bearer_rules(sb: Sandbox) -> None:
    missing = await sb.raw.get("/linkedin/accounts")
    assert (missing.status_code, missing.json()) == (401, {"error": "Unauthorized"})
    empty = await sb.raw.get("/linkedin/accounts", headers={"Authorization": "Bearer   "})
    assert (empty.status_code, empty.json()) == (401, {"error": "Unauthorized"})
    invalid = await sb.raw.get("/linkedin/accounts", headers={"Authorization": "Bearer invalid-key"})
    assert invalid.status_code == 401
    assert invalid.json() == {"success": False, "code": "INVALID_API_KEY", "message": "Invalid API key"}
    ok = await sb.raw.get("/linkedin/accounts", headers={"Authorization": "Bearer anything-else"})
    assert ok.status_code == 200


async def test_every_connectsafely_route_requires_auth(sb: Sandbox) -> None:
    routes = [("GET", "/accounts"), ("GET", "/account/status"), ("POST", "/search/people"),
              ("POST", "/search/companies"), ("POST", "/search/geo"), ("GET", "/ssi"), ("GET", "/inmail/credits"),
              ("GET", "/conversations"), ("POST", "/conversations/send"),
              ("POST", "/conversations/upload-attachment"), ("GET", "/conversations/urn:li:x:1/messages"),
              ("POST", "/sales-nav/send")]
    for method, path in routes:
        response = await sb.raw.request(method, "/linkedin" + path)
        assert response.status_code == 401, path


async def test_unknown_account_is_404(sb: Sandbox) -> None:
    for response in (
        await sb.cs.get("/ssi", params={"accountId": "ffffffffffffffffffffffff"}),
        await sb.cs.post("/search/people", json={"accountId": "nope", "keywords": "cto"}),
        await sb.cs.get("/conversations", params={"accountId": "nope"}),
    ):
        assert response.status_code == 404
        assert response.json() == {"success": False, "error": "Account not found"}


async def test_seatless_accounts_get_sales_navigator_required(sb: Sandbox) -> None:
    url = lead_url(keywords="cto")
    attempts = [
        (BUSINESS_ACCOUNT_ID, sb.cs.get("/ssi", params={"accountId": BUSINESS_ACCOUNT_ID})),
        (FREE_ACCOUNT_ID, sb.cs.get("/ssi", params={"accountId": FREE_ACCOUNT_ID})),
        (BUSINESS_ACCOUNT_ID, sb.cs.post("/search/people", json={"accountId": BUSINESS_ACCOUNT_ID, "url": url})),
        (FREE_ACCOUNT_ID, sb.cs.post("/search/companies", json={
            "accountId": FREE_ACCOUNT_ID, "url": "https://www.linkedin.com/sales/search/company?query=(keywords:acme)"})),
        (BUSINESS_ACCOUNT_ID, sb.cs.post("/conversations/send", json={
            "accountId": BUSINESS_ACCOUNT_ID, "recipientProfileId": sb.world.leads[0].profile_id, "message": "hi",
            "messagingChannel": "sales_navigator"})),
        (FREE_ACCOUNT_ID, sb.cs.post("/sales-nav/send", json={
            "accountId": FREE_ACCOUNT_ID, "recipients": [sb.world.leads[0].profile_id], "body": "hi"})),
    ]
    premium = {BUSINESS_ACCOUNT_ID: "BUSINESS_PREMIUM", FREE_ACCOUNT_ID: "FREE"}
    for account_id, pending in attempts:
        response = await pending
        assert response.status_code == 400
        assert response.json() == {
            "success": False, "code": "SALES_NAVIGATOR_REQUIRED",
            "error": "This LinkedIn account does not have an active Sales Navigator seat",
            "premiumType": premium[account_id]}
    assert sb.world.sent_messages == []


async def test_plain_search_works_without_a_seat(sb: Sandbox) -> None:
    response = await sb.search_people(accountId=FREE_ACCOUNT_ID, keywords="engineer")
    assert response.status_code == 200 and response.json()["people"]


async def test_zod_errors_name_the_field(sb: Sandbox) -> None:
    response = await sb.search_people(count=0, start="x")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"]["name"] == "ZodError"
    issues = {tuple(i["path"]): i for i in body["error"]["issues"]}
    assert issues[("count",)]["code"] == "too_small"
    assert issues[("start",)]["code"] == "invalid_type"
    assert issues[("start",)]["message"] == "Expected number, received string"
    too_big = await sb.search_people(count=101)
    assert too_big.json()["error"]["issues"][0]["path"] == ["count"]
    conversations = await sb.cs.get("/conversations", params={"count": "500"})
    assert conversations.status_code == 400
    assert conversations.json()["error"]["issues"][0]["path"] == ["count"]
    not_json = await sb.cs.post("/search/people", content=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["success"] is False


async def test_partner_api_auth_and_protocol_header(sb: Sandbox) -> None:
    path = "/v2/salesContracts?q=contractsByMember"
    no_bearer = await sb.raw.get(path, headers={"X-Restli-Protocol-Version": "2.0.0"})
    assert no_bearer.status_code == 401
    assert set(no_bearer.json()) == {"message", "serviceErrorCode", "status"} and no_bearer.json()["status"] == 401
    bad_token = await sb.raw.get(path, headers={"Authorization": "Bearer invalid", "X-Restli-Protocol-Version": "2.0.0"})
    assert bad_token.status_code == 401 and bad_token.json()["serviceErrorCode"] == 65600
    no_protocol = await sb.raw.get(path, headers={"Authorization": "Bearer t"})
    assert no_protocol.status_code == 400
    assert no_protocol.json()["serviceErrorCode"] == 100 and "X-Restli-Protocol-Version" in no_protocol.json()["message"]
    wrong_protocol = await sb.raw.get(path, headers={"Authorization": "Bearer t", "X-Restli-Protocol-Version": "1.0.0"})
    assert wrong_protocol.status_code == 400
    ok = await sb.li.get("/salesContracts", params={"q": "contractsByMember"})
    assert ok.status_code == 200


async def test_unknown_routes_answer_in_each_apis_shape(sb: Sandbox) -> None:
    linkedin = await sb.cs.get("/no/such/thing")
    assert linkedin.status_code == 404 and linkedin.json()["success"] is False
    partner = await sb.li.get("/noSuchResource")
    assert partner.status_code == 404 and partner.json()["status"] == 404
