"""Profiles and company details through the real client: both documented profile shapes, cache, quota."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from salesnav_mcp.models.connectsafely import ProfileRequest
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.upstream.errors import NotFoundError, RateLimitedError, ValidationError

pytestmark = pytest.mark.anyio

EVERYTHING = {
    "include_experience": True,
    "include_education": True,
    "include_skills": True,
    "include_geo_location": True,
    "include_contact": True,
}


def second_degree(up, skip: int = 0):
    return [lead for lead in up.world.leads if lead.degree(DEFAULT_ACCOUNT_ID) == "S"][skip]


async def test_both_documented_profile_shapes_parse_identically(upstream) -> None:
    answers, wires = {}, {}
    for variant in ("captured", "reference"):
        async with upstream(profile_variant=variant) as up:
            lead = second_degree(up)
            answers[variant] = await up.cs.get_profile(profile_id=lead.profile_id, **EVERYTHING)
            wires[variant] = json.loads(up.transport.exchanges[-1].response_content)
    captured, reference = wires["captured"], wires["reference"]
    assert "experience" in captured["profile"] and "experience" not in captured
    assert "experience" in reference and "experience" not in reference["profile"]
    assert (captured["profile"]["connectionDegree"], reference["profile"]["connectionDegree"]) == ("2nd", "DISTANCE_2")
    assert answers["captured"].profile == answers["reference"].profile
    profile = answers["captured"].profile
    assert profile.connection_degree == "2nd" and profile.is_connected is False
    assert profile.public_identifier == lead.profile_id and profile.entity_urn == lead.profile_urn
    assert profile.experience[0].title == lead.title and profile.experience[0].company_name == lead.company_name
    assert profile.education[0].school_name == lead.school and profile.skills
    assert profile.location and profile.location.country_code and profile.geo_location
    assert "experience" not in (answers["reference"].model_extra or {})


async def test_profile_request_checks_and_url_slug(upstream) -> None:
    async with upstream() as up:
        lead = second_degree(up)
        with pytest.raises(ValidationError) as urn:
            await up.cs.get_profile(profile_id=lead.profile_urn)
        assert up.transport.exchanges == [], "a URN is refused before sending"
        plain = await up.cs.get_profile(ProfileRequest(profile_id=f"https://www.linkedin.com/in/{lead.profile_id}/"))
        with pytest.raises(NotFoundError):
            await up.cs.get_profile(profile_id="nobody-here-000000")
    assert "profile_id" in urn.value.fields
    assert json.loads(up.transport.exchanges[0].content) == {
        "profileId": lead.profile_id,
        "includeExperience": False,
        "includeEducation": False,
        "includeSkills": False,
        "includeContact": False,
        "includeGeoLocation": False,
        "forceRefresh": False,
    }
    assert plain.profile.experience == [] and plain.profile.geo_location is None


async def test_cache_hits_are_free_and_the_121st_distinct_profile_is_refused(upstream, clock) -> None:
    start = clock.now()
    async with upstream() as up:
        leads = up.world.leads[:121]
        first = await up.cs.get_profile(profile_id=leads[0].profile_id)
        assert first.cached is False and first.expires_at == start + timedelta(hours=6)
        clock.advance(60)
        again = await up.cs.get_profile(profile_id=leads[0].profile_id)
        assert again.cached is True and again.cached_at == start
        for lead in leads[1:120]:
            await up.cs.get_profile(profile_id=lead.profile_id)
        refreshed = await up.cs.get_profile(profile_id=leads[0].profile_id, force_refresh=True)
        assert refreshed.cached is False, "a refresh of a counted profile takes no new slot"
        with pytest.raises(RateLimitedError) as info:
            await up.cs.get_profile(profile_id=leads[120].profile_id)
        assert info.value.retry_at == start + timedelta(hours=24, seconds=60)
        assert info.value.code == "PROFILE_VIEW"
        cached = await up.cs.get_profile(profile_id=leads[5].profile_id)
        assert cached.cached is True, "cache hits still work past the limit"
        quota = (await up.cs.get_quota(DEFAULT_ACCOUNT_ID)).feature("PROFILE_VIEW")
        assert quota is not None and (quota.used, quota.limit, quota.remaining, quota.limit_reached) == (
            120,
            120,
            0,
            True,
        )
        clock.advance(timedelta(hours=24))
        late = await up.cs.get_profile(profile_id=leads[120].profile_id)
    assert late.cached is False
    assert len(up.transport.to("/profile")) == 125, "the refused fetch was not retried"


async def test_company_details_by_id_and_universal_name(upstream) -> None:
    async with upstream() as up:
        company = up.world.companies[3]
        by_id = await up.cs.get_company_details(company.company_id)
        by_name = await up.cs.get_company_details(company.universal_name)
        with pytest.raises(NotFoundError):
            await up.cs.get_company_details("no-such-company-anywhere")
        with pytest.raises(ValidationError):
            await up.cs.get_company_details("  ")
    assert by_id == by_name
    assert (by_id.id, by_id.name, by_id.universal_name) == (
        str(company.company_id),
        company.name,
        company.universal_name,
    )
    assert by_id.employee_range and by_id.employee_range.start and by_id.staff_count == company.employee_count
    assert by_id.headquarters and by_id.headquarters.city and by_id.linkedin_url and by_id.specialities
    assert json.loads(up.transport.to("/search/companies/details")[0].content) == {"companyId": str(company.company_id)}
