"""Documented variants of the newer ConnectSafely answers, normalised by the wire models (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salesnav_mcp.models.connectsafely import (
    CompanyDetailsRequest,
    ConnectRequest,
    Conversation,
    InMailCreditsResponse,
    Message,
    ProfileRequest,
    ProfileResponse,
    SentInvitation,
    SsiResponse,
)

LISTS = {
    "experience": [{"title": "CTO", "companyName": "Acme"}],
    "education": [{"schoolName": "ETH", "startYear": 2001}],
    "skills": [{"skillId": 42, "name": "Go", "endorsementCount": 3}],
}


@pytest.mark.parametrize(
    ("degree", "expected"),
    [("1st", "1st"), ("DISTANCE_1", "1st"), ("DISTANCE_2", "2nd"), ("DISTANCE_3", "3rd"), ("3rd+", "3rd")],
)
def test_profile_lists_inside_or_beside_and_both_degree_spellings(degree: str, expected: str) -> None:
    person = {"firstName": "Ada", "connectionDegree": degree, "location": "Zürich, Switzerland"}
    inside = ProfileResponse.model_validate({"success": True, "profile": {**person, **LISTS}, "cached": False})
    beside = ProfileResponse.model_validate({"success": True, "profile": person, **LISTS, "cached": False})
    assert inside == beside
    assert inside.profile.connection_degree == expected
    assert inside.profile.skills[0].skill_id == "42" and inside.profile.education[0].start_year == 2001
    assert inside.profile.location and inside.profile.location.geo_location_name == "Zürich, Switzerland"


def test_profile_and_company_requests() -> None:
    assert (
        ProfileRequest(profile_id=" https://www.linkedin.com/in/ada-l%C3%B6we-12ab/?trk=x ").profile_id
        == "ada-löwe-12ab"
    )
    for bad in ("urn:li:fsd_profile:ACoAAx", "https://www.linkedin.com/company/acme", "two words"):
        with pytest.raises(ValueError, match="profile"):
            ProfileRequest(profile_id=bad)
    assert CompanyDetailsRequest(company_id=1234).to_wire() == {"companyId": "1234"}
    assert CompanyDetailsRequest(company_id=" acme ", account_id="a").to_wire() == {
        "companyId": "acme",
        "accountId": "a",
    }


def test_connect_request_needs_exactly_one_person_and_a_short_note() -> None:
    assert ConnectRequest(profile_urn="urn:li:fsd_profile:x", custom_message=" ").to_wire() == {
        "profileUrn": "urn:li:fsd_profile:x"
    }
    assert ConnectRequest(profile_id="ada", custom_message="n" * 300).custom_message == "n" * 300
    for fields in (
        {},
        {"profile_id": "ada", "profile_urn": "urn:li:fsd_profile:x"},
        {"profile_id": "ada", "custom_message": "n" * 301},
        {"profile_urn": "ada"},
    ):
        with pytest.raises(ValueError):
            ConnectRequest(**fields)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("just now", timedelta(0)),
        ("Sent 1 minute ago", timedelta(minutes=1)),
        ("an hour ago", timedelta(hours=1)),
        ("2 days ago", timedelta(days=2)),
        ("3 weeks ago", timedelta(weeks=3)),
        ("2 months ago", timedelta(days=60)),
        ("yesterday-ish", None),
        (None, None),
    ],
)
def test_relative_sent_at_text(text: str | None, age: timedelta | None) -> None:
    assert SentInvitation(sent_at=text).sent_ago == age


def test_ssi_groups_in_the_seeds_shape() -> None:
    ssi = SsiResponse.model_validate(
        {
            "groupScore": [
                {
                    "group": "INDUSTRY",
                    "industryName": "Tech",
                    "rank": 12,
                    "averageScore": 41.5,
                    "groupSize": 120000,
                    "change": -2,
                    "pillars": [{"pillar": "PROFESSIONAL_BRAND", "score": 10.5}],
                },
                {"groupType": "NETWORK", "group": "ignored when groupType is there", "rank": 30},
            ]
        }
    )
    industry, network = ssi.group_score
    assert (industry.group_type, industry.average_score, industry.group_size, industry.change) == (
        "INDUSTRY",
        41.5,
        120000,
        -2,
    )
    assert industry.pillars[0].pillar == "PROFESSIONAL_BRAND" and network.group_type == "NETWORK"


def test_credits_labels_subjects_and_attachment_names() -> None:
    both = InMailCreditsResponse.model_validate({"inMailCredits": 4, "availableCredits": 4, "totalCredits": 30})
    assert both.in_mail_credits == 4
    thread = Conversation.model_validate(
        {
            "conversationUrn": "urn:li:salesNav_thread:1",
            "subject": "Intro",
            "labels": ["lbl-a", {"id": "lbl-b", "name": "B"}],
        }
    )
    assert thread.subject == "Intro" and [(label.id, label.name) for label in thread.labels] == [
        ("lbl-a", None),
        ("lbl-b", "B"),
    ]
    message = Message.model_validate(
        {
            "subject": "Intro",
            "attachments": ["notes.txt", {"assetUrn": "urn:li:digitalmediaAsset:1", "name": "deck.pdf"}, {}],
        }
    )
    assert message.subject == "Intro" and message.attachment_names == ["notes.txt", "deck.pdf"]
