"""Wire models: strict requests, tolerant responses, documented variants, Rest.li keys."""

from __future__ import annotations

import pydantic
import pytest

from salesnav_mcp.models.connectsafely import (
    CompanySearchRequest,
    InMailCreditsResponse,
    PeopleSearchRequest,
    SalesNavSendRequest,
    SendMessageRequest,
    SsiResponse,
)
from salesnav_mcp.models.snap import (
    AnalyticsExportJob,
    AnalyticsExportRequest,
    ContractsResponse,
    ProfileAssociationKey,
    SalesAccessToken,
)


def test_people_filters_serialise_with_wire_names_and_normalise_geo() -> None:
    req = PeopleSearchRequest(
        keywords="cto",
        filters={"title": "CTO OR VP", "geoUrn": "urn:li:geo:103644278", "connection_degree": ["S", "O"]},
    )
    assert req.to_wire() == {
        "keywords": "cto",
        "count": 25,
        "start": 0,
        "filters": {"title": "CTO OR VP", "locationId": "103644278", "connectionDegree": ["S", "O"]},
    }


@pytest.mark.parametrize(
    ("model", "filters", "loc"),
    [
        (PeopleSearchRequest, {"titel": "CTO"}, ("filters", "titel")),
        (PeopleSearchRequest, {"connectionDegree": ["1st"]}, ("filters", "connectionDegree", 0)),
        (CompanySearchRequest, {"companySize": ["Z"]}, ("filters", "companySize", 0)),
        (CompanySearchRequest, {"revenue": [1]}, ("filters", "revenue")),
    ],
)
def test_unknown_or_invalid_filters_are_rejected(model: type[pydantic.BaseModel], filters: dict, loc: tuple) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate({"filters": filters})
    assert [e["loc"] for e in info.value.errors()] == [loc]


def test_send_request_needs_a_recipient_and_respects_limits() -> None:
    with pytest.raises(pydantic.ValidationError, match="recipientProfileId"):
        SendMessageRequest(message="hi")
    with pytest.raises(pydantic.ValidationError):
        SendMessageRequest(message="x" * 8001, recipient_profile_id="jane")
    with pytest.raises(pydantic.ValidationError):
        SendMessageRequest(message="hi", subject="s" * 201, recipient_profile_id="jane")
    ok = SendMessageRequest(message="hi", recipient_profile_id="jane", messaging_channel="linkedin_inbox")
    assert ok.to_wire() == {"recipientProfileId": "jane", "message": "hi", "messagingChannel": "linkedin_inbox"}


def test_sales_nav_send_needs_exactly_one_target() -> None:
    with pytest.raises(pydantic.ValidationError):
        SalesNavSendRequest(body="hi")
    with pytest.raises(pydantic.ValidationError):
        SalesNavSendRequest(body="hi", thread_id="1", recipients=["a"])
    req = SalesNavSendRequest(body="hi", recipients=["urn:li:fsd_profile:A"], copy_to_crm=True)
    assert req.to_wire() == {"body": "hi", "recipients": ["urn:li:fsd_profile:A"], "copyToCrm": True}


def test_inmail_credit_variants_land_in_one_field() -> None:
    assert InMailCreditsResponse.model_validate({"success": True, "inMailCredits": 7}).in_mail_credits == 7
    legacy = InMailCreditsResponse.model_validate({"availableCredits": 3, "totalCredits": 30, "usedCredits": 27})
    assert (legacy.in_mail_credits, legacy.total_credits, legacy.used_credits) == (3, 30, 27)


def test_ssi_tolerates_the_seed_example_and_extra_fields() -> None:
    seed = {
        "success": True,
        "accountId": "acc_12345",
        "memberScore": {},
        "industry": {},
        "network": {},
        "groupScore": [{"group": "example_value", "industryName": "Technology", "rank": 0, "pillars": []}],
        "profileUrn": "urn:li:fsd_profile:ACoAABcdefgh",
        "activeSeat": True,
        "rawJson": {},
    }
    ssi = SsiResponse.model_validate(seed)
    assert ssi.member_score.overall is None
    assert ssi.group_score[0].industry_name == "Technology"
    assert ssi.model_extra == {"success": True, "rawJson": {}}


def test_seed_openapi_examples_parse() -> None:
    contracts = ContractsResponse.model_validate(
        {
            "elements": [
                {"contract": "urn:li:salesContract:12345", "name": "Enterprise", "hasReportingAccess": True},
                {
                    "contract": "urn:li:salesContract:67890",
                    "name": "Pro",
                    "description": None,
                    "hasReportingAccess": False,
                },
            ],
            "paging": {"count": 10, "start": 0, "links": []},
        }
    )
    assert [c.has_reporting_access for c in contracts.elements] == [True, False]
    job = AnalyticsExportJob.model_validate(
        {"id": 987654321, "status": "COMPLETED", "downloadUrl": "https://x/y.csv", "expireAt": 1640200000000}
    )
    assert job.is_completed and not job.is_failed and job.expires_at is not None
    assert "https://x" not in repr(job)  # pre-signed links stay out of reprs
    failed = AnalyticsExportJob.model_validate({"id": 1, "status": "FAILED_DUE_TO_TIMED_OUT"})
    assert failed.is_failed and not failed.is_pending


def test_export_request_range_checked_before_sending() -> None:
    day = 86_400_000
    AnalyticsExportRequest(contract="urn:li:salesContract:1", start_at=0, end_at=90 * day)
    with pytest.raises(pydantic.ValidationError, match="90 days"):
        AnalyticsExportRequest(contract="urn:li:salesContract:1", start_at=0, end_at=91 * day)
    with pytest.raises(pydantic.ValidationError, match="before"):
        AnalyticsExportRequest(contract="urn:li:salesContract:1", start_at=5, end_at=5)


def test_sales_access_token_kept_out_of_repr() -> None:
    token = SalesAccessToken(token="sat-secret-value", expiry_time=1_640_100_000)
    assert "sat-secret-value" not in repr(token)
    assert token.expires_at.year == 2021


def test_restli_key_forms() -> None:
    key = ProfileAssociationKey(instance_id="sf,1", partner="salesforce", record_id="é(x):'%")
    assert key.restli() == "(instanceId:sf%2C1,partner:salesforce,recordId:%C3%A9%28x%29%3A%27%25)"
    # In a path the whole key is URL-encoded once more, so no bare reserved character remains.
    assert key.path_segment() == (
        "%28instanceId%3Asf%252C1%2Cpartner%3Asalesforce%2CrecordId%3A%25C3%25A9%2528x%2529%253A%2527%2525%29"
    )
    assert key.literal() == "(instanceId:sf,1,partner:salesforce,recordId:é(x):'%)"
    assert hash(key) == hash(ProfileAssociationKey(instance_id="sf,1", partner="salesforce", record_id="é(x):'%"))
    with pytest.raises(pydantic.ValidationError):
        ProfileAssociationKey(instance_id="", partner="p", record_id="r")
